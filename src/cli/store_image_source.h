// Where `run` and `compose up` get their containers' images: the local store, pulled (and tagged) from
// the registry as the pull policy says (engine::ImageSource).
#ifndef MYBUILD_CLI_STORE_IMAGE_SOURCE_H_
#define MYBUILD_CLI_STORE_IMAGE_SOURCE_H_

#include <string>

#include "src/cli/store_access.h"
#include "src/engine/container_create.h"

namespace mybuild::cli {

class StoreImageSource : public engine::ImageSource {
 public:
  explicit StoreImageSource(LocalStore& store) : store_(store) {}
  StatusOr<image::StoredImage> Get(const std::string& reference, engine::PullPolicy policy) override;

 private:
  StatusOr<Digest> Pull(const std::string& reference);
  LocalStore& store_;
};

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_STORE_IMAGE_SOURCE_H_
