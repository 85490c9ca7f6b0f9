// Base images for a build, from the local image store: the planner's BaseImageResolver, which also pins
// every reference it resolves (normalised name → manifest digest) for the graph. A reference not in the
// store is pulled (and tagged) by the puller the command wires in, as docker does for FROM.
#ifndef MYBUILD_CLI_STORE_BASE_RESOLVER_H_
#define MYBUILD_CLI_STORE_BASE_RESOLVER_H_

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "cache/blob_store.h"
#include "src/cli/build_pipeline.h"
#include "src/image/image_store.h"
#include "src/planner/graph_lowering.h"
#include "src/planner/planner.h"

namespace mybuild::cli {

class StoreBaseResolver : public BuildBaseResolver {
 public:
  StoreBaseResolver(const cache::BlobStore& blobs, const image::ImageStore& images)
      : blobs_(blobs), images_(images) {}

  // Gets a normalised reference that is not in the store into it and returns its manifest digest.
  using Puller = std::function<StatusOr<Digest>(const std::string& normalized)>;
  void SetPuller(Puller puller) { puller_ = std::move(puller); }

  StatusOr<planner::ImageConfig> Resolve(const std::string& reference, const planner::Platform& platform) override;

  // Resolves (and pins) a reference that is not a stage base, e.g. COPY --from=IMAGE.
  StatusOr<image::StoredImage> Pin(const std::string& reference);

  // Every reference resolved so far, as written → pinned.
  const std::map<std::string, planner::PinnedImage>& pinned() const { return pinned_; }
  // The stored image of a pinned reference.
  const image::StoredImage* Find(const std::string& reference) const;

  // BuildBaseResolver
  Status PinReference(const std::string& reference) override { return Pin(reference).status(); }
  const std::map<std::string, planner::PinnedImage>& Pinned() const override { return pinned(); }
  const image::StoredImage* FindImage(const std::string& reference) const override { return Find(reference); }

 private:
  const cache::BlobStore& blobs_;
  const image::ImageStore& images_;
  std::map<std::string, planner::PinnedImage> pinned_;
  std::map<std::string, image::StoredImage> stored_;
  Puller puller_;
};

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_STORE_BASE_RESOLVER_H_
