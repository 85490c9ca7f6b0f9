#include "src/compose/build_plan.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include "src/compose/canonical.h"

namespace mybuild::compose {
namespace {

namespace fs = std::filesystem;

StatusOr<NamedContext> ParseNamedContext(const std::string& name, const std::string& value, const Service& service) {
  NamedContext context;
  if (value.rfind("service:", 0) == 0) {
    context.kind = NamedContext::Kind::kService;
    context.value = value.substr(8);
  } else if (value.rfind("docker-image://", 0) == 0) {
    context.kind = NamedContext::Kind::kImage;
    context.value = value.substr(15);
  } else if (IsRemoteContext(value) || value.rfind("oci-layout://", 0) == 0 || value.rfind("target:", 0) == 0) {
    return Unimplemented("services." + service.name + ".build.additional_contexts." + name + ": \"" + value +
                         "\" is not supported yet (expected a directory, docker-image://REF or service:NAME)");
  } else {
    context.kind = NamedContext::Kind::kDirectory;
    context.value = value;
    std::error_code error;
    if (!fs::is_directory(value, error)) {
      return InvalidArgument("services." + service.name + ".build.additional_contexts." + name + ": \"" + value +
                                 "\" is not a directory",
                             service.build->location);
    }
  }
  return context;
}

// "0440" and "0o440" are octal, as in compose files; anything else decimal.
std::optional<uint32_t> ParseNumber(const std::string& text, bool octal_prefix) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  std::string digits = text;
  int base = 10;
  if (octal_prefix && digits.size() > 1 && digits[0] == '0') {
    base = 8;
    digits = digits.substr(digits[1] == 'o' || digits[1] == 'O' ? 2 : 1);
  }
  if (digits.empty()) return std::nullopt;
  uint64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c >= '0' + base) return std::nullopt;
    value = value * base + static_cast<uint64_t>(c - '0');
  }
  if (value > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(value);
}

StatusOr<ServiceSecret> ResolveSecret(const Project& project, const BuildSecret& secret, const std::string& where) {
  auto source = project.secrets.find(secret.source);
  if (source == project.secrets.end()) {
    return InvalidArgument(where + ": secret \"" + secret.source +
                               "\" is not defined: expected it under the top-level secrets: section",
                           secret.location);
  }
  if (source->second.file.empty() && source->second.environment.empty()) {
    return Status(StatusCode::kUnimplemented,
                  where + ": secret \"" + secret.source +
                      "\" has neither file: nor environment: (only those can be build secrets)",
                  source->second.location);
  }
  ServiceSecret out;
  out.id = secret.target.empty() ? secret.source : secret.target;
  out.file = source->second.file;
  out.environment = source->second.environment;
  const std::pair<const char*, const std::string*> numbers[] = {{"uid", &secret.uid}, {"gid", &secret.gid}, {"mode", &secret.mode}};
  for (const auto& [key, text] : numbers) {
    if (text->empty()) continue;
    const bool is_mode = std::string(key) == "mode";
    std::optional<uint32_t> value = ParseNumber(*text, is_mode);
    if (!value) {
      return InvalidArgument(where + "." + key + ": expected " + (is_mode ? "a file mode (e.g. 0440)" : "a number") +
                                 ", got \"" + *text + "\"",
                             secret.location);
    }
    (is_mode ? out.mode : std::string(key) == "uid" ? out.uid : out.gid) = value;
  }
  return out;
}

