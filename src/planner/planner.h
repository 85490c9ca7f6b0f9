// Dockerfile AST → BuildPlan (plan.h): stage resolution, build args and word expansion, typed steps and
// the image config of every stage, with the semantics of the reference builder (BuildKit's
// dockerfile2llb). No I/O except through BaseImageResolver.
//
// What the planner decides, in order:
//  1. Global ARGs (before the first FROM) are evaluated: a --build-arg value wins, else the default
//     expanded with the ARGs before it and the automatic platform args (BUILDPLATFORM, BUILDOS,
//     BUILDARCH, BUILDVARIANT, TARGETPLATFORM, TARGETOS, TARGETARCH, TARGETVARIANT, TARGETSTAGE).
//  2. Each FROM is expanded with those; its base is `scratch`, an earlier stage (by name, case
//     insensitive, or by index), or an image. --platform is expanded and parsed.
//  3. The target (--target, else the last stage) and the stages it needs (FROM <stage>,
//     COPY --from=<stage>, RUN --mount=from=<stage>, and the same in ONBUILD triggers of the bases)
//     are found; only those are planned, in Dockerfile order (every reference is to an earlier stage).
//  4. Each stage starts from its base's config (an image's config from the resolver, with ONBUILD
//     triggers run first and PATH defaulted; or the base stage's final config and declared ARGs) and
//     dispatches every instruction: words expanded with the stage's variables (base ENV, then ARG and
//     ENV in order, the later assignment of a name winning), steps emitted, config updated, a history
//     entry per instruction.
//  5. --label values are added to the target's labels; unused --build-arg names become a warning.
//
// Errors are InvalidArgument (NotFound for an unknown target) located at the instruction
// (FILE:LINE:COL); the message says what was expected.
#ifndef MYBUILD_PLANNER_PLANNER_H_
#define MYBUILD_PLANNER_PLANNER_H_

#include <map>
#include <optional>
#include <string>

#include "src/base/status.h"
#include "src/frontend/ast.h"
#include "src/planner/plan.h"
#include "src/planner/platform.h"

namespace mybuild::planner {

// The side effect the planner needs: the config of a base image (its Env, User, WorkingDir, Cmd,
// Entrypoint, OnBuild triggers, history …). The real one fetches the image's config blob; tests use a
// map. Called once per planned stage whose base is an image.
class BaseImageResolver {
 public:
  virtual ~BaseImageResolver() = default;
  // `reference` is the FROM word after expansion (e.g. "alpine:3.20", "docker.io/library/busybox").
  // Errors (NotFound, Unavailable …) are returned to the caller with the FROM's location attached.
  virtual StatusOr<ImageConfig> Resolve(const std::string& reference, const Platform& platform) = 0;
};

struct PlanInputs {
  // --build-arg values, NAME → value (NAME alone was already resolved from the environment by the
  // caller). A value applies only where an ARG declares the name.
  std::map<std::string, std::string> build_args;
  std::string target;                     // --target; "" = the last stage
  std::optional<Platform> build_platform; // default: HostPlatform()
  std::optional<Platform> target_platform;// --platform; default: the build platform
  std::map<std::string, std::string> labels;  // --label, applied to the target last
  BaseImageResolver* resolver = nullptr;  // needed when a planned stage has an image base
};

StatusOr<BuildPlan> Plan(const frontend::Dockerfile& dockerfile, const PlanInputs& inputs);

}  // namespace mybuild::planner

#endif  // MYBUILD_PLANNER_PLANNER_H_
