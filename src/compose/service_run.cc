#include "src/compose/service_run.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "src/compose/dotenv.h"
#include "src/compose/schema.h"

namespace mybuild::compose {
namespace {

const Value* Get(const Value& mapping, std::string_view key) { return mapping.IsMapping() ? mapping.Find(key) : nullptr; }

std::string StringAt(const Value& mapping, std::string_view key) {
  const Value* value = Get(mapping, key);
  return value != nullptr && value->IsScalar() ? value->scalar : std::string();
}

std::vector<std::string> Words(const Value& value) {
  std::vector<std::string> out;
  if (value.IsScalar()) return {value.scalar};
  for (const Value& item : value.items) out.push_back(item.scalar);
  return out;
}

Status KeyError(const std::string& path, const std::string& message, const Value& value) {
  return InvalidArgument(path + ": " + message, value.location);
}

StatusOr<bool> BoolAt(const Value& mapping, std::string_view key, const std::string& path) {
  const Value* value = Get(mapping, key);
  if (value == nullptr || value->IsNull()) return false;
  bool out = false;
  if (!ParseBool(*value, &out)) return KeyError(path + "." + std::string(key), "expected a boolean (true or false), got \"" + value->scalar + "\"", *value);
  return out;
}

StatusOr<int> IntOf(const Value& value, const std::string& path, int min, int max) {
  const std::string& text = value.scalar;
  bool digits = value.IsScalar() && !text.empty() && std::all_of(text.begin(), text.end(), ::isdigit) && text.size() <= 9;
  if (!digits || std::stoi(text) < min || std::stoi(text) > max) {
    return KeyError(path, "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max) + ", got \"" + text + "\"", value);
  }
  return std::stoi(text);
}

StatusOr<int64_t> DurationAt(const Value& value, const std::string& path) {
  StatusOr<int64_t> ms = ParseDurationMs(value.scalar);
  if (!ms.ok()) return KeyError(path, ms.status().message(), value);
  return ms;
}

// "1g", "512m", "65536" → bytes (tmpfs size).
StatusOr<uint64_t> Bytes(const Value& value, const std::string& path) {
  std::string text = value.scalar;
  uint64_t unit = 1;
  if (!text.empty()) {
    const char suffix = static_cast<char>(std::tolower(static_cast<unsigned char>(text.back())));
    if (suffix == 'b') text.pop_back();
  }
  if (!text.empty() && std::isalpha(static_cast<unsigned char>(text.back()))) {
    const char suffix = static_cast<char>(std::tolower(static_cast<unsigned char>(text.back())));
    unit = suffix == 'k' ? 1ull << 10 : suffix == 'm' ? 1ull << 20 : suffix == 'g' ? 1ull << 30 : 0;
    text.pop_back();
  }
  if (unit == 0 || text.empty() || !std::all_of(text.begin(), text.end(), ::isdigit) || text.size() > 12) {
    return KeyError(path, "expected a size such as 64m or 1g, got \"" + value.scalar + "\"", value);
  }
  return std::stoull(text) * unit;
}

StatusOr<ServiceVolume> VolumeFrom(const Value& volume, const std::string& path, const std::map<std::string, std::string>& volumes) {
  ServiceVolume out;
  const std::string type = StringAt(volume, "type");
  out.target = StringAt(volume, "target");
  out.source = StringAt(volume, "source");
  MB_ASSIGN_OR_RETURN(out.read_only, BoolAt(volume, "read_only", path));
  if (out.target.empty() || out.target[0] != '/') {
    return KeyError(path + ".target", "expected an absolute path in the container, got \"" + out.target + "\"", volume);
  }
  if (type == "bind") {
    out.type = ServiceVolume::Type::kBind;
    if (out.source.empty() || out.source[0] != '/') return KeyError(path + ".source", "expected a host path", volume);
  } else if (type == "volume") {
    out.type = ServiceVolume::Type::kVolume;
    if (out.source.empty()) {
      return Status(StatusCode::kUnimplemented, path + ": anonymous volumes (no source) are not supported yet: name the volume",
                    volume.location);
    }
    auto found = volumes.find(out.source);
    if (found == volumes.end()) {
      return KeyError(path + ".source", "service refers to undefined volume " + out.source +
                                            ": declare it under the top-level volumes:", volume);
    }
    out.source = found->second;
  } else if (type == "tmpfs") {
    out.type = ServiceVolume::Type::kTmpfs;
    if (const Value* tmpfs = Get(volume, "tmpfs"); tmpfs != nullptr && Get(*tmpfs, "size") != nullptr) {
      MB_ASSIGN_OR_RETURN(out.tmpfs_size, Bytes(*Get(*tmpfs, "size"), path + ".tmpfs.size"));
    }
  } else {
    return Status(StatusCode::kUnimplemented, path + ".type: \"" + type + "\" is not supported (bind, volume or tmpfs)",
                  volume.location);
  }
  return out;
}

StatusOr<ServicePort> PortFrom(const Value& port, const std::string& path) {
  ServicePort out;
  out.location = port.location;
  if (const std::string protocol = StringAt(port, "protocol"); !protocol.empty() && protocol != "tcp") {
    return Status(StatusCode::kUnimplemented, path + ": only tcp ports are published (got " + protocol + ")", port.location);
  }
  const Value* target = Get(port, "target");
  if (target == nullptr) return KeyError(path, "expected a target (container) port", port);
  MB_ASSIGN_OR_RETURN(out.target, IntOf(*target, path + ".target", 1, 65535));
  if (const Value* published = Get(port, "published"); published != nullptr && !published->scalar.empty()) {
    if (published->scalar.find('-') != std::string::npos) {
      return Status(StatusCode::kUnimplemented, path + ".published: port ranges are not supported", published->location);
    }
    MB_ASSIGN_OR_RETURN(out.published, IntOf(*published, path + ".published", 1, 65535));
  }
  if (std::string ip = StringAt(port, "host_ip"); !ip.empty()) out.host_ip = ip;
  return out;
}

StatusOr<Healthcheck> HealthcheckFrom(const Value& value, const std::string& path) {
  Healthcheck check;
  MB_ASSIGN_OR_RETURN(bool disable, BoolAt(value, "disable", path));
  if (disable) {
    check.test = {"NONE"};
    return check;
  }
  if (const Value* test = Get(value, "test")) {
    if (test->IsScalar()) {
      check.test = {"CMD-SHELL", test->scalar};
    } else {
      check.test = Words(*test);
      if (check.test.empty() || (check.test[0] != "CMD" && check.test[0] != "CMD-SHELL" && check.test[0] != "NONE")) {
        return KeyError(path + ".test", "expected a list starting with CMD, CMD-SHELL or NONE, or a shell command", *test);
      }
    }
  }
  if (const Value* v = Get(value, "interval")) {
    MB_ASSIGN_OR_RETURN(check.interval_ms, DurationAt(*v, path + ".interval"));
  }
  if (const Value* v = Get(value, "timeout")) {
    MB_ASSIGN_OR_RETURN(check.timeout_ms, DurationAt(*v, path + ".timeout"));
  }
  if (const Value* v = Get(value, "start_period")) {
    MB_ASSIGN_OR_RETURN(check.start_period_ms, DurationAt(*v, path + ".start_period"));
  }
  if (const Value* v = Get(value, "retries")) {
    MB_ASSIGN_OR_RETURN(check.retries, IntOf(*v, path + ".retries", 1, 1000000));
  }
  return check;
}

StatusOr<std::vector<std::string>> EnvFileEntries(const Value& list, const std::string& path, const ReadEnvFile& read_file,
                                                  const std::map<std::string, std::string>& environment) {
  std::vector<std::string> out;
  for (size_t i = 0; i < list.items.size(); ++i) {
    const Value& item = list.items[i];
    const std::string file = StringAt(item, "path");
    MB_ASSIGN_OR_RETURN(bool required, BoolAt(item, "required", path));
    MB_ASSIGN_OR_RETURN(std::optional<std::string> text, read_file(file));
    if (!text) {
      if (!required) continue;
      return KeyError(path + "[" + std::to_string(i) + "]", "env file " + file + " not found", item);
    }
    auto lookup = [&](const std::string& key) -> std::optional<std::string> {
      auto found = environment.find(key);
      return found == environment.end() ? std::nullopt : std::optional<std::string>(found->second);
    };
    MB_ASSIGN_OR_RETURN(auto values, ParseDotEnv(*text, file, lookup));
    for (const auto& [key, value] : values) out.push_back(key + "=" + value);
  }
  return out;
}

void SetEntry(std::vector<std::string>& env, const std::string& entry) {
  const std::string key = entry.substr(0, entry.find('='));
  for (std::string& existing : env) {
    if (existing.substr(0, existing.find('=')) == key) {
      existing = entry;
      return;
    }
  }
  env.push_back(entry);
}

std::map<std::string, std::string> ResourceNames(const Project& project, const char* section) {
  std::map<std::string, std::string> out;
  const Value* resources = project.model.Find(section);
  if (resources == nullptr || !resources->IsMapping()) return out;
  for (const Entry& entry : resources->entries) {
    std::string name = StringAt(entry.value, "name");
    out[entry.key] = name.empty() ? project.name + "_" + entry.key : name;
  }
  return out;
}

}  // namespace

std::string ServiceRun::ContainerName(const std::string& project, int number) const {
  return container_name.empty() ? project + "-" + name + "-" + std::to_string(number) : container_name;
}

std::map<std::string, std::string> ProjectVolumes(const Project& project) { return ResourceNames(project, "volumes"); }
std::map<std::string, std::string> ProjectNetworks(const Project& project) { return ResourceNames(project, "networks"); }

StatusOr<int64_t> ParseDurationMs(std::string_view text) {
  const std::string whole(text);
  if (text.empty()) return InvalidArgument("expected a duration such as 10s or 1m30s, got \"\"");
  if (std::all_of(text.begin(), text.end(), ::isdigit)) return static_cast<int64_t>(std::stoll(whole)) * 1000;
  double total_ms = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (start == i) return InvalidArgument("expected a duration such as 10s or 1m30s, got \"" + whole + "\"");
    const double number = std::stod(whole.substr(start, i - start));
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    const std::string_view unit = text.substr(unit_start, i - unit_start);
    double scale = unit == "h" ? 3600000 : unit == "m" ? 60000 : unit == "s" ? 1000 : unit == "ms" ? 1
                 : unit == "us" || unit == "µs" ? 0.001 : unit == "ns" ? 0.000001 : -1;
    if (scale < 0) return InvalidArgument("expected a duration such as 10s or 1m30s, got \"" + whole + "\" (units h, m, s, ms, us, ns)");
    total_ms += number * scale;
  }
  return static_cast<int64_t>(std::llround(total_ms));
}

