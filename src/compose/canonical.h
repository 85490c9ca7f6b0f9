// From a merged model to the canonical one that `compose config` prints, as compose-go does it:
// relative paths resolved, short syntax written long (build: PATH, depends_on: [a], environment: [K=V],
// command: "sh -c …", ports: ["8080:80"], volumes: ["./d:/d"], env_file: f), defaults filled in
// (build context and Dockerfile, the `default` network, resource names "<project>_<key>"), bare
// variable names in environment and build.args taken from the project's environment.
#ifndef MYBUILD_COMPOSE_CANONICAL_H_
#define MYBUILD_COMPOSE_CANONICAL_H_

#include <filesystem>
#include <map>
#include <string>

#include "src/base/status.h"
#include "src/compose/yaml_value.h"

namespace mybuild::compose {

// Makes the relative paths of a file's model absolute against `base_dir` (the project directory, or
// the directory of an included or extended file): build contexts, additional contexts that are paths,
// env_file, bind-mount sources, secret and config files. With `default_context`, a `build` without a
// context gets `base_dir` (for an included project, whose own directory is the default).
void ResolveRelativePaths(Value& model, const std::filesystem::path& base_dir, bool default_context);

// Whether a build context is remote (a git URL, http(s)://…) rather than a directory.
bool IsRemoteContext(const std::string& context);

// Rewrites a merged, validated model into canonical form (above) in place. `project_name` becomes
// `name:`; `environment` resolves bare names.
Status Canonicalize(Value& model, const std::string& project_name, const std::filesystem::path& working_dir,
                    const std::map<std::string, std::string>& environment);

}  // namespace mybuild::compose

#endif  // MYBUILD_COMPOSE_CANONICAL_H_
