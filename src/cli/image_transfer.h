// Pull and push of one stored image, as `mybuild pull`/`push` do them and `compose pull`/`push` for each
// service: a pull is fetched, unpacked for builds, then tagged (a failed pull tags nothing); a push
// sends a stored tag's manifest and the blobs the registry does not have.
#ifndef MYBUILD_CLI_IMAGE_TRANSFER_H_
#define MYBUILD_CLI_IMAGE_TRANSFER_H_

#include <cstdint>
#include <string>

#include "src/base/digest.h"
#include "src/base/status.h"
#include "src/cli/registry_access.h"
#include "src/cli/store_access.h"

namespace mybuild::cli {

struct PullOutcome {
  Digest manifest;
  bool up_to_date = false;  // the name already named this manifest
};
// `name` normalised.
StatusOr<PullOutcome> PullImage(LocalStore& store, const std::string& name, const RegistryAccess& access,
                                const std::string& snapshotter);

struct PushOutcome {
  Digest manifest;
  uint64_t size = 0;  // of the manifest
};
// `name` a normalised tag of the store; kNotFound when the store has no such image.
StatusOr<PushOutcome> PushImage(LocalStore& store, const std::string& name, const RegistryAccess& access);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_IMAGE_TRANSFER_H_