StatusOr<ServiceRun> ServiceRunFromModel(const Project& project, const std::string& name, const ReadEnvFile& read_file) {
  const Value* services = project.model.Find("services");
  const Value* body = services != nullptr ? services->Find(name) : nullptr;
  auto typed = project.services.find(name);
  if (body == nullptr || typed == project.services.end()) return NotFound("no such service: " + name);
  const std::string path = "services." + name;
  ServiceRun run;
  run.name = name;
  run.location = typed->second.location;
  run.image = project.ImageName(typed->second);
  run.has_build = typed->second.build.has_value();
  run.depends_on = typed->second.depends_on;
  if (const Value* v = Get(*body, "command"); v != nullptr && !v->IsNull()) run.command = Words(*v);
  if (const Value* v = Get(*body, "entrypoint"); v != nullptr && !v->IsNull()) run.entrypoint = Words(*v);
  if (const Value* files = Get(*body, "env_file")) {
    MB_ASSIGN_OR_RETURN(run.environment, EnvFileEntries(*files, path + ".env_file", read_file, project.environment));
  }
  if (const Value* env = Get(*body, "environment")) {
    for (const Entry& entry : env->entries) {
      if (!entry.value.IsNull()) SetEntry(run.environment, entry.key + "=" + entry.value.scalar);
    }
  }
  run.working_dir = StringAt(*body, "working_dir");
  run.user = StringAt(*body, "user");
  run.hostname = StringAt(*body, "hostname");
  run.container_name = StringAt(*body, "container_name");
  run.stop_signal = StringAt(*body, "stop_signal");
  run.pull_policy = StringAt(*body, "pull_policy");
  run.restart = StringAt(*body, "restart");
  MB_ASSIGN_OR_RETURN(run.init, BoolAt(*body, "init", path));
  MB_ASSIGN_OR_RETURN(run.read_only, BoolAt(*body, "read_only", path));
  if (const Value* v = Get(*body, "stop_grace_period")) {
    MB_ASSIGN_OR_RETURN(int64_t ms, DurationAt(*v, path + ".stop_grace_period"));
    run.stop_grace_seconds = static_cast<int>((ms + 999) / 1000);
  }
  const std::map<std::string, std::string> volumes = ProjectVolumes(project);
  if (const Value* list = Get(*body, "volumes")) {
    for (size_t i = 0; i < list->items.size(); ++i) {
      MB_ASSIGN_OR_RETURN(ServiceVolume volume, VolumeFrom(list->items[i], path + ".volumes[" + std::to_string(i) + "]", volumes));
      run.volumes.push_back(std::move(volume));
    }
  }
  if (const Value* tmpfs = Get(*body, "tmpfs")) {
    for (const std::string& target : Words(*tmpfs)) {
      ServiceVolume volume;
      volume.type = ServiceVolume::Type::kTmpfs;
      volume.target = target.substr(0, target.find(':'));
      run.volumes.push_back(std::move(volume));
    }
  }
  if (const Value* hosts = Get(*body, "extra_hosts")) {
    if (hosts->IsMapping()) {
      for (const Entry& entry : hosts->entries) run.extra_hosts.push_back(entry.key + ":" + entry.value.scalar);
    } else {
      for (std::string line : Words(*hosts)) {
        const size_t equals = line.find('=');
        if (equals != std::string::npos) line[equals] = ':';
        run.extra_hosts.push_back(line);
      }
    }
  }
  run.network_mode = StringAt(*body, "network_mode");
  if (!run.network_mode.empty() && run.network_mode != "host" && run.network_mode != "none") {
    return Status(StatusCode::kUnimplemented,
                  path + ".network_mode: \"" + run.network_mode + "\" is not supported (host or none; or networks:)",
                  Get(*body, "network_mode")->location);
  }
  const std::map<std::string, std::string> networks = ProjectNetworks(project);
  if (const Value* list = Get(*body, "networks"); list != nullptr && run.network_mode.empty()) {
    for (const Entry& entry : list->entries) {
      auto found = networks.find(entry.key);
      if (found == networks.end()) {
        return InvalidArgument(path + ".networks: service refers to undefined network " + entry.key, entry.key_location);
      }
      ServiceNetwork network{entry.key, found->second, {}};
      if (const Value* aliases = Get(entry.value, "aliases")) network.aliases = Words(*aliases);
      run.networks.push_back(std::move(network));
    }
  }
  if (const Value* list = Get(*body, "ports")) {
    for (size_t i = 0; i < list->items.size(); ++i) {
      MB_ASSIGN_OR_RETURN(ServicePort port, PortFrom(list->items[i], path + ".ports[" + std::to_string(i) + "]"));
      run.ports.push_back(std::move(port));
    }
  }
  if (!run.ports.empty() && run.network_mode == "none") {
    return InvalidArgument(path + ".ports: a service with network_mode none publishes no ports", run.location);
  }
  if (const Value* scale = Get(*body, "scale")) {
    MB_ASSIGN_OR_RETURN(run.replicas, IntOf(*scale, path + ".scale", 0, 1000));
  }
  if (const Value* deploy = Get(*body, "deploy"); deploy != nullptr && Get(*deploy, "replicas") != nullptr) {
    MB_ASSIGN_OR_RETURN(run.replicas, IntOf(*Get(*deploy, "replicas"), path + ".deploy.replicas", 0, 1000));
  }
  if (run.replicas > 1 && !run.container_name.empty()) {
    return InvalidArgument(path + ": container_name \"" + run.container_name + "\" names one container, but the service has " +
                               std::to_string(run.replicas) + " replicas",
                           run.location);
  }
  if (const Value* check = Get(*body, "healthcheck")) {
    MB_ASSIGN_OR_RETURN(run.healthcheck, HealthcheckFrom(*check, path + ".healthcheck"));
  }
  return run;
}

