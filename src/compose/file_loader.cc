#include "src/compose/file_loader.h"

#include <algorithm>
#include <set>

#include "src/base/files.h"
#include "src/compose/canonical.h"
#include "src/compose/dotenv.h"
#include "src/compose/interpolation.h"
#include "src/compose/merge.h"

namespace mybuild::compose {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kMaxComposeFileBytes = 16 << 20;
constexpr size_t kMaxExtendsDepth = 64;

VariableLookup LookupIn(const Environment& environment) {
  return [&environment](const std::string& name) -> std::optional<std::string> {
    auto found = environment.find(name);
    if (found == environment.end()) return std::nullopt;
    return found->second;
  };
}

std::vector<std::string> ScalarsOf(const Value& value) {
  if (value.IsScalar()) return {value.scalar};
  std::vector<std::string> out;
  for (const Value& item : value.items) {
    if (item.IsScalar()) out.push_back(item.scalar);
  }
  return out;
}

// `extends` of the services of one file.
class ExtendsResolver {
 public:
  ExtendsResolver(const FileLoader& loader, const Environment& environment) : loader_(loader), environment_(environment) {}

  Status Apply(Value& document, const fs::path& file) {
    Value* services = document.Find("services");
    if (services == nullptr || !services->IsMapping()) return Status::Ok();
    for (Entry& entry : services->entries) {
      std::vector<std::string> chain;
      MB_RETURN_IF_ERROR(Resolve(*services, entry.key, file, chain).status());
    }
    return Status::Ok();
  }

 private:
  // The service `name` of `services` (a file's services mapping) with its `extends` applied, stored back.
  StatusOr<Value> Resolve(Value& services, const std::string& name, const fs::path& file, std::vector<std::string>& chain) {
    Value* service = services.Find(name);
    if (service == nullptr || !service->IsMapping()) return service != nullptr ? *service : Value();
    const Value* extends = service->Find("extends");
    if (extends == nullptr) return *service;
    const std::string where = "services." + name + ".extends";
    std::string ref;
    std::string other;
    if (extends->IsScalar()) {
      ref = extends->scalar;
    } else if (extends->IsMapping()) {
      const Value* ref_value = extends->Find("service");
      if (ref_value == nullptr || !ref_value->IsScalar()) {
        return InvalidArgument(where + ": expected the key \"service\" naming the service to extend", extends->location);
      }
      ref = ref_value->scalar;
      if (const Value* file_value = extends->Find("file"); file_value != nullptr && file_value->IsScalar()) {
        other = file_value->scalar;
      }
    } else {
      return InvalidArgument(where + ": expected a service name or a mapping (service, file), got " +
                                 std::string(KindName(*extends)),
                             extends->location);
    }
    const SourceLocation location = extends->location;
    const std::string link = loader_.DisplayName(file) + ":" + name;
    if (std::find(chain.begin(), chain.end(), link) != chain.end() || chain.size() > kMaxExtendsDepth) {
      std::string cycle;
      for (const std::string& step : chain) cycle += step + " -> ";
      return InvalidArgument(where + ": circular reference with extends: " + cycle + link, location);
    }
    chain.push_back(link);
    Value base;
    if (!other.empty()) {
      const fs::path other_path = (file.parent_path() / other).lexically_normal();
      MB_ASSIGN_OR_RETURN(Value* other_services, ServicesOf(other_path, location, where));
      if (other_services->Find(ref) == nullptr) {
        return InvalidArgument(where + ": cannot extend service \"" + name + "\": service \"" + ref + "\" not found in " +
                                   loader_.DisplayName(other_path),
                               location);
      }
      MB_ASSIGN_OR_RETURN(base, Resolve(*other_services, ref, other_path, chain));
    } else {
      if (services.Find(ref) == nullptr) {
        return InvalidArgument(where + ": cannot extend service \"" + name + "\": service \"" + ref + "\" not found in " +
                                   loader_.DisplayName(file),
                               location);
      }
      MB_ASSIGN_OR_RETURN(base, Resolve(services, ref, file, chain));
    }
    chain.pop_back();
    service = services.Find(name);  // Resolve may have replaced entries of `services`
    Value own = *service;
    own.Erase("extends");
    if (!base.IsMapping()) base = Value::Mapping(base.location);
    MB_ASSIGN_OR_RETURN(Value merged, MergeValues(std::move(base), std::move(own), {"services", name}));
    merged.location = service->location;
    *service = merged;
    return merged;
  }

