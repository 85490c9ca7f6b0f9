#include "src/compose/schema.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "src/base/edit_distance.h"
#include "src/compose/key_path.h"

namespace mybuild::compose {
namespace {

enum class Type {
  kAny,
  kString,          // a scalar
  kBool,            // true / false
  kBoolOrString,
  kInt,             // an integer
  kStringOrNumber,
  kStrings,         // a sequence of scalars
  kStringOrList,    // a scalar or a sequence of scalars
  kListOrDict,      // KEY=VALUE strings, or a mapping of scalars (or null)
  kObject,          // a mapping with the fields of `object`
  kMapOfObjects,    // a mapping whose values are `object`s (or null)
  kListOfObjectsOrStrings,  // a sequence of scalars or `object`s
  kBuild,           // a string (the context) or the build object
  kStringOrObject,  // a string or `object`
  kDependsOn,       // a list of service names or a mapping of them to dependency objects
};

struct Field;
struct Schema {
  const char* what;  // "a service", for messages
  std::vector<Field> fields;
};
struct Field {
  const char* name;
  Type type;
  const Schema* object = nullptr;
};

const Schema kDependency = {"a dependency", {{"condition", Type::kString}, {"required", Type::kBool}, {"restart", Type::kBoolOrString}}};
const Schema kExtends = {"extends", {{"service", Type::kString}, {"file", Type::kString}}};
const Schema kBuildSecret = {"a build secret", {{"source", Type::kString}, {"target", Type::kString}, {"uid", Type::kString},
                                                {"gid", Type::kString}, {"mode", Type::kStringOrNumber}}};
const Schema kBuildSchema = {"a build section",
    {{"context", Type::kString}, {"dockerfile", Type::kString}, {"dockerfile_inline", Type::kString},
     {"entitlements", Type::kStrings}, {"args", Type::kListOrDict}, {"ssh", Type::kStringOrList},
     {"labels", Type::kListOrDict}, {"cache_from", Type::kStrings}, {"cache_to", Type::kStrings},
     {"no_cache", Type::kBoolOrString}, {"no_cache_filter", Type::kStringOrList}, {"additional_contexts", Type::kListOrDict},
     {"network", Type::kString}, {"provenance", Type::kBoolOrString}, {"sbom", Type::kBoolOrString},
     {"pull", Type::kBoolOrString}, {"target", Type::kString}, {"shm_size", Type::kStringOrNumber},
     {"extra_hosts", Type::kAny}, {"isolation", Type::kString}, {"privileged", Type::kBoolOrString},
     {"secrets", Type::kListOfObjectsOrStrings, &kBuildSecret}, {"tags", Type::kStrings}, {"ulimits", Type::kAny},
     {"platforms", Type::kStrings}}};
const Schema kHealthcheck = {"a healthcheck",
    {{"disable", Type::kBoolOrString}, {"interval", Type::kString}, {"retries", Type::kStringOrNumber},
     {"test", Type::kStringOrList}, {"timeout", Type::kString}, {"start_period", Type::kString},
     {"start_interval", Type::kString}}};
const Schema kLogging = {"a logging section", {{"driver", Type::kString}, {"options", Type::kAny}}};

const Schema kService = {"a service",
    {{"annotations", Type::kListOrDict}, {"attach", Type::kBoolOrString}, {"blkio_config", Type::kAny},
     {"build", Type::kBuild, &kBuildSchema}, {"cap_add", Type::kStrings}, {"cap_drop", Type::kStrings},
     {"cgroup", Type::kString}, {"cgroup_parent", Type::kString}, {"command", Type::kStringOrList},
     {"configs", Type::kAny}, {"container_name", Type::kString}, {"cpu_count", Type::kStringOrNumber},
     {"cpu_percent", Type::kStringOrNumber}, {"cpu_period", Type::kStringOrNumber}, {"cpu_quota", Type::kStringOrNumber},
     {"cpu_rt_period", Type::kStringOrNumber}, {"cpu_rt_runtime", Type::kStringOrNumber},
     {"cpu_shares", Type::kStringOrNumber}, {"cpus", Type::kStringOrNumber}, {"cpuset", Type::kString},
     {"credential_spec", Type::kAny}, {"depends_on", Type::kDependsOn, &kDependency}, {"deploy", Type::kAny},
     {"develop", Type::kAny}, {"device_cgroup_rules", Type::kStrings}, {"devices", Type::kAny},
     {"dns", Type::kStringOrList}, {"dns_opt", Type::kStrings}, {"dns_search", Type::kStringOrList},
     {"domainname", Type::kString}, {"entrypoint", Type::kStringOrList}, {"env_file", Type::kAny},
     {"environment", Type::kListOrDict}, {"expose", Type::kAny}, {"extends", Type::kStringOrObject, &kExtends},
     {"external_links", Type::kStrings}, {"extra_hosts", Type::kAny}, {"gpus", Type::kAny},
     {"group_add", Type::kAny}, {"healthcheck", Type::kObject, &kHealthcheck}, {"hostname", Type::kString},
     {"image", Type::kString}, {"init", Type::kBoolOrString}, {"ipc", Type::kString}, {"isolation", Type::kString},
     {"label_file", Type::kStringOrList}, {"labels", Type::kListOrDict}, {"links", Type::kStrings},
     {"logging", Type::kObject, &kLogging}, {"mac_address", Type::kString}, {"mem_limit", Type::kStringOrNumber},
     {"mem_reservation", Type::kStringOrNumber}, {"mem_swappiness", Type::kStringOrNumber},
     {"memswap_limit", Type::kStringOrNumber}, {"models", Type::kAny}, {"network_mode", Type::kString},
     {"networks", Type::kAny}, {"oom_kill_disable", Type::kBoolOrString}, {"oom_score_adj", Type::kStringOrNumber},
     {"pid", Type::kString}, {"pids_limit", Type::kStringOrNumber}, {"platform", Type::kString},
     {"ports", Type::kAny}, {"post_start", Type::kAny}, {"pre_start", Type::kAny}, {"pre_stop", Type::kAny},
     {"privileged", Type::kBoolOrString}, {"profiles", Type::kStrings}, {"provider", Type::kAny},
     {"pull_policy", Type::kString}, {"pull_refresh_after", Type::kString}, {"read_only", Type::kBoolOrString},
     {"restart", Type::kString}, {"runtime", Type::kString}, {"scale", Type::kStringOrNumber},
     {"secrets", Type::kAny}, {"security_opt", Type::kStrings}, {"shm_size", Type::kStringOrNumber},
     {"stdin_open", Type::kBoolOrString}, {"stop_grace_period", Type::kString}, {"stop_signal", Type::kString},
     {"storage_opt", Type::kAny}, {"sysctls", Type::kListOrDict}, {"tmpfs", Type::kStringOrList},
     {"tty", Type::kBoolOrString}, {"ulimits", Type::kAny}, {"use_api_socket", Type::kBool},
     {"user", Type::kString}, {"userns_mode", Type::kString}, {"uts", Type::kString}, {"volumes", Type::kAny},
     {"volumes_from", Type::kStrings}, {"working_dir", Type::kString}}};

const Schema kNetwork = {"a network",
    {{"name", Type::kString}, {"driver", Type::kString}, {"driver_opts", Type::kAny}, {"ipam", Type::kAny},
     {"external", Type::kAny}, {"internal", Type::kBoolOrString}, {"enable_ipv4", Type::kBoolOrString},
     {"enable_ipv6", Type::kBoolOrString}, {"attachable", Type::kBoolOrString}, {"labels", Type::kListOrDict}}};
const Schema kVolume = {"a volume",
    {{"name", Type::kString}, {"driver", Type::kString}, {"driver_opts", Type::kAny}, {"external", Type::kAny},
     {"labels", Type::kListOrDict}}};
const Schema kSecret = {"a secret",
    {{"name", Type::kString}, {"environment", Type::kString}, {"file", Type::kString}, {"external", Type::kAny},
     {"labels", Type::kListOrDict}, {"driver", Type::kString}, {"driver_opts", Type::kAny},
     {"template_driver", Type::kString}, {"content", Type::kString}}};
const Schema kInclude = {"an include", {{"path", Type::kStringOrList}, {"env_file", Type::kStringOrList},
                                        {"project_directory", Type::kString}}};

const Schema kTop = {"a compose file",
    {{"version", Type::kString}, {"name", Type::kString}, {"include", Type::kListOfObjectsOrStrings, &kInclude},
     {"services", Type::kMapOfObjects, &kService}, {"networks", Type::kMapOfObjects, &kNetwork},
     {"volumes", Type::kMapOfObjects, &kVolume}, {"secrets", Type::kMapOfObjects, &kSecret},
     {"configs", Type::kMapOfObjects, &kSecret}, {"models", Type::kAny}}};

Status Expected(const KeyPath& path, const Value& value, const std::string& expected) {
  return InvalidArgument(JoinPath(path) + ": expected " + expected + ", got " + KindName(value), value.location);
}

bool IsInteger(const std::string& text) {
  size_t start = text.size() > 1 && (text[0] == '-' || text[0] == '+') ? 1 : 0;
  return start < text.size() &&
         std::all_of(text.begin() + start, text.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

Status CheckObject(const Value& value, const Schema& schema, const KeyPath& path);

Status CheckScalarsIn(const Value& value, const KeyPath& path, const char* expected) {
  for (size_t i = 0; i < value.items.size(); ++i) {
    if (!value.items[i].IsScalar()) return Expected(Child(path, "[" + std::to_string(i) + "]"), value.items[i], expected);
  }
  return Status::Ok();
}

Status CheckField(const Value& value, const Field& field, const KeyPath& path) {
  bool flag = false;
  switch (field.type) {
    case Type::kAny:
      return Status::Ok();
    case Type::kString:
      if (value.IsScalar()) return Status::Ok();
      return Expected(path, value, "a string");
    case Type::kBool:
      if (value.IsScalar() && ParseBool(value, &flag)) return Status::Ok();
      return Expected(path, value, "a boolean (true or false)");
    case Type::kBoolOrString:
      if (value.IsScalar()) return Status::Ok();
      return Expected(path, value, "a boolean or a string");
    case Type::kInt:
      if (value.IsScalar() && IsInteger(value.scalar)) return Status::Ok();
      return Expected(path, value, "an integer");
    case Type::kStringOrNumber:
      if (value.IsScalar()) return Status::Ok();
      return Expected(path, value, "a string or a number");
    case Type::kStrings:
      if (!value.IsSequence()) return Expected(path, value, "a sequence of strings");
      return CheckScalarsIn(value, path, "a string");
    case Type::kStringOrList:
      if (value.IsScalar()) return Status::Ok();
      if (!value.IsSequence()) return Expected(path, value, "a string or a sequence of strings");
      return CheckScalarsIn(value, path, "a string");
    case Type::kListOrDict:
      if (value.IsSequence()) return CheckScalarsIn(value, path, "a KEY=VALUE string");
      if (!value.IsMapping()) return Expected(path, value, "a mapping or a list of KEY=VALUE strings");
      for (const Entry& entry : value.entries) {
        if (!entry.value.IsScalar() && !entry.value.IsNull()) {
          return Expected(Child(path, entry.key), entry.value, "a string, a number, a boolean or null");
        }
      }
      return Status::Ok();
    case Type::kObject:
      if (!value.IsMapping()) return Expected(path, value, std::string("a mapping (") + field.object->what + ")");
      return CheckObject(value, *field.object, path);
    case Type::kMapOfObjects:
      if (!value.IsMapping()) return Expected(path, value, "a mapping of names to definitions");
      for (const Entry& entry : value.entries) {
        if (entry.value.IsNull()) continue;
        if (!entry.value.IsMapping()) {
          return Expected(Child(path, entry.key), entry.value, std::string("a mapping (") + field.object->what + ")");
        }
        MB_RETURN_IF_ERROR(CheckObject(entry.value, *field.object, Child(path, entry.key)));
      }
      return Status::Ok();
    case Type::kListOfObjectsOrStrings:
      if (!value.IsSequence()) return Expected(path, value, "a sequence");
      for (size_t i = 0; i < value.items.size(); ++i) {
        const KeyPath item_path = Child(path, "[" + std::to_string(i) + "]");
        if (value.items[i].IsMapping()) {
          MB_RETURN_IF_ERROR(CheckObject(value.items[i], *field.object, item_path));
        } else if (!value.items[i].IsScalar()) {
          return Expected(item_path, value.items[i], std::string("a string or a mapping (") + field.object->what + ")");
        }
      }
      return Status::Ok();
    case Type::kBuild:
    case Type::kStringOrObject:
      if (value.IsScalar()) return Status::Ok();
      if (!value.IsMapping()) return Expected(path, value, std::string("a string or a mapping (") + field.object->what + ")");
      return CheckObject(value, *field.object, path);
    case Type::kDependsOn:
      if (value.IsSequence()) return CheckScalarsIn(value, path, "a service name");
      if (!value.IsMapping()) return Expected(path, value, "a list of service names or a mapping of them to conditions");
      for (const Entry& entry : value.entries) {
        if (!entry.value.IsMapping()) {
          return Expected(Child(path, entry.key), entry.value, "a mapping (condition, required, restart)");
        }
        MB_RETURN_IF_ERROR(CheckObject(entry.value, *field.object, Child(path, entry.key)));
        if (const Value* condition = entry.value.Find("condition"); condition != nullptr) {
          static const std::vector<std::string> kConditions = {"service_started", "service_healthy",
                                                               "service_completed_successfully"};
          if (std::find(kConditions.begin(), kConditions.end(), condition->scalar) == kConditions.end()) {
            return InvalidArgument(JoinPath(Child(Child(path, entry.key), "condition")) +
                                       ": expected service_started, service_healthy or service_completed_successfully, got \"" +
                                       condition->scalar + "\"",
                                   condition->location);
          }
        }
      }
      return Status::Ok();
  }
  return Status::Ok();
}

Status CheckObject(const Value& value, const Schema& schema, const KeyPath& path) {
  for (const Entry& entry : value.entries) {
    if (entry.key.rfind("x-", 0) == 0) continue;  // extensions
    const auto field = std::find_if(schema.fields.begin(), schema.fields.end(),
                                    [&](const Field& f) { return entry.key == f.name; });
    if (field == schema.fields.end()) {
      std::vector<std::string_view> names;
      for (const Field& f : schema.fields) names.push_back(f.name);
      const std::string nearest = NearestWord(entry.key, names, std::max<size_t>(3, entry.key.size() / 2));
      const std::string where = path.empty() ? std::string("top level") : JoinPath(path);
      return InvalidArgument(where + ": unknown key \"" + entry.key + "\" in " + schema.what +
                                 (nearest.empty() ? std::string() : " (did you mean \"" + nearest + "\"?)"),
                             entry.key_location);
    }
    MB_RETURN_IF_ERROR(CheckField(entry.value, *field, Child(path, entry.key)));
  }
  return Status::Ok();
}

}  // namespace

bool ParseBool(const Value& value, bool* out) {
  std::string lower = value.scalar;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "true") {
    *out = true;
    return true;
  }
  if (lower == "false") {
    *out = false;
    return true;
  }
  return false;
}

Status ValidateModel(const Value& model) {
  if (!model.IsMapping()) return Expected({}, model, "a mapping at the top level of a compose file");
  return CheckObject(model, kTop, {});
}

}  // namespace mybuild::compose
