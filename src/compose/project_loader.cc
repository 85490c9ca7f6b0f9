#include "src/compose/project_loader.h"

#include <algorithm>
#include <cctype>

#include "src/compose/canonical.h"
#include "src/compose/file_loader.h"
#include "src/compose/interpolation.h"
#include "src/compose/project_checks.h"
#include "src/compose/schema.h"

namespace mybuild::compose {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDefaultFiles[] = {"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"};
constexpr const char* kOverrideFiles[] = {"compose.override.yaml", "compose.override.yml", "docker-compose.override.yml",
                                          "docker-compose.override.yaml"};

fs::path AbsoluteFrom(const fs::path& cwd, const std::string& path) {
  fs::path absolute = (fs::path(path).is_absolute() ? fs::path(path) : cwd / path).lexically_normal();
  if (absolute.filename().empty() && absolute.has_parent_path()) absolute = absolute.parent_path();  // "dir/"
  return absolute;
}

std::vector<std::string> SplitList(const std::string& text, char separator) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(separator, start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

StatusOr<std::vector<fs::path>> ComposeFiles(const LoadOptions& options) {
  std::vector<fs::path> files;
  if (!options.files.empty()) {
    for (const std::string& file : options.files) files.push_back(AbsoluteFrom(options.cwd, file));
    return files;
  }
  if (auto found = options.process_environment.find("COMPOSE_FILE"); found != options.process_environment.end()) {
    for (const std::string& file : SplitList(found->second, ':')) files.push_back(AbsoluteFrom(options.cwd, file));
    if (!files.empty()) return files;
  }
  MB_ASSIGN_OR_RETURN(fs::path main, FindComposeFile(options.cwd));
  files.push_back(main);
  for (const char* name : kOverrideFiles) {
    std::error_code error;
    if (fs::is_regular_file(main.parent_path() / name, error)) {
      files.push_back(main.parent_path() / name);
      break;
    }
  }
  return files;
}

// The `name:` of the files (the last one that has it), interpolated.
StatusOr<std::string> NameInFiles(const FileLoader& loader, const std::vector<fs::path>& files, const Environment& environment) {
  std::string name;
  for (const fs::path& file : files) {
    MB_ASSIGN_OR_RETURN(std::vector<Value> documents, loader.ReadDocuments(file, environment));
    for (const Value& document : documents) {
      if (const Value* value = document.Find("name"); value != nullptr && value->IsScalar() && !value->scalar.empty()) {
        name = value->scalar;
      }
    }
  }
  return name;
}

StatusOr<std::string> ProjectName(const LoadOptions& options, const FileLoader& loader, const std::vector<fs::path>& files,
                                  const Environment& environment, const fs::path& working_dir) {
  std::string name = options.project_name;
  if (name.empty()) {
    if (auto found = environment.find("COMPOSE_PROJECT_NAME"); found != environment.end()) name = found->second;
  }
  if (!name.empty()) {
    if (NormalizeProjectName(name) != name) {
      return InvalidArgument("invalid project name \"" + name +
                             "\": expected only lowercase letters, digits, dashes and underscores, starting with a letter or digit");
    }
    return name;
  }
  // `name:` is read without COMPOSE_PROJECT_NAME (it is what defines it).
  FileLoader quiet = loader;
  quiet.warn = [](const std::string&) {};
  MB_ASSIGN_OR_RETURN(name, NameInFiles(quiet, files, environment));
  name = NormalizeProjectName(name.empty() ? working_dir.filename().string() : name);
  if (name.empty()) {
    return InvalidArgument("project name must not be empty: the project directory \"" + working_dir.string() +
                           "\" has no usable name; give one with -p or name:");
  }
  return name;
}

}  // namespace

std::string NormalizeProjectName(std::string_view name) {
  std::string out;
  for (char c : name) {
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if ((lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') || lower == '_' || lower == '-') out += lower;
  }
  const size_t start = out.find_first_not_of("_-");
  return start == std::string::npos ? std::string() : out.substr(start);
}

StatusOr<fs::path> FindComposeFile(const fs::path& dir) {
  for (fs::path current = dir;; current = current.parent_path()) {
    for (const char* name : kDefaultFiles) {
      std::error_code error;
      if (fs::is_regular_file(current / name, error)) return current / name;
    }
    if (current == current.root_path() || current.empty()) break;
  }
  return NotFound("no configuration file provided: not found (looked for compose.yaml, compose.yml, docker-compose.yml "
                  "and docker-compose.yaml in " + dir.string() + " and its parents; name one with -f)");
}

StatusOr<Project> LoadProject(const LoadOptions& options) {
  FileLoader loader;
  loader.cwd = options.cwd;
  loader.warn = options.warn ? options.warn : [](const std::string&) {};
  MB_ASSIGN_OR_RETURN(std::vector<fs::path> files, ComposeFiles(options));
  Project project;
  project.working_dir = options.project_directory.empty() ? files[0].parent_path()
                                                          : AbsoluteFrom(options.cwd, options.project_directory);
  std::vector<fs::path> env_files;
  for (const std::string& file : options.env_files) env_files.push_back(AbsoluteFrom(options.cwd, file));
  MB_ASSIGN_OR_RETURN(project.environment,
                      ProjectEnvironment(options.process_environment, env_files, project.working_dir / ".env"));
  MB_ASSIGN_OR_RETURN(project.name, ProjectName(options, loader, files, project.environment, project.working_dir));
  project.environment["COMPOSE_PROJECT_NAME"] = project.name;
  for (const fs::path& file : files) project.compose_files.push_back(file.string());

  MB_ASSIGN_OR_RETURN(project.model, loader.LoadModel(files, project.working_dir, project.environment, {}));
  if (project.model.entries.empty()) return InvalidArgument("empty compose file: expected at least a services: section");
  MB_RETURN_IF_ERROR(ValidateModel(project.model));
  if (project.model.Find("version") != nullptr) {
    loader.warn("the attribute `version` is obsolete and ignored");
  }
  MB_RETURN_IF_ERROR(Canonicalize(project.model, project.name, project.working_dir, project.environment));

  std::vector<std::string> profiles = options.profiles;
  if (profiles.empty()) {
    if (auto found = project.environment.find("COMPOSE_PROFILES"); found != project.environment.end()) {
      profiles = SplitList(found->second, ',');
    }
  }
  ApplyProfiles(project, profiles);
  MB_ASSIGN_OR_RETURN(project.services, ServicesFromModel(project.model));
  project.secrets = SecretsFromModel(project.model);
  MB_RETURN_IF_ERROR(CheckServices(project));
  return project;
}

}  // namespace mybuild::compose