  // The services of another file named by `extends: {file: …}`, loaded once, paths resolved against its
  // directory.
  StatusOr<Value*> ServicesOf(const fs::path& path, const SourceLocation& location, const std::string& where) {
    auto found = other_files_.find(path);
    if (found == other_files_.end()) {
      StatusOr<std::vector<Value>> documents = loader_.ReadDocuments(path, environment_);
      if (!documents.ok()) {
        if (documents.status().location()) return documents.status();
        return Status(documents.status().code(), where + ": " + documents.status().message(), location);
      }
      Value model = Value::Mapping();
      for (Value& document : *documents) {
        MB_ASSIGN_OR_RETURN(model, MergeValues(std::move(model), std::move(document), {}));
      }
      ResolveRelativePaths(model, path.parent_path(), false);
      found = other_files_.emplace(path, std::move(model)).first;
    }
    Value* services = found->second.Find("services");
    if (services == nullptr || !services->IsMapping()) {
      return InvalidArgument(where + ": " + loader_.DisplayName(path) + " has no services section", location);
    }
    return services;
  }

  const FileLoader& loader_;
  const Environment& environment_;
  std::map<fs::path, Value> other_files_;
};

// `include:` entries of one document: each a sub-project loaded on its own and imported.
Status ApplyIncludes(const FileLoader& loader, Value& document, const fs::path& working_dir,
                     const Environment& environment, const std::vector<fs::path>& stack) {
  const Value* include = document.Find("include");
  if (include == nullptr) return Status::Ok();
  if (!include->IsSequence()) {
    return InvalidArgument("include: expected a sequence of files or mappings (path, project_directory, env_file), got " +
                               std::string(KindName(*include)),
                           include->location);
  }
  const Value items = *include;
  document.Erase("include");
  for (size_t i = 0; i < items.items.size(); ++i) {
    const Value& item = items.items[i];
    const std::string where = "include[" + std::to_string(i) + "]";
    std::vector<std::string> paths;
    std::string project_directory;
    std::vector<std::string> env_files;
    if (item.IsScalar()) {
      paths = {item.scalar};
    } else if (item.IsMapping() && item.Find("path") != nullptr) {
      paths = ScalarsOf(*item.Find("path"));
      if (const Value* dir = item.Find("project_directory")) project_directory = dir->scalar;
      if (const Value* env = item.Find("env_file")) env_files = ScalarsOf(*env);
    } else {
      return InvalidArgument(where + ": expected a file name or a mapping with \"path\"", item.location);
    }
    if (paths.empty()) return InvalidArgument(where + ": expected at least one path", item.location);
    std::vector<fs::path> files;
    for (const std::string& path : paths) files.push_back((working_dir / path).lexically_normal());
    for (const fs::path& file : files) {
      if (std::find(stack.begin(), stack.end(), file) != stack.end()) {
        std::string cycle;
        for (const fs::path& step : stack) cycle += loader.DisplayName(step) + " includes ";
        return InvalidArgument(where + ": include cycle detected: " + cycle + loader.DisplayName(file), item.location);
      }
    }
    const fs::path sub_dir = project_directory.empty() ? files[0].parent_path()
                                                       : (working_dir / project_directory).lexically_normal();
    std::vector<fs::path> env_paths;
    for (const std::string& env : env_files) env_paths.push_back((working_dir / env).lexically_normal());
    // The including project's variables win over the included project's own .env.
    MB_ASSIGN_OR_RETURN(Environment sub_environment, ProjectEnvironment(environment, env_paths, sub_dir / ".env"));
    std::vector<fs::path> sub_stack = stack;
    sub_stack.insert(sub_stack.end(), files.begin(), files.end());
    StatusOr<Value> sub = loader.LoadModel(files, sub_dir, sub_environment, sub_stack);
    if (!sub.ok()) {
      if (sub.status().location()) return sub.status();
      return Status(sub.status().code(), where + ": " + sub.status().message(), item.location);
    }
    ResolveRelativePaths(*sub, sub_dir, true);
    for (const char* section : {"services", "networks", "volumes", "secrets", "configs"}) {
      const Value* imported = sub->Find(section);
      if (imported == nullptr || !imported->IsMapping()) continue;
      Value* own = document.Find(section);
      if (own == nullptr || own->IsNull()) {
        document.Set(section, Value::Mapping(imported->location));
        own = document.Find(section);
      }
      if (!own->IsMapping()) continue;  // the schema check reports it
      for (const Entry& entry : imported->entries) {
        if (own->Find(entry.key) != nullptr) {
          const auto mine = std::find_if(own->entries.begin(), own->entries.end(), [&](const Entry& e) { return e.key == entry.key; });
          return InvalidArgument(std::string(section) + "." + entry.key + " conflicts with the one imported from " +
                                     loader.DisplayName(files[0]) + " (" + entry.key_location.ToString() + ")",
                                 mine->key_location);
        }
        own->entries.push_back(entry);
      }
    }
  }
  return Status::Ok();
}

}  // namespace