std::vector<std::string> StartOrder(const std::map<std::string, Service>& services, const std::vector<std::string>& selected) {
  std::set<std::string> wanted;
  std::vector<std::string> pending = selected;
  if (pending.empty()) {
    for (const auto& [name, service] : services) pending.push_back(name);
  }
  while (!pending.empty()) {
    std::string name = pending.back();
    pending.pop_back();
    if (!wanted.insert(name).second) continue;
    auto found = services.find(name);
    if (found == services.end()) continue;
    for (const auto& [dependency, how] : found->second.depends_on) {
      if (services.count(dependency) != 0) pending.push_back(dependency);
    }
  }
  std::vector<std::string> order;
  std::set<std::string> placed;
  // Cycles are refused at load (project_checks.h): every round places at least one service.
  while (placed.size() < wanted.size()) {
    size_t before = placed.size();
    for (const std::string& name : wanted) {
      if (placed.count(name) != 0) continue;
      auto found = services.find(name);
      bool ready = true;
      if (found != services.end()) {
        for (const auto& [dependency, how] : found->second.depends_on) {
          if (wanted.count(dependency) != 0 && placed.count(dependency) == 0) ready = false;
        }
      }
      if (ready) {
        order.push_back(name);
        placed.insert(name);
      }
    }
    if (placed.size() == before) break;
  }
  return order;
}

}  // namespace mybuild::compose
