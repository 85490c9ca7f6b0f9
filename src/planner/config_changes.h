// `commit --change` (docker commit -c): Dockerfile instructions applied to an existing image config, with
// the same rules as in a Dockerfile (one StageState for all of them, so "ENTRYPOINT x" clears the Cmd
// unless a CMD came before it, as docker's BuildFromConfig does). Docker's list of instructions:
// CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, WORKDIR; STOPSIGNAL too. They add no
// history entries (commit records one for the whole layer).
#ifndef MYBUILD_PLANNER_CONFIG_CHANGES_H_
#define MYBUILD_PLANNER_CONFIG_CHANGES_H_

#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/planner/plan.h"

namespace mybuild::planner {

// kInvalidArgument naming the change ("--change \"RUN x\": …") for another instruction, a change that
// is not one instruction, or an instruction's own error.
Status ApplyConfigChanges(ImageConfig& config, const std::vector<std::string>& changes);

}  // namespace mybuild::planner

#endif  // MYBUILD_PLANNER_CONFIG_CHANGES_H_
