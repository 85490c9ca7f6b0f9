// `compose build`: what each service's build is, from the project, before anything is read or built.
// One entry per service with `build:`, in an order where every service comes after the services whose
// images it uses (`additional_contexts: NAME: service:OTHER`); `--print` shows this plan as JSON.
#ifndef MYBUILD_COMPOSE_BUILD_PLAN_H_
#define MYBUILD_COMPOSE_BUILD_PLAN_H_

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/compose/project.h"

namespace mybuild::compose {

// A named build context (`additional_contexts`), as the Dockerfile sees it in FROM NAME,
// COPY --from=NAME and RUN --mount=from=NAME.
struct NamedContext {
  enum class Kind { kDirectory, kImage, kService };
  Kind kind = Kind::kDirectory;
  std::string value;  // the absolute directory, the image reference, or the service name
};

// A build secret of a service, resolved against the top-level secrets: the id the Dockerfile mounts, where
// its content comes from (exactly one of `file` and `environment`), and the owner and mode a RUN
// --mount=type=secret of that id gets when it does not set them.
struct ServiceSecret {
  std::string id;
  std::string file;         // absolute
  std::string environment;  // the name of a variable of the project's environment
  std::optional<uint32_t> uid, gid, mode;
};

struct ServiceBuild {
  std::string service;
  std::vector<std::string> tags;        // the image name (image:, else <project>-<service>) first, then build.tags
  std::string context;                  // an absolute directory
  std::string dockerfile;               // absolute; empty with dockerfile_inline
  std::string dockerfile_inline;
  std::map<std::string, std::string> args;
  std::map<std::string, std::string> labels;
  std::string target;
  std::string network;                  // "" = default
  bool no_cache = false;
  bool pull = false;
  std::vector<ServiceSecret> secrets;
  std::vector<std::string> ssh;         // as `mybuild build --ssh` takes them
  std::vector<std::string> cache_from;  // as `mybuild build --cache-from` takes them (types checked there)
  std::vector<std::string> cache_to;
  std::map<std::string, NamedContext> contexts;
  std::vector<std::string> uses;        // services whose images this build reads (service: contexts)
  SourceLocation location;              // of the service's build:
  std::vector<std::string> warnings;    // what of the build section is not applied (see BuildSpec::unsupported)
};

// Command-line flags that apply to every service.
struct BuildOverrides {
  bool no_cache = false;
  bool pull = false;
  std::map<std::string, std::string> build_args;  // --build-arg, over each service's args
};

// The builds of `selected` (empty: every service with build:) and of the services they take images
// from. Errors: an unknown service, a build secret not in the top-level secrets (or one that is neither
// file: nor environment:, or whose uid/gid/mode is not a number), a remote (git/URL) context, a platform other than the host's, a
// context or Dockerfile that does not exist.
StatusOr<std::vector<ServiceBuild>> PlanServiceBuilds(const Project& project, const std::vector<std::string>& selected,
                                                      const BuildOverrides& overrides,
                                                      const std::string& host_platform);

// A Dockerfile's `FROM IMAGE` or `COPY --from=IMAGE` naming the image another service of `builds` builds
// (one of its tags) reads that image from the same solve: it becomes a service: context of that name.
// `image_words` holds each service's FROM and --from words as written; `normalize` makes references
// comparable ("web" → "docker.io/library/web:latest"; unparsable words are returned empty). Re-orders
// `builds` so that every service still comes after those it uses; a cycle is an error.
Status LinkServiceImages(std::vector<ServiceBuild>& builds, const std::map<std::string, std::vector<std::string>>& image_words,
                         const std::function<std::string(const std::string&)>& normalize);

// {"services": {NAME: {context, dockerfile|dockerfile_inline, args, labels, target, tags, no_cache, pull,
//  contexts: {NAME: {type, value}}, uses: [...]}}, "order": [...], "edges": [{from, to, context}]}
nlohmann::ordered_json BuildPlanToJson(const std::vector<ServiceBuild>& builds);

}  // namespace mybuild::compose

#endif  // MYBUILD_COMPOSE_BUILD_PLAN_H_
