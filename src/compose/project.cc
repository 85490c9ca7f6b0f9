#include "src/compose/project.h"

#include <algorithm>
#include <iterator>

#include "src/compose/schema.h"

namespace mybuild::compose {
namespace {

std::map<std::string, std::string> StringMap(const Value* value) {
  std::map<std::string, std::string> out;
  if (value == nullptr || !value->IsMapping()) return out;
  for (const Entry& entry : value->entries) {
    if (!entry.value.IsNull()) out[entry.key] = entry.value.scalar;
  }
  return out;
}

std::vector<std::string> Strings(const Value* value) {
  std::vector<std::string> out;
  if (value == nullptr) return out;
  if (value->IsScalar()) return {value->scalar};
  for (const Value& item : value->items) out.push_back(item.scalar);
  return out;
}

std::string StringAt(const Value& mapping, const char* key) {
  const Value* value = mapping.Find(key);
  return value != nullptr && value->IsScalar() ? value->scalar : std::string();
}

StatusOr<bool> BoolAt(const Value& mapping, const char* key, const std::string& path) {
  const Value* value = mapping.Find(key);
  if (value == nullptr || value->IsNull()) return false;
  bool out = false;
  if (!ParseBool(*value, &out)) {
    return InvalidArgument(path + "." + key + ": expected a boolean (true or false), got \"" + value->scalar + "\"",
                           value->location);
  }
  return out;
}

StatusOr<BuildSpec> BuildFrom(const Value& build, const std::string& path) {
  BuildSpec spec;
  spec.location = build.location;
  spec.context = StringAt(build, "context");
  spec.dockerfile = StringAt(build, "dockerfile");
  spec.dockerfile_inline = StringAt(build, "dockerfile_inline");
  spec.args = StringMap(build.Find("args"));
  spec.labels = StringMap(build.Find("labels"));
  spec.target = StringAt(build, "target");
  spec.tags = Strings(build.Find("tags"));
  MB_ASSIGN_OR_RETURN(spec.no_cache, BoolAt(build, "no_cache", path));
  MB_ASSIGN_OR_RETURN(spec.pull, BoolAt(build, "pull", path));
  spec.network = StringAt(build, "network");
  spec.platforms = Strings(build.Find("platforms"));
  spec.cache_from = Strings(build.Find("cache_from"));
  spec.cache_to = Strings(build.Find("cache_to"));
  spec.additional_contexts = StringMap(build.Find("additional_contexts"));
  spec.ssh = Strings(build.Find("ssh"));
  if (const Value* secrets = build.Find("secrets"); secrets != nullptr && secrets->IsSequence()) {
    for (const Value& item : secrets->items) {
      BuildSecret secret;
      secret.location = item.location;
      if (item.IsScalar()) {
        secret.source = item.scalar;
      } else {
        secret.source = StringAt(item, "source");
        secret.target = StringAt(item, "target");
        secret.uid = StringAt(item, "uid");
        secret.gid = StringAt(item, "gid");
        secret.mode = StringAt(item, "mode");
      }
      spec.secrets.push_back(std::move(secret));
    }
  }
  static const char* const kApplied[] = {"context", "dockerfile", "dockerfile_inline", "args", "labels", "target",
                                         "tags", "no_cache", "pull", "network", "platforms", "additional_contexts",
                                         "secrets", "ssh", "cache_from", "cache_to"};
  for (const Entry& entry : build.entries) {
    if (entry.key.rfind("x-", 0) == 0) continue;
    if (std::find(std::begin(kApplied), std::end(kApplied), entry.key) == std::end(kApplied)) {
      spec.unsupported.push_back(entry.key);
    }
  }
  return spec;
}

}  // namespace

std::string Project::ImageName(const Service& service) const {
  return service.image.empty() ? name + "-" + service.name : service.image;
}

StatusOr<std::map<std::string, Service>> ServicesFromModel(const Value& model) {
  std::map<std::string, Service> services;
  const Value* section = model.Find("services");
  if (section == nullptr) return services;
  for (const Entry& entry : section->entries) {
    Service service;
    service.name = entry.key;
    service.location = entry.key_location;
    const Value& body = entry.value;
    service.image = StringAt(body, "image");
    if (const Value* build = body.Find("build"); build != nullptr && build->IsMapping()) {
      MB_ASSIGN_OR_RETURN(service.build, BuildFrom(*build, "services." + entry.key + ".build"));
    }
    if (const Value* depends = body.Find("depends_on"); depends != nullptr) {
      for (const Entry& dependency : depends->entries) {
        Dependency typed;
        typed.location = dependency.key_location;
        typed.condition = StringAt(dependency.value, "condition");
        const std::string path = "services." + entry.key + ".depends_on." + dependency.key;
        if (dependency.value.Find("required") != nullptr) {
          MB_ASSIGN_OR_RETURN(typed.required, BoolAt(dependency.value, "required", path));
        }
        MB_ASSIGN_OR_RETURN(typed.restart, BoolAt(dependency.value, "restart", path));
        service.depends_on[dependency.key] = typed;
      }
    }
    service.profiles = Strings(body.Find("profiles"));
    services.emplace(entry.key, std::move(service));
  }
  return services;
}

std::map<std::string, SecretSource> SecretsFromModel(const Value& model) {
  std::map<std::string, SecretSource> secrets;
  const Value* section = model.Find("secrets");
  if (section == nullptr || !section->IsMapping()) return secrets;
  for (const Entry& entry : section->entries) {
    SecretSource source;
    source.location = entry.key_location;
    if (entry.value.IsMapping()) {
      source.file = StringAt(entry.value, "file");
      source.environment = StringAt(entry.value, "environment");
    }
    secrets.emplace(entry.key, std::move(source));
  }
  return secrets;
}

}  // namespace mybuild::compose
