// Shared by the fuzz targets (tests/fuzz/*.cc): the libFuzzer entry point's signature and a check that
// stops the process loudly. A failed check aborts, so libFuzzer keeps the input as a crash and the
// replay test (replay_main.cc) fails on it, with the same message in both.
#ifndef MYBUILD_TESTS_FUZZ_FUZZ_CHECK_H_
#define MYBUILD_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace mybuild::fuzz {

[[noreturn]] inline void Fail(const char* file, int line, const char* condition, const std::string& detail) {
  std::fprintf(stderr, "%s:%d: fuzz check failed: %s%s%s\n", file, line, condition, detail.empty() ? "" : ": ",
               detail.c_str());
  std::abort();
}

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace mybuild::fuzz

// FUZZ_CHECK(condition) or FUZZ_CHECK(condition, "what went wrong" + detail).
#define FUZZ_CHECK(condition, ...)                                                                  \
  do {                                                                                              \
    if (!(condition)) ::mybuild::fuzz::Fail(__FILE__, __LINE__, #condition, std::string(__VA_ARGS__)); \
  } while (0)

#endif  // MYBUILD_TESTS_FUZZ_FUZZ_CHECK_H_