StatusOr<ServiceBuild> BuildOf(const Project& project, const Service& service, const BuildOverrides& overrides,
                               const std::string& host_platform) {
  const BuildSpec& spec = *service.build;
  const std::string where = "services." + service.name + ".build";
  ServiceBuild build;
  build.service = service.name;
  build.location = spec.location;
  for (const std::string& key : spec.unsupported) {
    static const std::map<std::string, std::string> kWhy = {
        {"extra_hosts", " (mybuild build has no --add-host)"}, {"shm_size", " (mybuild build has no --shm-size)"},
        {"ulimits", " (mybuild build has no --ulimit)"}};
    auto why = kWhy.find(key);
    build.warnings.push_back(spec.location.ToString() + ": " + where + "." + key + " is not supported yet and is ignored" +
                             (why != kWhy.end() ? why->second : std::string()));
  }
  if (IsRemoteContext(spec.context)) {
    return Status(StatusCode::kUnimplemented,
                  where + ".context: a remote context (\"" + spec.context + "\") is not supported yet (nor by mybuild build): expected a directory",
                  spec.location);
  }
  std::error_code error;
  if (!fs::is_directory(spec.context, error)) {
    return InvalidArgument(where + ".context: \"" + spec.context + "\" is not a directory", spec.location);
  }
  build.context = spec.context;
  if (spec.dockerfile_inline.empty()) {
    const fs::path dockerfile = fs::path(spec.dockerfile).is_absolute() ? fs::path(spec.dockerfile)
                                                                       : fs::path(spec.context) / spec.dockerfile;
    build.dockerfile = dockerfile.lexically_normal().string();
  } else {
    build.dockerfile_inline = spec.dockerfile_inline;
  }
  for (const std::string& platform : spec.platforms) {
    if (platform != host_platform) {
      return Status(StatusCode::kUnimplemented,
                    where + ".platforms: building for " + platform + " is not supported: only the host platform (" +
                        host_platform + ") is",
                    spec.location);
    }
  }
  build.args = spec.args;
  for (const auto& [key, value] : overrides.build_args) build.args[key] = value;
  build.labels = spec.labels;
  build.target = spec.target;
  build.network = spec.network;
  if (!build.network.empty() && build.network != "default" && build.network != "host" && build.network != "none") {
    return InvalidArgument(where + ".network: expected default, host or none, got \"" + build.network + "\"",
                           spec.location);
  }
  build.no_cache = spec.no_cache || overrides.no_cache;
  build.pull = spec.pull || overrides.pull;
  build.tags.push_back(project.ImageName(service));
  for (const std::string& tag : spec.tags) {
    if (std::find(build.tags.begin(), build.tags.end(), tag) == build.tags.end()) build.tags.push_back(tag);
  }
  for (const BuildSecret& secret : spec.secrets) {
    MB_ASSIGN_OR_RETURN(ServiceSecret resolved, ResolveSecret(project, secret, where + ".secrets"));
    build.secrets.push_back(std::move(resolved));
  }
  build.ssh = spec.ssh;
  build.cache_from = spec.cache_from;
  build.cache_to = spec.cache_to;
  for (const auto& [name, value] : spec.additional_contexts) {
    MB_ASSIGN_OR_RETURN(NamedContext context, ParseNamedContext(name, value, service));
    if (context.kind == NamedContext::Kind::kService) build.uses.push_back(context.value);
    build.contexts.emplace(name, std::move(context));
  }
  return build;
}

}  // namespace

StatusOr<std::vector<ServiceBuild>> PlanServiceBuilds(const Project& project, const std::vector<std::string>& selected,
                                                      const BuildOverrides& overrides,
                                                      const std::string& host_platform) {
  std::vector<std::string> wanted = selected;
  if (wanted.empty()) {
    for (const auto& [name, service] : project.services) {
      if (service.build) wanted.push_back(name);
    }
  }
  for (const std::string& name : wanted) {
    if (!project.services.count(name)) {
      const bool disabled = std::find(project.disabled_services.begin(), project.disabled_services.end(), name) !=
                            project.disabled_services.end();
      return NotFound("no such service: \"" + name + "\"" +
                      (disabled ? " (it is disabled by its profiles; enable one with --profile)" : ""));
    }
  }
  // Depth-first from each wanted service through its service: contexts; a service is emitted after
  // the ones it uses (the loader already refused cycles).
  std::vector<ServiceBuild> ordered;
  std::set<std::string> done;
  std::function<Status(const std::string&)> visit = [&](const std::string& name) -> Status {
    if (done.count(name)) return Status::Ok();
    done.insert(name);
    const Service& service = project.services.at(name);
    if (!service.build) {
      if (std::find(wanted.begin(), wanted.end(), name) != wanted.end()) return Status::Ok();  // nothing to build
      return InvalidArgument("service \"" + name + "\" is used as a build context (service:" + name +
                             ") but has no build section: expected build: in it");
    }
    MB_ASSIGN_OR_RETURN(ServiceBuild build, BuildOf(project, service, overrides, host_platform));
    for (const std::string& used : build.uses) MB_RETURN_IF_ERROR(visit(used));
    ordered.push_back(std::move(build));
    return Status::Ok();
  };
  std::sort(wanted.begin(), wanted.end());
  for (const std::string& name : wanted) MB_RETURN_IF_ERROR(visit(name));
  return ordered;
}

