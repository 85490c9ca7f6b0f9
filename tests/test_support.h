// Helpers shared by the unit tests.
#ifndef MYBUILD_TESTS_TEST_SUPPORT_H_
#define MYBUILD_TESTS_TEST_SUPPORT_H_

#include <doctest/doctest.h>

#include <filesystem>
#include <iostream>
#include <string>

namespace mybuild::testing {

// Where the third-party conformance data lives (../shared/conformance beside the checkout).
inline std::filesystem::path ConformanceDir() { return MYBUILD_CONFORMANCE_DIR; }
inline std::filesystem::path TestdataDir() { return MYBUILD_TESTDATA_DIR; }

// Ends the current test as skipped: ctest reports it as "Skipped" because of the printed marker.
#define MYBUILD_SKIP(why)                                   \
  do {                                                      \
    std::cout << "skipped: " << (why) << std::endl;         \
    return;                                                 \
  } while (0)

// Skips the current test, loudly, when the conformance data is absent (a checkout without
// ../shared/conformance beside it): such a test never passes without having read its data.
#define MYBUILD_REQUIRE_CONFORMANCE()                                                                    \
  do {                                                                                                   \
    if (!std::filesystem::is_directory(::mybuild::testing::ConformanceDir())) {                          \
      MYBUILD_SKIP("conformance data not found at " + ::mybuild::testing::ConformanceDir().string() +    \
                   " (expected ../shared/conformance beside the checkout)");                            \
    }                                                                                                    \
  } while (0)

}  // namespace mybuild::testing

#endif  // MYBUILD_TESTS_TEST_SUPPORT_H_
