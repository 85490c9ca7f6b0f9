// The OCI image configuration (image-spec config.md) with the Docker extensions Dockerfiles can set
// (Shell, Healthcheck, OnBuild, ArgsEscaped). Parsed from at most kMaxJsonBytes, serialised canonically
// (sorted keys, compact, empty optional fields omitted).
#ifndef MYBUILD_IMAGE_IMAGE_CONFIG_H_
#define MYBUILD_IMAGE_IMAGE_CONFIG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/digest.h"
#include "src/base/status.h"

namespace mybuild::image {

struct HealthConfig {
  std::vector<std::string> test;  // ["NONE"], ["CMD", ...] or ["CMD-SHELL", "..."]
  int64_t interval_ns = 0;
  int64_t timeout_ns = 0;
  int64_t start_period_ns = 0;
  int64_t start_interval_ns = 0;
  int64_t retries = 0;
  bool operator==(const HealthConfig&) const = default;
};

// The "config" object: how to run the container. Fields named as in the JSON.
struct ContainerConfig {
  std::string user;
  std::vector<std::string> exposed_ports;              // "80/tcp"; a set, kept sorted and unique
  std::vector<std::string> env;                        // "KEY=value", in order
  std::optional<std::vector<std::string>> entrypoint;  // nullopt = not set (distinct from [])
  std::optional<std::vector<std::string>> cmd;
  std::vector<std::string> volumes;  // a set, kept sorted and unique
  std::string working_dir;
  std::map<std::string, std::string> labels;
  std::string stop_signal;
  std::vector<std::string> shell;           // Docker extension
  std::optional<HealthConfig> healthcheck;  // Docker extension
  std::vector<std::string> on_build;        // Docker extension
  bool args_escaped = false;                // Docker extension (Windows only in practice)
  bool operator==(const ContainerConfig&) const = default;
};

struct HistoryEntry {
  std::string created;  // RFC 3339; empty = omitted
  std::string created_by;
  std::string author;
  std::string comment;
  bool empty_layer = false;
  bool operator==(const HistoryEntry&) const = default;
};

struct ImageConfig {
  std::string architecture = "amd64";
  std::string os = "linux";
  std::string variant;
  std::string os_version;
  std::vector<std::string> os_features;
  std::string created;  // RFC 3339; empty = omitted
  std::string author;
  ContainerConfig config;
  std::vector<Digest> diff_ids;  // rootfs.diff_ids; rootfs.type is always "layers"
  std::vector<HistoryEntry> history;
  bool operator==(const ImageConfig&) const = default;
};

std::string Serialize(const ImageConfig& config);
// Validates types, rootfs.type == "layers" and every diff_id (Digest::Parse).
StatusOr<ImageConfig> ParseImageConfig(std::string_view json);

// Formats seconds since the epoch as RFC 3339 UTC ("2024-01-02T03:04:05Z"), for `created` fields.
std::string FormatTimestamp(int64_t seconds_since_epoch);

}  // namespace mybuild::image

#endif  // MYBUILD_IMAGE_IMAGE_CONFIG_H_
