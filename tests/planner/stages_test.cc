// Stages: FROM forms, names, global ARGs in FROM, platform args, --target pruning and order, --from.
#include "tests/planner/planner_test_util.h"

namespace mybuild::planner::testing {
namespace {

std::vector<int> Indices(const BuildPlan& plan) {
  std::vector<int> out;
  for (const Stage& s : plan.stages) out.push_back(s.index);
  return out;
}

ImageConfig Image(std::vector<std::string> env = {}) {
  ImageConfig config;
  config.env = std::move(env);
  config.os = "linux";
  config.architecture = "amd64";
  return config;
}

constexpr const char* kMultiStage =
    "FROM scratch AS base\n"          // 0
    "FROM base AS builder\n"          // 1
    "RUN make\n"
    "FROM scratch AS unrelated\n"     // 2
    "RUN true\n"
    "FROM alpine AS tools\n"          // 3
    "FROM scratch AS final\n"         // 4
    "COPY --from=builder /out /out\n"
    "RUN --mount=type=bind,from=tools,target=/t ls /t\n"
    "COPY --from=busybox:latest /bin/busybox /bin/\n";

}  // namespace

TEST_CASE("only the stages the target depends on are planned, in dependency order") {
  FakeResolver resolver;
  resolver.images["alpine"] = Image();
  BuildPlan plan = MustPlan(kMultiStage, Inputs(&resolver));
  CHECK(Indices(plan) == std::vector<int>{0, 1, 3, 4});
  CHECK(plan.target_index == 4);
  CHECK(plan.target().name == "final");
  CHECK(plan.target().depends_on == std::vector<int>{1, 3});
  CHECK(plan.target().images_used == std::vector<std::string>{"busybox:latest"});
  const CopyStep& copy = StepAs<CopyStep>(plan.target(), 0);
  CHECK(copy.from.kind == SourceRef::Kind::kStage);
  CHECK(copy.from.stage == 1);
  const RunStep& run = StepAs<RunStep>(plan.target(), 1);
  CHECK(run.mounts.at(0).from == SourceRef{SourceRef::Kind::kStage, 3, ""});
  const CopyStep& image_copy = StepAs<CopyStep>(plan.target(), 2);
  CHECK(image_copy.from.kind == SourceRef::Kind::kImage);
  CHECK(image_copy.from.image == "busybox:latest");
  CHECK(resolver.requests == std::vector<std::string>{"alpine"});  // busybox is the caller's to resolve
  const Stage* builder = plan.FindStage(1);
  REQUIRE(builder != nullptr);
  CHECK(builder->base_kind == Stage::BaseKind::kStage);
  CHECK(builder->base_stage == 0);
}

TEST_CASE("--target selects a stage case-insensitively and prunes the rest") {
  PlanInputs inputs = Inputs();
  inputs.target = "BUILDER";
  BuildPlan plan = MustPlan(kMultiStage, inputs);
  CHECK(Indices(plan) == std::vector<int>{0, 1});
  CHECK(plan.target_index == 1);
  inputs.target = "unrelated";
  CHECK(Indices(MustPlan(kMultiStage, inputs)) == std::vector<int>{2});
}

TEST_CASE("an unknown --target names the available stages") {
  PlanInputs inputs = Inputs();
  inputs.target = "nope";
  auto plan = PlanText(kMultiStage, inputs);
  REQUIRE_FALSE(plan.ok());
  CHECK(plan.status().code() == StatusCode::kNotFound);
  CHECK(plan.status().message() ==
        "target stage \"nope\" could not be found (available stages: base, builder, unrelated, tools, final)");
}

TEST_CASE("FROM can name an earlier stage by name or index; COPY --from by index") {
  BuildPlan plan = MustPlan("FROM scratch\nENV X=1\nFROM 0\nCOPY --from=0 /a /b\n");
  REQUIRE(plan.stages.size() == 2);
  CHECK(plan.target().base_kind == Stage::BaseKind::kStage);
  CHECK(plan.target().base_stage == 0);
  CHECK(EnvValue(plan.target().config.env, "X") == "1");
  CHECK(StepAs<CopyStep>(plan.target(), 0).from.stage == 0);
}

TEST_CASE("a FROM naming a later stage is an image, and COPY --from a later stage is an error") {
  FakeResolver resolver;
  resolver.images["later"] = Image();
  BuildPlan plan = MustPlan("FROM later\nFROM scratch AS later\n", Inputs(&resolver));
  CHECK(plan.stages.size() == 1);  // the last stage is the target; it does not need stage 0
  PlanInputs first = Inputs(&resolver);
  first.target = "first";
  plan = MustPlan("FROM later AS first\nFROM scratch AS later\n", first);
  CHECK(plan.target().base_kind == Stage::BaseKind::kImage);
  CHECK(plan.target().base_image == "later");
  std::string err = PlanError("FROM scratch AS first\nCOPY --from=later /a /b\nFROM scratch AS later\n", first);
  CHECK(err == "Dockerfile:2:1: cannot copy from stage \"later\", it needs to be defined before current stage "
               "\"first\"");
  CHECK(PlanError("FROM scratch AS a\nCOPY --from=a /x /y\n") ==
        "Dockerfile:2:1: circular dependency detected on stage: a");
  CHECK(PlanError("FROM scratch\nCOPY --from=5 /x /y\n").find("invalid stage index 5") != std::string::npos);
}

TEST_CASE("global ARGs expand in FROM and can be overridden by --build-arg") {
  FakeResolver resolver;
  resolver.images["alpine:3.19"] = Image();
  resolver.images["alpine:3.20"] = Image();
  const char* text = "ARG TAG=3.19\nARG IMAGE=alpine:${TAG}\nFROM $IMAGE\nRUN echo $TAG\n";
  BuildPlan plan = MustPlan(text, Inputs(&resolver));
  CHECK(plan.target().base_image == "alpine:3.19");
  // Global ARGs are not in scope inside the stage unless redeclared.
  CHECK(EnvValue(StepAs<RunStep>(plan.target(), 0).env, "TAG") == "<unset>");

  PlanInputs inputs = Inputs(&resolver);
  inputs.build_args["TAG"] = "3.20";
  plan = MustPlan(text, inputs);
  CHECK(plan.target().base_image == "alpine:3.20");
}

TEST_CASE("a global ARG is re-declared inside a stage with ARG name") {
  BuildPlan plan = MustPlan("ARG V=1\nFROM scratch\nARG V\nRUN echo $V\n");
  CHECK(EnvValue(StepAs<RunStep>(plan.target(), 0).env, "V") == "1");
  CHECK(HistoryOf(plan.target()).at(0) == "ARG V=1");
}

TEST_CASE("automatic platform args: usable in FROM, declared to be used in a stage") {
  PlanInputs inputs = Inputs();
  inputs.target_platform = Platform{"linux", "arm", "v7"};
  BuildPlan plan = MustPlan(
      "FROM --platform=$BUILDPLATFORM scratch AS b\n"
      "ARG TARGETPLATFORM\nARG TARGETOS TARGETARCH TARGETVARIANT BUILDPLATFORM BUILDARCH\n"
      "RUN echo $TARGETPLATFORM $BUILDARCH\n"
      "FROM scratch\nCOPY --from=b /x /y\n",
      inputs);
  const Stage* b = plan.FindStage(0);
  REQUIRE(b != nullptr);
  CHECK(b->platform.ToString() == "linux/amd64");
  const RunStep& run = StepAs<RunStep>(*b, 0);
  CHECK(EnvValue(run.env, "TARGETPLATFORM") == "linux/arm/v7");
  CHECK(EnvValue(run.env, "TARGETOS") == "linux");
  CHECK(EnvValue(run.env, "TARGETARCH") == "arm");
  CHECK(EnvValue(run.env, "TARGETVARIANT") == "v7");
  CHECK(EnvValue(run.env, "BUILDPLATFORM") == "linux/amd64");
  CHECK(EnvValue(run.env, "BUILDARCH") == "amd64");
  CHECK(plan.target().platform.ToString() == "linux/arm/v7");
  CHECK(plan.target().config.architecture == "arm");
  CHECK(plan.target().config.variant == "v7");
  // Without ARG, the platform args are not in a stage's scope.
  BuildPlan bare = MustPlan("FROM scratch\nRUN echo $TARGETARCH\n");
  CHECK(EnvValue(StepAs<RunStep>(bare.target(), 0).env, "TARGETARCH") == "<unset>");
}

TEST_CASE("the base image's config is in scope and is inherited") {
  FakeResolver resolver;
  ImageConfig base = Image({"PATH=/custom/bin", "GOPATH=/go"});
  base.user = "app";
  base.working_dir = "/srv";
  base.cmd = std::vector<std::string>{"serve"};
  base.history = {HistoryEntry{"/bin/sh -c #(nop) ADD file:x in /", "", false}};
  resolver.images["golang:1.22"] = base;
  BuildPlan plan = MustPlan("FROM golang:1.22\nRUN echo $GOPATH\nWORKDIR sub\n", Inputs(&resolver));
  const Stage& s = plan.target();
  CHECK(s.base_kind == Stage::BaseKind::kImage);
  CHECK(s.base_image == "golang:1.22");
  const RunStep& run = StepAs<RunStep>(s, 0);
  CHECK(run.user == "app");
  CHECK(run.workdir == "/srv");
  CHECK(EnvValue(run.env, "GOPATH") == "/go");
  CHECK(EnvValue(run.env, "PATH") == "/custom/bin");
  CHECK(s.config.working_dir == "/srv/sub");
  CHECK(s.config.cmd == std::vector<std::string>{"serve"});
  CHECK(s.base_history_length == 1);
  CHECK(s.config.history.size() == 3);
}

TEST_CASE("the base image's workdir is taken as BuildKit dispatches it: a WORKDIR against itself") {
  FakeResolver resolver;
  ImageConfig slash = Image({});
  slash.working_dir = "/srv/";
  resolver.images["slash:1"] = slash;
  ImageConfig relative = Image({});
  relative.working_dir = "app";
  resolver.images["relative:1"] = relative;
  CHECK(MustPlan("FROM slash:1\n", Inputs(&resolver)).target().config.working_dir == "/srv/");
  CHECK(MustPlan("FROM relative:1\n", Inputs(&resolver)).target().config.working_dir == "/app/app");
}

TEST_CASE("scratch gets the default PATH and the platform") {
  BuildPlan plan = MustPlan("FROM scratch\n");
  CHECK(plan.target().config.env ==
        std::vector<std::string>{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"});
  CHECK(plan.target().config.os == "linux");
  CHECK(plan.target().config.architecture == "amd64");
  CHECK(plan.target().steps.empty());
}

TEST_CASE("ONBUILD triggers of the base image run right after FROM") {
  FakeResolver resolver;
  ImageConfig base = Image();
  base.on_build = {"RUN echo from-trigger", "COPY --from=helper /h /h"};
  resolver.images["onbuild-base"] = base;
  BuildPlan plan = MustPlan("FROM scratch AS helper\nFROM scratch AS unused\nFROM onbuild-base\nRUN echo mine\n",
                            Inputs(&resolver));
  CHECK(Indices(plan) == std::vector<int>{0, 2});  // the trigger's --from pulls in "helper"
  const Stage& s = plan.target();
  REQUIRE(s.steps.size() == 3);
  CHECK(s.steps[0].from_onbuild);
  CHECK(StepAs<RunStep>(s, 0).args.back() == "echo from-trigger");
  CHECK(StepAs<CopyStep>(s, 1).from.stage == 0);
  CHECK(s.steps[0].location.line == 3);  // reported at the FROM
  CHECK_FALSE(s.steps[2].from_onbuild);
  CHECK(s.config.on_build.empty());  // consumed, not inherited
}

TEST_CASE("ONBUILD of a stage is recorded and runs in stages built FROM it") {
  BuildPlan plan = MustPlan("FROM scratch AS base\nONBUILD RUN echo hi\nFROM base\nRUN echo after\n");
  const Stage* base = plan.FindStage(0);
  CHECK(base->config.on_build == std::vector<std::string>{"RUN echo hi"});
  CHECK(HistoryOf(*base).empty());  // ONBUILD adds no history entry
  const Stage& child = plan.target();
  REQUIRE(child.steps.size() == 2);
  CHECK(child.steps[0].from_onbuild);
  CHECK(StepAs<RunStep>(child, 0).args.back() == "echo hi");
  CHECK(child.config.on_build.empty());
}

TEST_CASE("a stage built FROM another inherits its config, variables and declared ARGs") {
  PlanInputs inputs = Inputs();
  inputs.build_args["V"] = "given";
  BuildPlan plan = MustPlan("FROM scratch AS a\nARG V\nENV E=1\nUSER nobody\nFROM a\nRUN echo\n", inputs);
  const RunStep& run = StepAs<RunStep>(plan.target(), 0);
  CHECK(EnvValue(run.env, "V") == "given");
  CHECK(EnvValue(run.env, "E") == "1");
  CHECK(run.user == "nobody");
  CHECK(plan.target().config.history.back().created_by == "RUN |1 V=given /bin/sh -c echo # buildkit");
}

TEST_CASE("FROM errors: blank base, bad stage name, bad platform, missing resolver") {
  CHECK(PlanError("ARG X\nFROM $X\n") == "Dockerfile:2:1: base name ($X) should not be blank");
  CHECK(PlanError("FROM scratch AS 1abc\n") ==
        "Dockerfile:1:1: invalid name for build stage: \"1abc\", name can't start with a number or contain "
        "symbols");
  CHECK(PlanError("FROM --platform=linux/ scratch\n").rfind("Dockerfile:1:1: failed to parse platform", 0) == 0);
  CHECK(PlanError("FROM --plat=x scratch\n").rfind("Dockerfile:1:1: unknown flag: --plat", 0) == 0);
  CHECK(PlanError("FROM alpine\n").find("no image resolver") != std::string::npos);
  FakeResolver resolver;
  CHECK(PlanError("FROM missing\n", Inputs(&resolver)) == "Dockerfile:1:1: image \"missing\" not found");
  CHECK(PlanError("RUN x\nFROM scratch\n").rfind("Dockerfile:1:1: no build stage in current context", 0) == 0);
}

}  // namespace mybuild::planner::testing

namespace mybuild::planner::testing {

TEST_CASE("FROM --platform reaches the resolver; TARGETSTAGE names the target") {
  FakeResolver resolver;
  resolver.images["alpine"] = ImageConfig{};
  PlanInputs inputs = Inputs(&resolver);
  inputs.target = "Final";
  BuildPlan plan = MustPlan("ARG P=linux/arm64\nFROM --platform=$P alpine AS final\nARG TARGETSTAGE\nRUN x\n", inputs);
  REQUIRE(resolver.platforms.size() == 1);
  CHECK(resolver.platforms[0].ToString() == "linux/arm64");
  CHECK(plan.target().platform.ToString() == "linux/arm64");
  CHECK(plan.target().config.architecture == "arm64");
  CHECK(EnvValue(StepAs<RunStep>(plan.target(), 0).env, "TARGETSTAGE") == "final");
  CHECK(EnvValue(StepAs<RunStep>(MustPlan("FROM scratch\nARG TARGETSTAGE\nRUN x\n").target(), 0).env,
                 "TARGETSTAGE") == "default");
}

}  // namespace mybuild::planner::testing

namespace mybuild::planner::testing {

TEST_CASE("ONBUILD triggers keep their heredocs") {
  BuildPlan plan = MustPlan("FROM scratch AS a\nONBUILD RUN <<EOF\necho hi\nEOF\nFROM a\n");
  CHECK(plan.FindStage(0)->config.on_build == std::vector<std::string>{"RUN <<EOF\necho hi\nEOF"});
  CHECK(StepAs<RunStep>(plan.target(), 0).args == std::vector<std::string>{"/bin/sh", "-c", "echo hi\n"});
  FakeResolver resolver;
  ImageConfig base;
  base.on_build = {"COPY <<EOF /greeting\nhello\nEOF"};
  resolver.images["img"] = base;
  plan = MustPlan("FROM img\n", Inputs(&resolver));
  const CopyStep& copy = StepAs<CopyStep>(plan.target(), 0);
  REQUIRE(copy.inline_sources.size() == 1);
  CHECK(copy.inline_sources[0].content == "hello\n");
}

}  // namespace mybuild::planner::testing

namespace mybuild::planner::testing {

TEST_CASE("a base stage's ONBUILD COPY --from pulls the named stage into the plan") {
  BuildPlan plan = MustPlan("FROM scratch AS b\nFROM scratch AS a\nONBUILD COPY --from=b x y\nFROM scratch AS c\nFROM a\n");
  std::vector<int> indices;
  for (const Stage& s : plan.stages) indices.push_back(s.index);
  CHECK(indices == std::vector<int>{0, 1, 3});  // "c" is not needed
  CHECK(plan.target().depends_on == std::vector<int>{0, 1});
  CHECK(StepAs<CopyStep>(plan.target(), 0).from.stage == 0);
}

}  // namespace mybuild::planner::testing
