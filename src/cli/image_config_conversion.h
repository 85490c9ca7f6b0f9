// Between the planner's view of an image config (what a Dockerfile changes) and the OCI config the image
// module stores: base images enter the planner, built images leave it.
#ifndef MYBUILD_CLI_IMAGE_CONFIG_CONVERSION_H_
#define MYBUILD_CLI_IMAGE_CONFIG_CONVERSION_H_

#include <cstdint>
#include <vector>

#include "src/base/digest.h"
#include "src/image/image_config.h"
#include "src/planner/plan.h"

namespace mybuild::cli {

// A stored image's config as the planner sees a base.
planner::ImageConfig ToPlannerConfig(const image::ImageConfig& config);

// The OCI config of a built image: the planner's fields, the layer chain's diffIDs, and `created` on
// the image and on every history entry made by this build (`created_seconds`). Base history keeps its
// own timestamps.
image::ImageConfig ToImageConfig(const planner::ImageConfig& config, const std::vector<Digest>& diff_ids,
                                 int64_t created_seconds, int base_history_length,
                                 const std::vector<image::HistoryEntry>& base_history);

// `commit --change`: Dockerfile instructions applied to `config`'s container config
// (planner/config_changes.h has the rules); everything else is kept.
Status ApplyConfigChanges(image::ImageConfig& config, const std::vector<std::string>& changes);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_IMAGE_CONFIG_CONVERSION_H_
