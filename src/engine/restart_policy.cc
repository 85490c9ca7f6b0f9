#include "src/engine/restart_policy.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "src/base/files.h"
#include "src/engine/container_state_file.h"

namespace mybuild::engine {

StatusOr<RestartPolicy> ParseRestartPolicy(std::string_view text) {
  RestartPolicy policy;
  if (text.empty() || text == "no") return policy;
  if (text == "always") {
    policy.kind = RestartPolicy::Kind::kAlways;
    return policy;
  }
  if (text == "unless-stopped") {
    policy.kind = RestartPolicy::Kind::kUnlessStopped;
    return policy;
  }
  if (text.substr(0, 10) == "on-failure") {
    policy.kind = RestartPolicy::Kind::kOnFailure;
    std::string_view rest = text.substr(10);
    if (rest.empty()) return policy;
    std::string_view number = rest.substr(1);
    if (rest[0] == ':' && !number.empty() && number.size() <= 6 &&
        std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      policy.max_retries = std::stoi(std::string(number));
      return policy;
    }
  }
  return InvalidArgument("restart policy \"" + std::string(text) + "\": expected no, always, unless-stopped or on-failure[:N]");
}

bool ShouldRestart(const RestartPolicy& policy, int exit_code, int restarts, bool stopped_by_user) {
  if (stopped_by_user) return false;
  switch (policy.kind) {
    case RestartPolicy::Kind::kNo: return false;
    case RestartPolicy::Kind::kAlways:
    case RestartPolicy::Kind::kUnlessStopped: return true;
    case RestartPolicy::Kind::kOnFailure: return exit_code != 0 && (policy.max_retries == 0 || restarts < policy.max_retries);
  }
  return false;
}

int RestartDelayMs(int restarts) { return restarts >= 7 ? 10000 : std::min(10000, 100 << restarts); }

RestartPolicy LoadRestartPolicy(const std::filesystem::path& container_dir) {
  StatusOr<std::string> text = ReadFile(container_dir / "config.json", 1 << 20);
  if (!text.ok()) return {};
  nlohmann::json config = nlohmann::json::parse(*text, nullptr, false);
  if (!config.is_object() || !config.contains("settings") || !config["settings"].is_object()) return {};
  StatusOr<RestartPolicy> policy = ParseRestartPolicy(config["settings"].value("restart", "no"));
  return policy.ok() ? *policy : RestartPolicy{};
}

int ReadRestartCount(const std::filesystem::path& container_dir) {
  StatusOr<std::optional<std::string>> text = ReadFileIfPresent(container_dir / "restarts", 64);
  return text.ok() && *text ? std::atoi((*text)->c_str()) : 0;
}

Status WriteRestartCount(const std::filesystem::path& container_dir, int restarts) {
  return WriteRecordFile(container_dir / "restarts", std::to_string(restarts) + "\n");
}

}  // namespace mybuild::engine
