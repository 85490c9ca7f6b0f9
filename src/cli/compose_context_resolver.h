// Base images for one service of `compose build`: the store's resolver, plus the service's named
// contexts (`additional_contexts`) under their names. A `service:NAME` context resolves to the config of
// NAME's target stage (planned before) and pins a placeholder that the graph merge replaces with NAME's
// target vertex; a directory context pins a placeholder replaced by that directory's local source;
// `docker-image://REF` is REF. With `pull`, every image is pulled again once per build, as `--pull` does.
#ifndef MYBUILD_CLI_COMPOSE_CONTEXT_RESOLVER_H_
#define MYBUILD_CLI_COMPOSE_CONTEXT_RESOLVER_H_

#include <map>
#include <optional>
#include <set>
#include <string>

#include "src/cli/build_pipeline.h"
#include "src/cli/store_base_resolver.h"
#include "src/compose/build_plan.h"

namespace mybuild::cli {

// The placeholder references (never a valid image name: they hold a ':' before any '/').
inline constexpr const char* kServicePlaceholder = "mybuild-compose-service:";
inline constexpr const char* kContextPlaceholder = "mybuild-compose-context:";

class ComposeContextResolver : public BuildBaseResolver {
 public:
  struct Shared {
    StoreBaseResolver* store = nullptr;
    const cache::BlobStore* blobs = nullptr;
    image::ImageStore* images = nullptr;
    std::map<std::string, planner::ImageConfig> service_configs;  // target stage config per planned service
    std::map<std::string, image::StoredImage> built_images;       // per service, once assembled
    std::set<std::string> pulled;                                  // normalised references pulled this build
  };

  ComposeContextResolver(Shared& shared, const compose::ServiceBuild& build) : shared_(shared), build_(build) {}

  StatusOr<planner::ImageConfig> Resolve(const std::string& reference, const planner::Platform& platform) override;
  Status PinReference(const std::string& reference) override;
  const std::map<std::string, planner::PinnedImage>& Pinned() const override;
  const image::StoredImage* FindImage(const std::string& reference) const override;

 private:
  const compose::NamedContext* Named(const std::string& reference) const;
  // The reference the store sees: a docker-image:// context's image, else `reference` itself.
  std::string StoreReference(const std::string& reference) const;
  Status PullIfAsked(const std::string& reference);
  void PinPlaceholder(const std::string& reference, const std::string& placeholder);

  Shared& shared_;
  const compose::ServiceBuild& build_;
  std::map<std::string, planner::PinnedImage> placeholders_;  // named contexts that are not images
  std::map<std::string, std::string> aliases_;                // docker-image:// name → its image
  mutable std::map<std::string, planner::PinnedImage> pinned_;
};

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_COMPOSE_CONTEXT_RESOLVER_H_
