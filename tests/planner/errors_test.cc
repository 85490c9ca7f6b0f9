// Errors carry the instruction's location (FILE:LINE:COL) and say what was expected.
#include "tests/planner/planner_test_util.h"

namespace mybuild::planner::testing {

TEST_CASE("errors are located at the instruction, in the named file") {
  auto parsed = frontend::ParseDockerfile("FROM scratch\n\n  COPY --foo=1 a b\n", "build/Dockerfile.dev");
  REQUIRE(parsed.ok());
  auto plan = Plan(*parsed, Inputs());
  REQUIRE_FALSE(plan.ok());
  REQUIRE(plan.status().location().has_value());
  CHECK(plan.status().location()->file == "build/Dockerfile.dev");
  CHECK(plan.status().location()->line == 3);
  CHECK(plan.status().location()->column == 3);
  CHECK(plan.status().code() == StatusCode::kInvalidArgument);
  CHECK(plan.status().ToString().rfind("build/Dockerfile.dev:3:3: unknown flag: --foo", 0) == 0);
}

TEST_CASE("flag errors per instruction") {
  CHECK(PlanError("FROM scratch\nENV --x=1 A=b\n") == "Dockerfile:2:1: unknown flag: --x");
  CHECK(PlanError("FROM scratch\nWORKDIR --x /a\n") == "Dockerfile:2:1: unknown flag: --x");
  CHECK(PlanError("FROM scratch\nCOPY --from=a --from=b x y\n") == "Dockerfile:2:1: duplicate flag specified: --from");
  CHECK(PlanError("FROM scratch\nCOPY --chown x y\n") == "Dockerfile:2:1: missing a value on flag: --chown");
  CHECK(PlanError("FROM scratch\nCOPY --link=perhaps x y\n") ==
        "Dockerfile:2:1: expecting boolean value for flag --link, not: perhaps");
}

TEST_CASE("argument count and form errors") {
  CHECK(PlanError("FROM scratch\nSHELL /bin/bash -c\n").rfind("Dockerfile:2:1: SHELL requires the arguments to be in JSON form", 0) == 0);
  CHECK(PlanError("FROM scratch AS a b\n").rfind("Dockerfile:1:1: FROM requires either one or three arguments", 0) == 0);
  CHECK(PlanError("FROM scratch\nUNKNOWN x\n").find("unknown instruction: UNKNOWN") != std::string::npos);
  CHECK(PlanError("FROM scratch\nONBUILD ONBUILD RUN x\n").find("Chaining ONBUILD") != std::string::npos);
  CHECK(PlanError("FROM scratch\nONBUILD FROM x\n").find("FROM isn't allowed as an ONBUILD trigger") != std::string::npos);
  CHECK(PlanError("FROM scratch\nENV A=${B:?unset}\n").rfind("Dockerfile:2:1: ", 0) == 0);
}

TEST_CASE("errors in ONBUILD triggers of a base image point at the FROM") {
  FakeResolver resolver;
  ImageConfig base;
  base.on_build = {"COPY onlyone"};
  resolver.images["img"] = base;
  std::string err = PlanError("FROM scratch\n\nFROM img\n", Inputs(&resolver));
  CHECK(err.rfind("Dockerfile:3:1: ONBUILD trigger \"COPY onlyone\": COPY requires at least two arguments", 0) == 0);
  resolver.images["img"].on_build = {"FROM x"};
  err = PlanError("FROM img\n", Inputs(&resolver));
  CHECK(err.find("isn't allowed as an ONBUILD trigger") != std::string::npos);
}

TEST_CASE("an error in a pruned stage does not fail the build") {
  PlanInputs inputs = Inputs();
  inputs.target = "good";
  BuildPlan plan = MustPlan("FROM scratch AS bad\nCOPY onlyone\nFROM scratch AS good\n", inputs);
  CHECK(plan.stages.size() == 1);
}

TEST_CASE("hand-built AST: the planner needs no parser") {
  frontend::Dockerfile df;
  df.filename = "Handmade";
  auto add = [&](std::string keyword, std::vector<std::string> args, int line,
                 frontend::CommandForm form = frontend::CommandForm::kNone,
                 std::vector<std::string> flags = {}) -> frontend::Instruction& {
    frontend::Instruction inst;
    inst.keyword = std::move(keyword);
    inst.args = std::move(args);
    inst.form = form;
    inst.flags = std::move(flags);
    inst.location = SourceLocation{"Handmade", line, 1, line};
    inst.original = inst.keyword;
    df.instructions.push_back(std::move(inst));
    return df.instructions.back();
  };
  add("arg", {"BASE=scratch"}, 1);
  add("from", {"${BASE}", "AS", "Builder"}, 2);
  add("env", {"GREETING", "\"hello there\"", "="}, 3);
  add("run", {"echo $GREETING"}, 4, frontend::CommandForm::kShell, {"--network=none"});
  add("from", {"scratch"}, 5);
  add("copy", {"/out", "/in/"}, 6, frontend::CommandForm::kShell, {"--from=builder"});
  add("cmd", {"/in/app", "--serve"}, 7, frontend::CommandForm::kJson);

  auto plan = Plan(df, Inputs());
  REQUIRE_MESSAGE(plan.ok(), plan.status().ToString());
  REQUIRE(plan->stages.size() == 2);
  const Stage& builder = plan->stages[0];
  CHECK(builder.name == "builder");
  CHECK(builder.base_kind == Stage::BaseKind::kScratch);
  const RunStep& run = StepAs<RunStep>(builder, 0);
  CHECK(EnvValue(run.env, "GREETING") == "hello there");
  CHECK(run.network == NetworkMode::kNone);
  const CopyStep& copy = StepAs<CopyStep>(plan->target(), 0);
  CHECK(copy.from.stage == 0);
  CHECK(plan->target().config.cmd == std::vector<std::string>{"/in/app", "--serve"});

  df.instructions[5].flags = {"--from=nowhere", "--bogus"};
  auto bad = Plan(df, Inputs());
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().ToString().rfind("Handmade:6:1: unknown flag: --bogus", 0) == 0);
}

}  // namespace mybuild::planner::testing
