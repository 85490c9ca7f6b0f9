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

// Fails the current test when the conformance data is absent: these tests must never pass silently.
#define MYBUILD_REQUIRE_CONFORMANCE()                                                        \
  REQUIRE_MESSAGE(std::filesystem::is_directory(::mybuild::testing::ConformanceDir()),       \
                  "conformance data not found at " << ::mybuild::testing::ConformanceDir() \
                                                   << " (expected ../shared/conformance)")

// Ends the current test as skipped: ctest reports it as "Skipped" because of the printed marker.
#define MYBUILD_SKIP(why)                                   \
  do {                                                      \
    std::cout << "skipped: " << (why) << std::endl;         \
    return;                                                 \
  } while (0)

}  // namespace mybuild::testing

#endif  // MYBUILD_TESTS_TEST_SUPPORT_H_
