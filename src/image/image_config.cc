#include "src/image/image_config.h"

#include <algorithm>
#include <ctime>

#include "src/image/descriptor.h"
#include "src/image/json_fields.h"

namespace mybuild::image {

using namespace json_fields;  // NOLINT: internal helpers of this module

namespace {

nlohmann::json KeySet(const std::vector<std::string>& keys) {
  nlohmann::json json = nlohmann::json::object();
  for (const std::string& key : keys) json[key] = nlohmann::json::object();
  return json;
}

void SortUnique(std::vector<std::string>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

nlohmann::json ToJson(const HealthConfig& health) {
  nlohmann::json json = nlohmann::json::object();
  if (!health.test.empty()) json["Test"] = health.test;
  if (health.interval_ns) json["Interval"] = health.interval_ns;
  if (health.timeout_ns) json["Timeout"] = health.timeout_ns;
  if (health.start_period_ns) json["StartPeriod"] = health.start_period_ns;
  if (health.start_interval_ns) json["StartInterval"] = health.start_interval_ns;
  if (health.retries) json["Retries"] = health.retries;
  return json;
}

nlohmann::json ToJson(const ContainerConfig& config) {
  nlohmann::json json = nlohmann::json::object();
  if (!config.user.empty()) json["User"] = config.user;
  if (!config.exposed_ports.empty()) json["ExposedPorts"] = KeySet(config.exposed_ports);
  if (!config.env.empty()) json["Env"] = config.env;
  if (config.entrypoint) json["Entrypoint"] = *config.entrypoint;
  if (config.cmd) json["Cmd"] = *config.cmd;
  if (!config.volumes.empty()) json["Volumes"] = KeySet(config.volumes);
  if (!config.working_dir.empty()) json["WorkingDir"] = config.working_dir;
  if (!config.labels.empty()) json["Labels"] = config.labels;
  if (!config.stop_signal.empty()) json["StopSignal"] = config.stop_signal;
  if (!config.shell.empty()) json["Shell"] = config.shell;
  if (config.healthcheck) json["Healthcheck"] = ToJson(*config.healthcheck);
  if (!config.on_build.empty()) json["OnBuild"] = config.on_build;
  if (config.args_escaped) json["ArgsEscaped"] = true;
  return json;
}

Status ParseOptionalStrings(const nlohmann::json& json, const char* key, const std::string& where,
                            std::optional<std::vector<std::string>>& out) {
  auto it = json.find(key);
  if (it == json.end() || it->is_null()) return Status::Ok();
  std::vector<std::string> values;
  MB_RETURN_IF_ERROR(GetStrings(json, key, where, values));
  out = std::move(values);
  return Status::Ok();
}

StatusOr<HealthConfig> ParseHealth(const nlohmann::json& json, const std::string& where) {
  MB_RETURN_IF_ERROR(RequireObject(json, where));
  HealthConfig health;
  MB_RETURN_IF_ERROR(GetStrings(json, "Test", where, health.test));
  MB_RETURN_IF_ERROR(GetInt(json, "Interval", where, health.interval_ns));
  MB_RETURN_IF_ERROR(GetInt(json, "Timeout", where, health.timeout_ns));
  MB_RETURN_IF_ERROR(GetInt(json, "StartPeriod", where, health.start_period_ns));
  MB_RETURN_IF_ERROR(GetInt(json, "StartInterval", where, health.start_interval_ns));
  MB_RETURN_IF_ERROR(GetInt(json, "Retries", where, health.retries));
  return health;
}

StatusOr<ContainerConfig> ParseContainerConfig(const nlohmann::json& json, const std::string& where) {
  MB_RETURN_IF_ERROR(RequireObject(json, where));
  ContainerConfig config;
  MB_RETURN_IF_ERROR(GetString(json, "User", where, config.user));
  MB_RETURN_IF_ERROR(GetKeySet(json, "ExposedPorts", where, config.exposed_ports));
  MB_RETURN_IF_ERROR(GetStrings(json, "Env", where, config.env));
  MB_RETURN_IF_ERROR(ParseOptionalStrings(json, "Entrypoint", where, config.entrypoint));
  MB_RETURN_IF_ERROR(ParseOptionalStrings(json, "Cmd", where, config.cmd));
  MB_RETURN_IF_ERROR(GetKeySet(json, "Volumes", where, config.volumes));
  MB_RETURN_IF_ERROR(GetString(json, "WorkingDir", where, config.working_dir));
  MB_RETURN_IF_ERROR(GetStringMap(json, "Labels", where, config.labels));
  MB_RETURN_IF_ERROR(GetString(json, "StopSignal", where, config.stop_signal));
  MB_RETURN_IF_ERROR(GetStrings(json, "Shell", where, config.shell));
  if (json.contains("Healthcheck") && !json["Healthcheck"].is_null()) {
    MB_ASSIGN_OR_RETURN(config.healthcheck, ParseHealth(json["Healthcheck"], where + ".Healthcheck"));
  }
  MB_RETURN_IF_ERROR(GetStrings(json, "OnBuild", where, config.on_build));
  MB_RETURN_IF_ERROR(GetBool(json, "ArgsEscaped", where, config.args_escaped));
  SortUnique(config.exposed_ports);
  SortUnique(config.volumes);
  return config;
}

}  // namespace

std::string FormatTimestamp(int64_t seconds) {
  std::time_t time = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&time, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string Serialize(const ImageConfig& image) {
  nlohmann::json json = nlohmann::json::object();
  json["architecture"] = image.architecture;
  json["os"] = image.os;
  if (!image.variant.empty()) json["variant"] = image.variant;
  if (!image.os_version.empty()) json["os.version"] = image.os_version;
  if (!image.os_features.empty()) json["os.features"] = image.os_features;
  if (!image.created.empty()) json["created"] = image.created;
  if (!image.author.empty()) json["author"] = image.author;
  json["config"] = ToJson(image.config);
  nlohmann::json diff_ids = nlohmann::json::array();
  for (const Digest& digest : image.diff_ids) diff_ids.push_back(digest.ToString());
  json["rootfs"] = {{"type", "layers"}, {"diff_ids", diff_ids}};
  if (!image.history.empty()) {
    nlohmann::json history = nlohmann::json::array();
    for (const HistoryEntry& entry : image.history) {
      nlohmann::json item = nlohmann::json::object();
      if (!entry.created.empty()) item["created"] = entry.created;
      if (!entry.created_by.empty()) item["created_by"] = entry.created_by;
      if (!entry.author.empty()) item["author"] = entry.author;
      if (!entry.comment.empty()) item["comment"] = entry.comment;
      if (entry.empty_layer) item["empty_layer"] = true;
      history.push_back(std::move(item));
    }
    json["history"] = std::move(history);
  }
  return CanonicalJson(json);
}

StatusOr<ImageConfig> ParseImageConfig(std::string_view text) {
  MB_ASSIGN_OR_RETURN(nlohmann::json json, ParseJson(text, "image config"));
  const std::string where = "image config";
  MB_RETURN_IF_ERROR(RequireObject(json, where));
  ImageConfig image;
  image.architecture.clear();
  image.os.clear();
  MB_RETURN_IF_ERROR(GetString(json, "architecture", where, image.architecture));
  MB_RETURN_IF_ERROR(GetString(json, "os", where, image.os));
  MB_RETURN_IF_ERROR(GetString(json, "variant", where, image.variant));
  MB_RETURN_IF_ERROR(GetString(json, "os.version", where, image.os_version));
  MB_RETURN_IF_ERROR(GetStrings(json, "os.features", where, image.os_features));
  MB_RETURN_IF_ERROR(GetString(json, "created", where, image.created));
  MB_RETURN_IF_ERROR(GetString(json, "author", where, image.author));
  if (json.contains("config") && !json["config"].is_null()) {
    MB_ASSIGN_OR_RETURN(image.config, ParseContainerConfig(json["config"], where + ".config"));
  }
  if (!json.contains("rootfs")) return InvalidArgument(where + ".rootfs: missing");
  const nlohmann::json& rootfs = json["rootfs"];
  MB_RETURN_IF_ERROR(RequireObject(rootfs, where + ".rootfs"));
  std::string type;
  MB_RETURN_IF_ERROR(GetString(rootfs, "type", where + ".rootfs", type));
  if (type != "layers")
    return InvalidArgument(where + ".rootfs.type: expected \"layers\", got \"" + type + "\"");
  std::vector<std::string> diff_ids;
  MB_RETURN_IF_ERROR(GetStrings(rootfs, "diff_ids", where + ".rootfs", diff_ids));
  for (size_t i = 0; i < diff_ids.size(); ++i) {
    StatusOr<Digest> digest = Digest::Parse(diff_ids[i]);
    if (!digest.ok())
      return digest.status().WithContext(where + ".rootfs.diff_ids[" + std::to_string(i) + "]");
    image.diff_ids.push_back(*digest);
  }
  if (json.contains("history") && !json["history"].is_null()) {
    if (!json["history"].is_array()) return InvalidArgument(where + ".history: expected an array");
    size_t i = 0;
    for (const auto& item : json["history"]) {
      std::string at = where + ".history[" + std::to_string(i++) + "]";
      MB_RETURN_IF_ERROR(RequireObject(item, at));
      HistoryEntry entry;
      MB_RETURN_IF_ERROR(GetString(item, "created", at, entry.created));
      MB_RETURN_IF_ERROR(GetString(item, "created_by", at, entry.created_by));
      MB_RETURN_IF_ERROR(GetString(item, "author", at, entry.author));
      MB_RETURN_IF_ERROR(GetString(item, "comment", at, entry.comment));
      MB_RETURN_IF_ERROR(GetBool(item, "empty_layer", at, entry.empty_layer));
      image.history.push_back(std::move(entry));
    }
  }
  return image;
}

}  // namespace mybuild::image
