#include "src/compose/canonical.h"

#include <algorithm>

#include "src/compose/merge.h"
#include "src/compose/schema.h"

namespace mybuild::compose {
namespace {

namespace fs = std::filesystem;

std::string Absolute(const fs::path& base, const std::string& path) {
  if (path.empty()) return base.string();
  if (path == "~" || path.rfind("~/", 0) == 0) {
    const char* home = std::getenv("HOME");
    if (home != nullptr) return (fs::path(home) / path.substr(std::min<size_t>(2, path.size()))).lexically_normal().string();
  }
  fs::path resolved = fs::path(path).is_absolute() ? fs::path(path) : base / path;
  std::string text = resolved.lexically_normal().string();
  if (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

bool IsContextReference(const std::string& value) {
  return IsRemoteContext(value) || value.rfind("docker-image://", 0) == 0 || value.rfind("service:", 0) == 0 ||
         value.rfind("target:", 0) == 0 || value.rfind("oci-layout://", 0) == 0;
}

void ResolveScalar(Value* value, const fs::path& base) {
  if (value != nullptr && value->IsScalar()) value->scalar = Absolute(base, value->scalar);
}

// A short volume's source is a path when it starts with . / or ~ (otherwise it names a volume).
bool IsPathSource(const std::string& source) {
  return !source.empty() && (source[0] == '.' || source[0] == '/' || source[0] == '~');
}

void ResolveVolume(Value& volume, const fs::path& base) {
  if (volume.IsScalar()) {
    const size_t colon = volume.scalar.find(':');
    if (colon == std::string::npos) return;
    const std::string source = volume.scalar.substr(0, colon);
    if (IsPathSource(source)) volume.scalar = Absolute(base, source) + volume.scalar.substr(colon);
    return;
  }
  if (!volume.IsMapping()) return;
  const Value* type = volume.Find("type");
  Value* source = volume.Find("source");
  if (type != nullptr && type->scalar == "bind" && source != nullptr) ResolveScalar(source, base);
}

void ResolveService(Value& service, const fs::path& base, bool default_context) {
  if (Value* build = service.Find("build")) {
    if (build->IsScalar()) {
      if (!IsRemoteContext(build->scalar)) build->scalar = Absolute(base, build->scalar);
    } else if (build->IsMapping()) {
      Value* context = build->Find("context");
      if (context == nullptr && default_context) {
        build->Set("context", Value::Scalar(base.string(), build->location));
      } else if (context != nullptr && context->IsScalar() && !IsRemoteContext(context->scalar)) {
        context->scalar = Absolute(base, context->scalar);
      }
      if (Value* contexts = build->Find("additional_contexts")) {
        auto resolve = [&](Value& v, size_t prefix) {
          if (!v.IsScalar()) return;
          const std::string target = v.scalar.substr(prefix);
          if (!IsContextReference(target)) v.scalar = v.scalar.substr(0, prefix) + Absolute(base, target);
        };
        if (contexts->IsMapping()) {
          for (Entry& entry : contexts->entries) resolve(entry.value, 0);
        } else if (contexts->IsSequence()) {
          for (Value& item : contexts->items) {
            const size_t equals = item.scalar.find('=');
            if (equals != std::string::npos) resolve(item, equals + 1);
          }
        }
      }
    }
  }
  if (Value* env_file = service.Find("env_file")) {
    if (env_file->IsScalar()) ResolveScalar(env_file, base);
    for (Value& item : env_file->items) {
      if (item.IsScalar()) ResolveScalar(&item, base);
      if (item.IsMapping()) ResolveScalar(item.Find("path"), base);
    }
  }
  if (Value* volumes = service.Find("volumes"); volumes != nullptr && volumes->IsSequence()) {
    for (Value& volume : volumes->items) ResolveVolume(volume, base);
  }
}

// ---- canonical forms ----

Value ToMapping(const Value& value) {
  if (value.IsMapping() || value.IsNull()) return value;
  Value mapping = Value::Mapping(value.location);
  for (const Value& item : ToKeyValueSequence(value).items) {
    const size_t equals = item.scalar.find('=');
    const std::string key = item.scalar.substr(0, equals);
    Value entry = equals == std::string::npos ? Value::Null(item.location)
                                              : Value::Scalar(item.scalar.substr(equals + 1), item.location);
    mapping.Set(key, std::move(entry));
  }
  return mapping;
}

// Bare names take the environment's value; `keep_unset` keeps those without one as null.
void ResolveBareNames(Value& mapping, const std::map<std::string, std::string>& environment, bool keep_unset) {
  std::vector<Entry> kept;
  for (Entry& entry : mapping.entries) {
    if (entry.value.IsNull()) {
      auto found = environment.find(entry.key);
      if (found != environment.end()) {
        entry.value = Value::Scalar(found->second, entry.value.location);
      } else if (!keep_unset) {
        continue;
      }
    }
    kept.push_back(std::move(entry));
  }
  mapping.entries = std::move(kept);
}

// A command line as a POSIX shell splits it into words (quotes and backslashes; no expansion).
StatusOr<Value> ShellSplit(const Value& value, const std::string& path) {
  Value words = Value::Sequence(value.location);
  std::string word;
  bool in_word = false;
  char quote = 0;
  const std::string& text = value.scalar;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote == '\'') {
      if (c == '\'') quote = 0; else word += c;
      continue;
    }
    if (quote == '"') {
      if (c == '"') quote = 0;
      else if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\' || text[i + 1] == '$')) word += text[++i];
      else word += c;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.items.push_back(Value::Scalar(word, value.location));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\'' || c == '"') quote = c;
    else if (c == '\\' && i + 1 < text.size()) word += text[++i];
    else word += c;
  }
  if (quote != 0) {
    return InvalidArgument(path + ": unterminated quote in \"" + text + "\": expected a closing " + std::string(1, quote),
                           value.location);
  }
  if (in_word) words.items.push_back(Value::Scalar(word, value.location));
  return words;
}

Value Plain(const std::string& text, const SourceLocation& location) { return Value::Scalar(text, location, false); }

// "[IP:][HOST:]CONTAINER[/PROTO]" → {mode, host_ip, target, published, protocol}.
StatusOr<Value> LongPort(const Value& port, const std::string& path) {
  if (port.IsMapping()) return port;
  std::string text = port.scalar;
  std::string protocol = "tcp";
  if (size_t slash = text.rfind('/'); slash != std::string::npos) {
    protocol = text.substr(slash + 1);
    text = text.substr(0, slash);
  }
  std::vector<std::string> parts;
  size_t start = 0;
  // an IPv6 host address is bracketed: [::1]:8080:80
  std::string host_ip;
  if (!text.empty() && text[0] == '[') {
    const size_t close = text.find(']');
    if (close == std::string::npos) return InvalidArgument(path + ": invalid port \"" + port.scalar + "\"", port.location);
    host_ip = text.substr(1, close - 1);
    start = close + 2;
  }
  for (;;) {
    const size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  std::string published;
  std::string target;
  if (!host_ip.empty()) {
    if (parts.size() != 2) return InvalidArgument(path + ": invalid port \"" + port.scalar + "\"", port.location);
    published = parts[0];
    target = parts[1];
  } else if (parts.size() == 1) {
    target = parts[0];
  } else if (parts.size() == 2) {
    published = parts[0];
    target = parts[1];
  } else if (parts.size() == 3) {
    host_ip = parts[0];
    published = parts[1];
    target = parts[2];
  } else {
    return InvalidArgument(path + ": invalid port \"" + port.scalar +
                               "\": expected [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]",
                           port.location);
  }
  if (target.empty() || !std::all_of(target.begin(), target.end(), ::isdigit)) {
    return InvalidArgument(path + ": invalid container port \"" + target + "\" in \"" + port.scalar +
                               "\": expected a number (ranges are not supported)",
                           port.location);
  }
  Value out = Value::Mapping(port.location);
  out.Set("mode", Value::Scalar("ingress", port.location));
  if (!host_ip.empty()) out.Set("host_ip", Value::Scalar(host_ip, port.location));
  out.Set("target", Plain(target, port.location));
  if (!published.empty()) out.Set("published", Value::Scalar(published, port.location));
  out.Set("protocol", Value::Scalar(protocol, port.location));
  return out;
}

// "SRC:DST[:MODE]" or "DST" → {type, source, target, read_only, bind|volume}.
Value LongVolume(const Value& volume) {
  if (!volume.IsScalar()) return volume;
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    const size_t colon = volume.scalar.find(':', start);
    parts.push_back(volume.scalar.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  Value out = Value::Mapping(volume.location);
  if (parts.size() == 1) {
    out.Set("type", Value::Scalar("volume", volume.location));
    out.Set("target", Value::Scalar(parts[0], volume.location));
    out.Set("volume", Value::Mapping(volume.location));
    return out;
  }
  const bool bind = IsPathSource(parts[0]);
  out.Set("type", Value::Scalar(bind ? "bind" : "volume", volume.location));
  out.Set("source", Value::Scalar(parts[0], volume.location));
  out.Set("target", Value::Scalar(parts[1], volume.location));
  const std::string mode = parts.size() > 2 ? parts[2] : "";
  if (mode.find("ro") != std::string::npos) out.Set("read_only", Plain("true", volume.location));
  if (bind) {
    Value options = Value::Mapping(volume.location);
    options.Set("create_host_path", Plain("true", volume.location));
    out.Set("bind", std::move(options));
  } else {
    out.Set("volume", Value::Mapping(volume.location));
  }
  return out;
}

Status CanonicalBuild(Value& service, const std::map<std::string, std::string>& environment,
                      const fs::path& working_dir) {
  Value* build = service.Find("build");
  if (build == nullptr) return Status::Ok();
  if (build->IsScalar()) {
    Value mapping = Value::Mapping(build->location);
    mapping.Set("context", std::move(*build));
    *build = std::move(mapping);
  }
  if (build->Find("context") == nullptr) build->Set("context", Value::Scalar(working_dir.string(), build->location));
  if (build->Find("dockerfile") == nullptr && build->Find("dockerfile_inline") == nullptr) {
    build->Set("dockerfile", Value::Scalar("Dockerfile", build->location));
  }
  for (const char* key : {"args", "labels", "additional_contexts"}) {
    if (Value* value = build->Find(key)) *value = ToMapping(*value);
  }
  if (Value* args = build->Find("args")) ResolveBareNames(*args, environment, false);
  for (const char* key : {"no_cache_filter", "ssh"}) {
    if (Value* value = build->Find(key); value != nullptr && value->IsScalar()) {
      Value list = Value::Sequence(value->location);
      list.items.push_back(*value);
      *value = std::move(list);
    }
  }
  return Status::Ok();
}

Status CanonicalService(const std::string& name, Value& service, const std::map<std::string, std::string>& environment,
                        const fs::path& working_dir, bool& uses_default_network) {
  const std::string path = "services." + name;
  service.Erase("extends");
  MB_RETURN_IF_ERROR(CanonicalBuild(service, environment, working_dir));
  for (const char* key : {"environment", "labels", "annotations", "sysctls"}) {
    if (Value* value = service.Find(key)) *value = ToMapping(*value);
  }
  if (Value* env = service.Find("environment")) ResolveBareNames(*env, environment, true);
  for (const char* key : {"command", "entrypoint"}) {
    if (Value* value = service.Find(key); value != nullptr && value->IsScalar()) {
      MB_ASSIGN_OR_RETURN(*value, ShellSplit(*value, path + "." + key));
    }
  }
  if (Value* depends = service.Find("depends_on")) {
    if (depends->IsSequence()) {
      Value mapping = Value::Mapping(depends->location);
      for (const Value& item : depends->items) mapping.entries.push_back(Entry{item.scalar, item.location, Value::Mapping(item.location)});
      *depends = std::move(mapping);
    }
    for (Entry& entry : depends->entries) {
      if (entry.value.Find("condition") == nullptr) entry.value.Set("condition", Value::Scalar("service_started", entry.key_location));
      if (entry.value.Find("required") == nullptr) entry.value.Set("required", Plain("true", entry.key_location));
    }
  }
  if (Value* env_file = service.Find("env_file")) {
    Value list = Value::Sequence(env_file->location);
    std::vector<Value> items = env_file->IsScalar() ? std::vector<Value>{*env_file} : env_file->items;
    for (Value& item : items) {
      Value entry = item.IsMapping() ? item : Value::Mapping(item.location);
      if (item.IsScalar()) entry.Set("path", item);
      if (entry.Find("required") == nullptr) entry.Set("required", Plain("true", item.location));
      list.items.push_back(std::move(entry));
    }
    *env_file = std::move(list);
  }
  if (Value* ports = service.Find("ports"); ports != nullptr && ports->IsSequence()) {
    for (size_t i = 0; i < ports->items.size(); ++i) {
      MB_ASSIGN_OR_RETURN(ports->items[i], LongPort(ports->items[i], path + ".ports[" + std::to_string(i) + "]"));
    }
  }
  if (Value* volumes = service.Find("volumes"); volumes != nullptr && volumes->IsSequence()) {
    for (Value& volume : volumes->items) volume = LongVolume(volume);
  }
  if (service.Find("network_mode") == nullptr) {
    Value* networks = service.Find("networks");
    if (networks == nullptr || networks->IsNull()) {
      Value mapping = Value::Mapping(service.location);
      mapping.Set("default", Value::Null());
      service.Set("networks", std::move(mapping));
      networks = service.Find("networks");
    } else if (networks->IsSequence()) {
      Value mapping = Value::Mapping(networks->location);
      for (const Value& item : networks->items) mapping.entries.push_back(Entry{item.scalar, item.location, Value::Null(item.location)});
      *networks = std::move(mapping);
    }
    if (networks->Find("default") != nullptr) uses_default_network = true;
  }
  return Status::Ok();
}

void NameResources(Value& model, const char* section, const std::string& project_name) {
  Value* resources = model.Find(section);
  if (resources == nullptr || !resources->IsMapping()) return;
  for (Entry& entry : resources->entries) {
    if (entry.value.IsNull()) entry.value = Value::Mapping(entry.key_location);
    if (entry.value.Find("name") != nullptr) continue;
    bool external = false;
    const Value* flag = entry.value.Find("external");
    const bool is_external = flag != nullptr && flag->IsScalar() && ParseBool(*flag, &external) && external;
    entry.value.Set("name", Value::Scalar(is_external ? entry.key : project_name + "_" + entry.key, entry.key_location));
  }
}

}  // namespace

bool IsRemoteContext(const std::string& context) {
  return context.find("://") != std::string::npos || context.rfind("git@", 0) == 0 ||
         context.rfind("github.com/", 0) == 0;
}

void ResolveRelativePaths(Value& model, const fs::path& base_dir, bool default_context) {
  if (Value* services = model.Find("services"); services != nullptr && services->IsMapping()) {
    for (Entry& entry : services->entries) {
      if (entry.value.IsMapping()) ResolveService(entry.value, base_dir, default_context);
    }
  }
  for (const char* section : {"secrets", "configs"}) {
    Value* resources = model.Find(section);
    if (resources == nullptr || !resources->IsMapping()) continue;
    for (Entry& entry : resources->entries) {
      if (entry.value.IsMapping()) ResolveScalar(entry.value.Find("file"), base_dir);
    }
  }
}

Status Canonicalize(Value& model, const std::string& project_name, const fs::path& working_dir,
                    const std::map<std::string, std::string>& environment) {
  model.Erase("version");
  model.Erase("include");
  model.Erase("name");
  bool uses_default_network = false;
  if (Value* services = model.Find("services")) {
    if (services->IsNull()) *services = Value::Mapping(services->location);
    for (Entry& entry : services->entries) {
      if (entry.value.IsNull()) entry.value = Value::Mapping(entry.key_location);
      MB_RETURN_IF_ERROR(CanonicalService(entry.key, entry.value, environment, working_dir, uses_default_network));
    }
  }
  if (uses_default_network) {
    Value* networks = model.Find("networks");
    if (networks == nullptr || networks->IsNull()) {
      model.Set("networks", Value::Mapping());
      networks = model.Find("networks");
    }
    if (networks->Find("default") == nullptr) networks->Set("default", Value::Null());
  }
  for (const char* section : {"networks", "volumes", "secrets", "configs"}) NameResources(model, section, project_name);
  // `name` first, as compose prints it.
  model.entries.insert(model.entries.begin(), Entry{"name", {}, Value::Scalar(project_name)});
  return Status::Ok();
}

}  // namespace mybuild::compose