Status LinkServiceImages(std::vector<ServiceBuild>& builds, const std::map<std::string, std::vector<std::string>>& image_words,
                         const std::function<std::string(const std::string&)>& normalize) {
  std::map<std::string, std::string> by_image;  // normalised tag → service
  for (const ServiceBuild& build : builds) {
    for (const std::string& tag : build.tags) {
      const std::string normalized = normalize(tag);
      if (!normalized.empty()) by_image.emplace(normalized, build.service);
    }
  }
  for (ServiceBuild& build : builds) {
    auto words = image_words.find(build.service);
    if (words == image_words.end()) continue;
    for (const std::string& word : words->second) {
      if (build.contexts.count(word)) continue;  // a named context wins
      auto producer = by_image.find(normalize(word));
      if (producer == by_image.end() || producer->second == build.service) continue;
      build.contexts.emplace(word, NamedContext{NamedContext::Kind::kService, producer->second});
      if (std::find(build.uses.begin(), build.uses.end(), producer->second) == build.uses.end()) {
        build.uses.push_back(producer->second);
      }
    }
  }
  // Depth-first again, now with these edges.
  std::map<std::string, ServiceBuild*> by_name;
  for (ServiceBuild& build : builds) by_name[build.service] = &build;
  std::vector<ServiceBuild> ordered;
  std::map<std::string, int> state;  // 1 = on the path, 2 = emitted
  std::function<Status(ServiceBuild&)> visit = [&](ServiceBuild& build) -> Status {
    if (state[build.service] == 2) return Status::Ok();
    if (state[build.service] == 1) {
      return InvalidArgument("services." + build.service + ".build: the services' images form a cycle through " +
                                 build.service + " (FROM or COPY --from naming each other's images)",
                             build.location);
    }
    state[build.service] = 1;
    for (const std::string& used : build.uses) {
      if (auto found = by_name.find(used); found != by_name.end()) MB_RETURN_IF_ERROR(visit(*found->second));
    }
    state[build.service] = 2;
    ordered.push_back(build);
    return Status::Ok();
  };
  for (ServiceBuild& build : builds) MB_RETURN_IF_ERROR(visit(build));
  builds = std::move(ordered);
  return Status::Ok();
}

nlohmann::ordered_json BuildPlanToJson(const std::vector<ServiceBuild>& builds) {
  using Json = nlohmann::ordered_json;
  Json services = Json::object();
  Json order = Json::array();
  Json edges = Json::array();
  for (const ServiceBuild& build : builds) {
    Json entry = Json::object();
    entry["context"] = build.context;
    if (build.dockerfile_inline.empty()) {
      entry["dockerfile"] = build.dockerfile;
    } else {
      entry["dockerfile_inline"] = build.dockerfile_inline;
    }
    entry["args"] = build.args;
    entry["labels"] = build.labels;
    entry["target"] = build.target;
    entry["tags"] = build.tags;
    entry["no_cache"] = build.no_cache;
    entry["pull"] = build.pull;
    Json secrets = Json::array();
    for (const ServiceSecret& secret : build.secrets) {
      Json item{{"id", secret.id}};
      if (!secret.file.empty()) item["file"] = secret.file;
      if (!secret.environment.empty()) item["environment"] = secret.environment;
      secrets.push_back(std::move(item));
    }
    entry["secrets"] = std::move(secrets);
    entry["ssh"] = build.ssh;
    entry["cache_from"] = build.cache_from;
    entry["cache_to"] = build.cache_to;
    Json contexts = Json::object();
    for (const auto& [name, context] : build.contexts) {
      const char* type = context.kind == NamedContext::Kind::kService ? "service"
                         : context.kind == NamedContext::Kind::kImage ? "docker-image"
                                                                      : "directory";
      contexts[name] = Json{{"type", type}, {"value", context.value}};
      if (context.kind == NamedContext::Kind::kService) {
        edges.push_back(Json{{"from", context.value}, {"to", build.service}, {"context", name}});
      }
    }
    entry["contexts"] = std::move(contexts);
    entry["uses"] = build.uses;
    services[build.service] = std::move(entry);
    order.push_back(build.service);
  }
  return Json{{"services", std::move(services)}, {"order", std::move(order)}, {"edges", std::move(edges)}};
}

}  // namespace mybuild::compose
