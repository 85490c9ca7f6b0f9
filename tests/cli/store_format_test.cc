#include "src/cli/store_format.h"

#include <doctest/doctest.h>

namespace mybuild::cli {
namespace {

TEST_CASE("HumanSize with four significant digits prints the prune total as docker builder prune does") {
  CHECK(HumanSize(0, 4) == "0B");
  CHECK(HumanSize(1000, 4) == "1kB");
  CHECK(HumanSize(123456789, 4) == "123.5MB");
  CHECK(HumanSize(2500000000ull, 4) == "2.5GB");
}

TEST_CASE("HumanSize uses decimal units with three significant digits like docker") {
  CHECK(HumanSize(0) == "0B");
  CHECK(HumanSize(999) == "999B");
  CHECK(HumanSize(1000) == "1kB");
  CHECK(HumanSize(1234) == "1.23kB");
  CHECK(HumanSize(1036217) == "1.04MB");
  CHECK(HumanSize(4'270'000'000ull) == "4.27GB");
}

TEST_CASE("HumanDuration follows docker's wording") {
  CHECK(HumanDuration(-5) == "Less than a second");
  CHECK(HumanDuration(0) == "Less than a second");
  CHECK(HumanDuration(1) == "1 second");
  CHECK(HumanDuration(59) == "59 seconds");
  CHECK(HumanDuration(60) == "About a minute");
  CHECK(HumanDuration(150) == "2 minutes");
  CHECK(HumanDuration(3600) == "About an hour");
  CHECK(HumanDuration(5 * 3600) == "5 hours");
  CHECK(HumanDuration(3 * 86400) == "3 days");
  CHECK(HumanDuration(21 * 86400) == "3 weeks");
  CHECK(HumanDuration(90 * 86400) == "3 months");
  CHECK(HumanDuration(3 * 365 * 86400) == "3 years");
}

TEST_CASE("ParseTimestamp reads RFC 3339 in UTC and with offsets") {
  CHECK(*ParseTimestamp("1970-01-01T00:00:00Z") == 0);
  CHECK(*ParseTimestamp("2023-11-14T22:13:20Z") == 1700000000);
  CHECK(*ParseTimestamp("2023-11-14T22:13:20.123456789Z") == 1700000000);
  CHECK(*ParseTimestamp("2023-11-14T23:13:20+01:00") == 1700000000);
  CHECK(*ParseTimestamp("2023-11-14T21:13:20-01:00") == 1700000000);
  for (const char* bad : {"", "2023-11-14", "2023-11-14T22:13:20", "2023-13-14T22:13:20Z", "2023-11-14T22:13:20Zx",
                          "2023-11-14T22:13:20.Z", "yesterday"}) {
    CAPTURE(bad);
    CHECK(ParseTimestamp(bad).status().code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("ParseSourceDateEpoch accepts only decimal seconds") {
  CHECK(*ParseSourceDateEpoch("0") == 0);
  CHECK(*ParseSourceDateEpoch("1700000000") == 1700000000);
  for (const char* bad : {"", "-1", "1.5", "12a", " 1", "9999999999999999999"}) {
    CAPTURE(bad);
    CHECK(!ParseSourceDateEpoch(bad).ok());
  }
}

TEST_CASE("FormatTable pads columns to the widest cell plus three, at least ten") {
  CHECK(FormatTable({{"REPOSITORY", "TAG", "SIZE"}, {"busybox", "latest", "1MB"}}) ==
        "REPOSITORY   TAG       SIZE\n"
        "busybox      latest    1MB\n");
  CHECK(FormatTable({}) == "");
}

TEST_CASE("CurrentPlatform names this host's architecture as OCI does") {
  const HostPlatform platform = CurrentPlatform();
  CHECK(platform.os == "linux");
#if defined(__x86_64__)
  CHECK(platform.architecture == "amd64");
#elif defined(__aarch64__)
  CHECK(platform.architecture == "arm64");
#endif
}

}  // namespace
}  // namespace mybuild::cli
