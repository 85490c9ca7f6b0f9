// Base images for one Dockerfile with named build contexts (`mybuild build --build-context NAME=VALUE`, a
// compose service's `additional_contexts`): the store's resolver, plus the named contexts under their
// names. A `service:NAME` context (compose) resolves to the config of NAME's target stage (planned before)
// and pins a placeholder that the graph merge replaces with NAME's target vertex; a directory context pins
// a placeholder replaced by that directory's local source (context_graph.h); `docker-image://REF` is REF.
// With `pull`, every image is pulled again once per build, as `--pull` does.
#ifndef MYBUILD_CLI_NAMED_CONTEXT_RESOLVER_H_
#define MYBUILD_CLI_NAMED_CONTEXT_RESOLVER_H_

#include <map>
#include <optional>
#include <set>
#include <string>

#include "src/cli/build_pipeline.h"
#include "src/cli/store_base_resolver.h"
#include "src/compose/build_plan.h"  // compose::NamedContext

namespace mybuild::cli {

// The placeholder references (never a valid image name: they hold a ':' before any '/').
inline constexpr const char* kServicePlaceholder = "mybuild-compose-service:";
inline constexpr const char* kContextPlaceholder = "mybuild-compose-context:";

class NamedContextResolver : public BuildBaseResolver {
 public:
  struct Shared {
    StoreBaseResolver* store = nullptr;
    const cache::BlobStore* blobs = nullptr;
    image::ImageStore* images = nullptr;
    std::map<std::string, planner::ImageConfig> service_configs;  // target stage config per planned service
    std::map<std::string, image::StoredImage> built_images;       // per service, once assembled
    std::set<std::string> pulled;                                  // normalised references pulled this build
  };

  // `contexts` by name; `pull`: pull every image again; `pull_origin` names what asked for it in errors
  // ("--pull", "services.web.build.pull"). `contexts` must outlive the resolver.
  NamedContextResolver(Shared& shared, const std::map<std::string, compose::NamedContext>& contexts, bool pull,
                       std::string pull_origin)
      : shared_(shared), contexts_(contexts), pull_(pull), pull_origin_(std::move(pull_origin)) {}

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
  const std::map<std::string, compose::NamedContext>& contexts_;
  const bool pull_;
  const std::string pull_origin_;
  std::map<std::string, planner::PinnedImage> placeholders_;  // named contexts that are not images
  std::map<std::string, std::string> aliases_;                // docker-image:// name → its image
  mutable std::map<std::string, planner::PinnedImage> pinned_;
};

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_NAMED_CONTEXT_RESOLVER_H_
