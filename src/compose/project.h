// The resolved compose project: what `compose config` prints (`model`, the canonical tree) and the typed
// view of it that `compose build` and `compose up` use.
#ifndef MYBUILD_COMPOSE_PROJECT_H_
#define MYBUILD_COMPOSE_PROJECT_H_

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "src/base/source_location.h"
#include "src/base/status.h"
#include "src/compose/yaml_value.h"

namespace mybuild::compose {

// One entry of `build.secrets`: the top-level secret `source`, seen by the Dockerfile as the secret id
// `target` (default: `source`, as docker compose passes it to BuildKit); uid/gid/mode are the defaults of
// a RUN --mount=type=secret that does not set them. Short form: only the source.
struct BuildSecret {
  std::string source;
  std::string target;
  std::string uid, gid, mode;  // as written; empty = not set
  SourceLocation location;
};

// `build:` of a service, paths resolved.
struct BuildSpec {
  std::string context;            // an absolute directory, or a URL as written
  std::string dockerfile;         // as written (relative to the context); empty with dockerfile_inline
  std::string dockerfile_inline;  // the Dockerfile text itself
  std::map<std::string, std::string> args;    // bare names already taken from the environment
  std::map<std::string, std::string> labels;
  std::string target;
  std::vector<std::string> tags;
  bool no_cache = false;
  bool pull = false;
  std::string network;
  std::vector<std::string> platforms;
  std::vector<std::string> cache_from;
  std::vector<std::string> cache_to;
  std::vector<BuildSecret> secrets;
  std::vector<std::string> ssh;   // "default", "ID" or "ID=SOCKET", as `mybuild build --ssh` takes them
  // NAME → an absolute directory, a URL, "docker-image://REF" or "service:NAME".
  std::map<std::string, std::string> additional_contexts;
  SourceLocation location;        // of `build:`
  // Keys of the build section that compose build does not apply yet (secrets, ssh, cache_to …): each is
  // a warning, never silently dropped.
  std::vector<std::string> unsupported;
};

struct Dependency {
  std::string condition = "service_started";
  bool required = true;
  bool restart = false;
  SourceLocation location;  // of the dependency's name under depends_on
};

struct Service {
  std::string name;
  std::string image;              // as written; empty when the service has none
  std::optional<BuildSpec> build;
  std::map<std::string, Dependency> depends_on;
  std::vector<std::string> profiles;
  SourceLocation location;        // of the service's key
};

// A top-level `secrets:` entry: exactly one of `file` (absolute) and `environment` is what build
// secrets read; anything else (external, content, driver) leaves both empty.
struct SecretSource {
  std::string file;
  std::string environment;
  SourceLocation location;
};

struct Project {
  std::string name;
  std::filesystem::path working_dir;
  std::vector<std::string> compose_files;           // absolute, in load order
  std::map<std::string, std::string> environment;   // the process environment over .env / --env-file
  std::map<std::string, Service> services;          // the enabled services (profiles applied)
  std::vector<std::string> disabled_services;       // left out by profiles
  std::map<std::string, SecretSource> secrets;      // top-level secrets:
  Value model;                                      // the canonical model, as `config` prints it

  // The image a service runs and `build` tags: its `image:`, else "<project>-<service>".
  std::string ImageName(const Service& service) const;
};

// The typed view of a canonical model's services (profiles already applied to the model).
StatusOr<std::map<std::string, Service>> ServicesFromModel(const Value& model);
// The top-level secrets of a canonical model (file: paths already absolute).
std::map<std::string, SecretSource> SecretsFromModel(const Value& model);

}  // namespace mybuild::compose

#endif  // MYBUILD_COMPOSE_PROJECT_H_