std::string FileLoader::DisplayName(const fs::path& file) const {
  const fs::path relative = file.lexically_relative(cwd);
  if (relative.empty() || *relative.begin() == "..") return file.string();
  return relative.string();
}

StatusOr<std::vector<Value>> FileLoader::ReadDocuments(const fs::path& file, const Environment& environment) const {
  const std::string name = DisplayName(file);
  StatusOr<std::string> text = ReadFile(file, kMaxComposeFileBytes);
  if (!text.ok()) return text.status().WithContext("cannot read compose file " + name);
  MB_ASSIGN_OR_RETURN(std::vector<Value> documents, ParseYamlDocuments(*text, name));
  std::vector<Value> out;
  for (Value& document : documents) {
    if (document.IsNull()) continue;
    if (!document.IsMapping()) {
      return InvalidArgument("expected a mapping at the top level of a compose file, got " + std::string(KindName(document)),
                             document.location);
    }
    MB_RETURN_IF_ERROR(InterpolateTree(document, LookupIn(environment), warn));
    out.push_back(std::move(document));
  }
  return out;
}

StatusOr<Value> FileLoader::LoadModel(const std::vector<fs::path>& files, const fs::path& working_dir,
                                      const Environment& environment, std::vector<fs::path> include_stack) const {
  Value model = Value::Mapping();
  for (const fs::path& file : files) {
    MB_ASSIGN_OR_RETURN(std::vector<Value> documents, ReadDocuments(file, environment));
    std::vector<fs::path> stack = include_stack;
    if (std::find(stack.begin(), stack.end(), file) == stack.end()) stack.push_back(file);
    for (Value& document : documents) {
      MB_RETURN_IF_ERROR(ApplyIncludes(*this, document, working_dir, environment, stack));
      ExtendsResolver extends(*this, environment);
      MB_RETURN_IF_ERROR(extends.Apply(document, file));
      MB_ASSIGN_OR_RETURN(model, MergeValues(std::move(model), std::move(document), {}));
      EnforceUnicity(model);
    }
  }
  ResolveRelativePaths(model, working_dir, false);
  return model;
}

StatusOr<Environment> ProjectEnvironment(const Environment& process, const std::vector<fs::path>& env_files,
                                         const fs::path& default_env_file) {
  Environment environment;
  auto lookup = [&](const std::string& name) -> std::optional<std::string> {
    if (auto found = process.find(name); found != process.end()) return found->second;
    if (auto found = environment.find(name); found != environment.end()) return found->second;
    return std::nullopt;
  };
  auto read = [&](const fs::path& path, bool required) -> Status {
    StatusOr<std::optional<std::string>> text = ReadFileIfPresent(path, kMaxComposeFileBytes);
    if (!text.ok()) return text.status().WithContext("cannot read env file " + path.string());
    if (!*text) {
      if (required) return NotFound("env file " + path.string() + " not found");
      return Status::Ok();
    }
    MB_ASSIGN_OR_RETURN(Environment values, ParseDotEnv(**text, path.string(), lookup));
    for (auto& [key, value] : values) environment[key] = value;
    return Status::Ok();
  };
  if (env_files.empty()) {
    MB_RETURN_IF_ERROR(read(default_env_file, false));
  } else {
    for (const fs::path& path : env_files) MB_RETURN_IF_ERROR(read(path, true));
  }
  for (const auto& [key, value] : process) environment[key] = value;
  return environment;
}

}  // namespace mybuild::compose
