// Loading a compose project as `docker compose` does:
// 1. the files: `-f` (repeatable, relative to the current directory), else $COMPOSE_FILE (':'-separated),
//    else the first of compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml found in the
//    current directory or the nearest parent, plus its compose.override.yaml (or docker-compose.override.yml)
//    beside it;
// 2. the project directory: --project-directory, else the first file's directory;
// 3. the environment: the process environment over --env-file files (else PROJECT_DIR/.env);
// 4. the project name: -p, else $COMPOSE_PROJECT_NAME, else the files' `name:`, else the project
//    directory's name, normalised (NormalizeProjectName); it is $COMPOSE_PROJECT_NAME for interpolation;
// 5. each file, each document: interpolation, `include` (sub-projects, their paths relative to their
//    own directory), `extends` (same file or another, recursively, cycles refused), then merged onto the
//    files before it (merge.h);
// 6. the schema check (schema.h), the canonical form (canonical.h), profiles (--profile, else
//    $COMPOSE_PROFILES; "*" enables all), and the consistency checks: every service has an image or a
//    build, depends_on and `service:` build contexts name enabled services, and form no cycle.
#ifndef MYBUILD_COMPOSE_PROJECT_LOADER_H_
#define MYBUILD_COMPOSE_PROJECT_LOADER_H_

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"
#include "src/compose/project.h"

namespace mybuild::compose {

struct LoadOptions {
  std::vector<std::string> files;        // -f
  std::string project_name;              // -p
  std::string project_directory;         // --project-directory
  std::vector<std::string> env_files;    // --env-file
  std::vector<std::string> profiles;     // --profile
  std::filesystem::path cwd;             // the current directory
  std::map<std::string, std::string> process_environment;
  std::function<void(const std::string&)> warn;  // warnings (unset variables, obsolete `version`); may be empty
};

StatusOr<Project> LoadProject(const LoadOptions& options);

// Lowercase, only [a-z0-9_-], no leading '_' or '-' (as compose-go's NormalizeProjectName).
std::string NormalizeProjectName(std::string_view name);

// The default compose file of `dir` or its nearest parent that has one; kNotFound naming the names.
StatusOr<std::filesystem::path> FindComposeFile(const std::filesystem::path& dir);

}  // namespace mybuild::compose

#endif  // MYBUILD_COMPOSE_PROJECT_LOADER_H_
