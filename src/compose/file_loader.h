// Step 5 of loading (project_loader.h): compose files → one merged model, with interpolation, `include`
// and `extends` applied and relative paths resolved.
#ifndef MYBUILD_COMPOSE_FILE_LOADER_H_
#define MYBUILD_COMPOSE_FILE_LOADER_H_

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/compose/yaml_value.h"

namespace mybuild::compose {

using Environment = std::map<std::string, std::string>;

struct FileLoader {
  std::filesystem::path cwd;                     // file names in errors are relative to it
  std::function<void(const std::string&)> warn;  // never empty

  // Reads, interpolates (from `environment`) and parses every document of `file`.
  StatusOr<std::vector<Value>> ReadDocuments(const std::filesystem::path& file, const Environment& environment) const;

  // `files` merged in order, relative paths resolved against `working_dir`. `include_stack` holds the
  // files whose `include` led here (a file that includes itself, directly or not, is an error).
  StatusOr<Value> LoadModel(const std::vector<std::filesystem::path>& files, const std::filesystem::path& working_dir,
                            const Environment& environment, std::vector<std::filesystem::path> include_stack) const;

  // The name a file has in messages.
  std::string DisplayName(const std::filesystem::path& file) const;
};

// The environment of a project: `process` over the given env files (or `default_env_file` when it
// exists and none is given).
StatusOr<Environment> ProjectEnvironment(const Environment& process, const std::vector<std::filesystem::path>& env_files,
                                         const std::filesystem::path& default_env_file);

}  // namespace mybuild::compose

#endif  // MYBUILD_COMPOSE_FILE_LOADER_H_
