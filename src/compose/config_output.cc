#include "src/compose/config_output.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>

#include "src/compose/key_path.h"
#include "src/compose/schema.h"

namespace mybuild::compose {
namespace {

using Json = nlohmann::ordered_json;

// compose-go's struct field orders (yaml/json names).
const std::vector<std::string> kTopOrder = {"name", "services", "networks", "volumes", "secrets", "configs", "models"};
const std::vector<std::string> kServiceOrder = {
    "profiles", "annotations", "attach", "build", "develop", "blkio_config", "cap_add", "cap_drop", "cgroup_parent",
    "cgroup", "cpu_count", "cpu_percent", "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "cpus",
    "cpuset", "cpu_shares", "command", "configs", "container_name", "credential_spec", "depends_on", "deploy",
    "device_cgroup_rules", "devices", "dns", "dns_opt", "dns_search", "dockerfile", "domainname", "entrypoint",
    "provider", "environment", "env_file", "expose", "extends", "external_links", "extra_hosts", "group_add", "gpus",
    "hostname", "healthcheck", "image", "init", "ipc", "isolation", "labels", "label_file", "links", "logging",
    "log_driver", "log_opt", "mem_limit", "mem_reservation", "memswap_limit", "mem_swappiness", "mac_address",
    "models", "net", "network_mode", "networks", "oom_kill_disable", "oom_score_adj", "pid", "pids_limit", "platform",
    "ports", "privileged", "pull_policy", "read_only", "restart", "runtime", "scale", "secrets", "security_opt",
    "shm_size", "stdin_open", "stop_grace_period", "stop_signal", "storage_opt", "sysctls", "tmpfs", "tty", "ulimits",
    "use_api_socket", "user", "userns_mode", "uts", "volume_driver", "volumes", "volumes_from", "working_dir",
    "pre_start", "post_start", "pre_stop"};
const std::vector<std::string> kBuildOrder = {
    "context", "dockerfile", "dockerfile_inline", "entitlements", "args", "provenance", "sbom", "ssh", "labels",
    "cache_from", "cache_to", "no_cache", "no_cache_filter", "additional_contexts", "pull", "extra_hosts",
    "isolation", "network", "target", "secrets", "shm_size", "tags", "ulimits", "platforms", "privileged"};
const std::vector<std::string> kPortOrder = {"name", "mode", "host_ip", "target", "published", "protocol", "app_protocol"};
const std::vector<std::string> kVolumeOrder = {"type", "source", "target", "read_only", "consistency", "bind", "volume", "tmpfs", "image"};
const std::vector<std::string> kDependencyOrder = {"condition", "restart", "required"};
const std::vector<std::string> kNetworkOrder = {"name", "driver", "driver_opts", "ipam", "external", "internal",
                                                "attachable", "labels", "enable_ipv4", "enable_ipv6"};
const std::vector<std::string> kResourceOrder = {"name", "driver", "driver_opts", "external", "labels", "file", "environment", "content"};

const char* const kBoolPaths[] = {
    "services.*.privileged", "services.*.init", "services.*.read_only", "services.*.tty", "services.*.stdin_open",
    "services.*.attach", "services.*.oom_kill_disable", "services.*.use_api_socket", "services.*.build.no_cache",
    "services.*.build.pull", "services.*.build.privileged", "services.*.depends_on.*.required",
    "services.*.depends_on.*.restart", "services.*.volumes.[].read_only", "services.*.volumes.[].bind.create_host_path",
    "services.*.volumes.[].volume.nocopy", "services.*.healthcheck.disable", "services.*.env_file.[].required",
    "networks.*.external", "networks.*.internal", "networks.*.attachable", "networks.*.enable_ipv4",
    "networks.*.enable_ipv6", "volumes.*.external", "secrets.*.external", "configs.*.external"};
const char* const kIntPaths[] = {
    "services.*.ports.[].target", "services.*.scale", "services.*.healthcheck.retries", "services.*.cpu_count",
    "services.*.cpu_period", "services.*.cpu_quota", "services.*.cpu_shares", "services.*.cpu_rt_period",
    "services.*.cpu_rt_runtime", "services.*.pids_limit", "services.*.oom_score_adj", "services.*.deploy.replicas"};

bool MatchesAny(const KeyPath& path, const auto& patterns) {
  return std::any_of(std::begin(patterns), std::end(patterns), [&](const char* p) { return PathMatches(path, p); });
}

bool IsExtension(const KeyPath& path) {
  return std::any_of(path.begin(), path.end(), [](const std::string& key) { return key.rfind("x-", 0) == 0; });
}

bool ParseInteger(const std::string& text, long long* out) {
  if (text.empty()) return false;
  size_t start = text[0] == '-' || text[0] == '+' ? 1 : 0;
  if (start == text.size() || !std::all_of(text.begin() + start, text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return false;
  }
  try {
    *out = std::stoll(text);
  } catch (...) {
    return false;
  }
  return true;
}

Json ScalarToJson(const Value& value, const KeyPath& path) {
  bool flag = false;
  long long number = 0;
  if (MatchesAny(path, kBoolPaths) && ParseBool(value, &flag)) return flag;
  if (MatchesAny(path, kIntPaths) && ParseInteger(value.scalar, &number)) return number;
  if (IsExtension(path) && !value.quoted) {  // extensions keep their YAML types
    if (ParseBool(value, &flag)) return flag;
    if (ParseInteger(value.scalar, &number)) return number;
    if (value.scalar == "null" || value.scalar == "~") return nullptr;
  }
  return value.scalar;
}

const std::vector<std::string>* OrderFor(const KeyPath& path) {
  if (path.empty()) return &kTopOrder;
  if (PathMatches(path, "services.*")) return &kServiceOrder;
  if (PathMatches(path, "services.*.build")) return &kBuildOrder;
  if (PathMatches(path, "services.*.ports.[]")) return &kPortOrder;
  if (PathMatches(path, "services.*.volumes.[]")) return &kVolumeOrder;
  if (PathMatches(path, "services.*.depends_on.*")) return &kDependencyOrder;
  if (PathMatches(path, "networks.*")) return &kNetworkOrder;
  if (PathMatches(path, "volumes.*") || PathMatches(path, "secrets.*") || PathMatches(path, "configs.*")) return &kResourceOrder;
  return nullptr;
}

Json ToJson(const Value& value, KeyPath& path) {
  switch (value.kind) {
    case Value::Kind::kNull:
      return nullptr;
    case Value::Kind::kScalar:
      return ScalarToJson(value, path);
    case Value::Kind::kSequence: {
      Json out = Json::array();
      path.push_back("[]");
      for (const Value& item : value.items) out.push_back(ToJson(item, path));
      path.pop_back();
      return out;
    }
    case Value::Kind::kMapping:
      break;
  }
  std::vector<const Entry*> entries;
  for (const Entry& entry : value.entries) entries.push_back(&entry);
  const std::vector<std::string>* order = OrderFor(path);
  auto rank = [&](const std::string& key) -> size_t {
    if (order == nullptr) return 0;
    auto found = std::find(order->begin(), order->end(), key);
    return found == order->end() ? order->size() : static_cast<size_t>(found - order->begin());
  };
  std::stable_sort(entries.begin(), entries.end(), [&](const Entry* a, const Entry* b) {
    const size_t ra = rank(a->key);
    const size_t rb = rank(b->key);
    return ra != rb ? ra < rb : a->key < b->key;
  });
  Json out = Json::object();
  for (const Entry* entry : entries) {
    path.push_back(entry->key);
    out[entry->key] = ToJson(entry->value, path);
    path.pop_back();
  }
  if (PathMatches(path, "services.*")) {
    // compose-go never omits these two in JSON (a null command differs from an empty one).
    for (const char* key : {"command", "entrypoint"}) {
      if (!out.contains(key)) {
        Json reordered = Json::object();
        for (auto it = out.begin(); it != out.end(); ++it) {
          if (!reordered.contains(key) && rank(it.key()) > rank(key)) reordered[key] = nullptr;
          reordered[it.key()] = it.value();
        }
        if (!reordered.contains(key)) reordered[key] = nullptr;
        out = std::move(reordered);
      }
    }
  }
  if (PathMatches(path, "networks.*") && !out.contains("ipam")) {
    Json reordered = Json::object();
    for (auto it = out.begin(); it != out.end(); ++it) {
      if (!reordered.contains("ipam") && rank(it.key()) > rank("ipam")) reordered["ipam"] = Json::object();
      reordered[it.key()] = it.value();
    }
    if (!reordered.contains("ipam")) reordered["ipam"] = Json::object();
    out = std::move(reordered);
  }
  return out;
}

bool NeedsQuotes(const std::string& text) {
  if (text.empty()) return true;
  long long number = 0;
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "true" || lower == "false" || lower == "null" || lower == "~" || lower == "yes" || lower == "no" ||
      lower == "on" || lower == "off") {
    return true;
  }
  if (ParseInteger(text, &number)) return true;
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return end != nullptr && *end == '\0';
}

void EmitYaml(YAML::Emitter& out, const Json& value, bool top_service_level) {
  if (value.is_object()) {
    out << YAML::BeginMap;
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (top_service_level && (it.key() == "command" || it.key() == "entrypoint") && it.value().is_null()) continue;
      if (it.value().is_object() && it.value().empty() && it.key() == "ipam") continue;
      out << YAML::Key << it.key() << YAML::Value;
      EmitYaml(out, it.value(), false);
    }
    out << YAML::EndMap;
  } else if (value.is_array()) {
    out << YAML::BeginSeq;
    for (const Json& item : value) EmitYaml(out, item, false);
    out << YAML::EndSeq;
  } else if (value.is_null()) {
    out << "null";
  } else if (value.is_boolean()) {
    out << (value.get<bool>() ? "true" : "false");
  } else if (value.is_number_integer()) {
    out << value.get<long long>();
  } else if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (NeedsQuotes(text)) out << YAML::DoubleQuoted;
    out << text;
  } else {
    out << value.dump();
  }
}

}  // namespace

Json ModelToJson(const Value& model) {
  KeyPath path;
  return ToJson(model, path);
}

std::string ModelToJsonText(const Value& model) {
  return ModelToJson(model).dump(2, ' ', false, Json::error_handler_t::replace);
}

std::string ModelToYaml(const Value& model) {
  const Json json = ModelToJson(model);
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (auto it = json.begin(); it != json.end(); ++it) {
    out << YAML::Key << it.key() << YAML::Value;
    if (it.key() == "services" && it.value().is_object()) {
      out << YAML::BeginMap;
      for (auto service = it.value().begin(); service != it.value().end(); ++service) {
        out << YAML::Key << service.key() << YAML::Value;
        EmitYaml(out, service.value(), true);
      }
      out << YAML::EndMap;
    } else {
      EmitYaml(out, it.value(), false);
    }
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace mybuild::compose
