// A deterministic, human-readable text form of a BuildPlan, for debugging (`--dry-run` style output)
// and golden tests. One line per fact; strings are Go-quoted where they may contain blanks.
//
//   target 2 (final) build linux/amd64 target linux/amd64
//   stage 0 "builder" FROM image "golang:1.22" platform linux/amd64 deps []
//     RUN ["/bin/sh" "-c" "go build"] user "" workdir "/src" network default mounts 1
//       mount cache target "/root/.cache" id "/root/.cache" from context
//     COPY from context ["a"] -> "/app/" chown "" chmod -
//     WORKDIR "/x"
//     config user "app" workdir "/x" env ["PATH=…"] cmd ["sh"] entrypoint - …
//   warning One or more build-args [X] were not consumed
#ifndef MYBUILD_PLANNER_PLAN_DUMP_H_
#define MYBUILD_PLANNER_PLAN_DUMP_H_

#include <string>

#include "src/planner/plan.h"

namespace mybuild::planner {

std::string DumpPlan(const BuildPlan& plan);

}  // namespace mybuild::planner

#endif  // MYBUILD_PLANNER_PLAN_DUMP_H_
