// Pure formatting helpers of the image-store commands, in docker's style (no I/O, unit-testable).
#ifndef MYBUILD_CLI_STORE_FORMAT_H_
#define MYBUILD_CLI_STORE_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"

namespace mybuild::cli {

// Decimal units with three significant digits, as `docker images` shows sizes: "0B", "999B", "1.23kB",
// "4.27MB", "12.3GB". `docker builder prune` prints its total with four ("123.5MB").
std::string HumanSize(uint64_t bytes, int significant_digits = 3);

// How long ago, as docker says it ("Less than a second", "5 seconds", "About a minute", "3 hours",
// "2 weeks", ...), without the trailing " ago". Negative durations count as zero.
std::string HumanDuration(int64_t seconds);

// Parses an RFC 3339 timestamp ("2024-01-02T03:04:05Z", optional fraction, "Z" or "+hh:mm"/"-hh:mm")
// to whole seconds since the epoch; kInvalidArgument otherwise.
StatusOr<int64_t> ParseTimestamp(std::string_view text);

// Parses SOURCE_DATE_EPOCH's value: decimal digits only, fitting in int64.
StatusOr<int64_t> ParseSourceDateEpoch(std::string_view text);
// SOURCE_DATE_EPOCH from the environment when set and not empty (validated as above), else nullopt.
StatusOr<std::optional<int64_t>> SourceDateEpochFromEnv();

// The OCI platform of this binary's host: architecture ("amd64", "arm64", ...), variant ("" or e.g.
// "v7"), os ("linux").
struct HostPlatform {
  std::string architecture;
  std::string variant;
  std::string os;
};
HostPlatform CurrentPlatform();

// Lays out rows as docker's tables do (text/tabwriter with min width 10 and padding 3): every column but
// the last padded with spaces to its widest cell + `padding` (at least `min_width`). Each row ends with "\n".
std::string FormatTable(const std::vector<std::vector<std::string>>& rows, size_t min_width = 10, size_t padding = 3);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_STORE_FORMAT_H_
