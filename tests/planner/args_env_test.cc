// ARG and ENV: scoping, precedence, expansion, RUN environment, unused build args.
#include "tests/planner/planner_test_util.h"

namespace mybuild::planner::testing {
namespace {

// The environment of the first RUN of the target stage.
std::vector<std::string> RunEnv(const std::string& text, const std::map<std::string, std::string>& build_args = {}) {
  PlanInputs inputs = Inputs();
  inputs.build_args = build_args;
  BuildPlan plan = MustPlan(text, inputs);
  for (const Step& step : plan.target().steps) {
    if (const auto* run = std::get_if<RunStep>(&step.op)) return run->env;
  }
  FAIL("no RUN in the target");
  return {};
}

}  // namespace

TEST_CASE("ARG/ENV scoping table") {
  struct Case {
    const char* dockerfile;
    std::map<std::string, std::string> build_args;
    const char* expected;  // value of A in the RUN environment
  };
  const Case cases[] = {
      {"FROM scratch\nARG A\nRUN x\n", {}, "<unset>"},
      {"FROM scratch\nARG A=def\nRUN x\n", {}, "def"},
      {"FROM scratch\nARG A=def\nRUN x\n", {{"A", "cli"}}, "cli"},
      {"FROM scratch\nARG A\nRUN x\n", {{"A", "cli"}}, "cli"},
      {"FROM scratch\nRUN x\n", {{"A", "cli"}}, "<unset>"},                  // not declared: no effect
      {"FROM scratch\nRUN x\nARG A\n", {{"A", "cli"}}, "<unset>"},          // declared too late
      {"FROM scratch\nARG A=arg\nENV A=env\nRUN x\n", {{"A", "cli"}}, "env"},  // ENV after ARG wins
      {"FROM scratch\nARG A=arg\nENV A=${A}-env\nRUN x\n", {}, "arg-env"},
      {"FROM scratch\nENV B=x\nARG A=${B}y\nRUN x\n", {}, "xy"},             // ARG defaults expand
      {"ARG A=global\nFROM scratch\nRUN x\n", {}, "<unset>"},                // globals need ARG in stage
      {"ARG A=global\nFROM scratch\nARG A\nRUN x\n", {}, "global"},
      {"ARG A=global\nFROM scratch\nARG A\nRUN x\n", {{"A", "cli"}}, "cli"},
      {"ARG A=global\nFROM scratch\nARG A=local\nRUN x\n", {}, "local"},
      {"ARG A\nFROM scratch\nARG A\nRUN x\n", {}, "<unset>"},
      {"FROM scratch\nARG A=\"two words\"\nRUN x\n", {}, "two words"},
      {"FROM scratch\nARG A=1\nARG A=2\nRUN x\n", {}, "2"},
      {"FROM scratch AS base\nARG A=inherited\nFROM base\nRUN x\n", {}, "inherited"},
      {"FROM scratch AS base\nARG A=inherited\nFROM scratch\nRUN x\n", {}, "<unset>"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.dockerfile);
    CHECK(EnvValue(RunEnv(c.dockerfile, c.build_args), "A") == c.expected);
  }
}

TEST_CASE("ARG values reach RUN but never the image config") {
  PlanInputs inputs = Inputs();
  inputs.build_args["TOKEN"] = "secret";
  BuildPlan plan = MustPlan("FROM scratch\nARG TOKEN\nARG MODE=fast\nENV KEEP=1\nRUN build\n", inputs);
  const Stage& s = plan.target();
  CHECK(EnvValue(s.config.env, "TOKEN") == "<unset>");
  CHECK(EnvValue(s.config.env, "MODE") == "<unset>");
  CHECK(EnvValue(s.config.env, "KEEP") == "1");
  const RunStep& run = StepAs<RunStep>(s, 0);
  CHECK(EnvValue(run.env, "TOKEN") == "secret");
  CHECK(EnvValue(run.env, "MODE") == "fast");
  CHECK(HistoryOf(s) == std::vector<std::string>{"ARG TOKEN=secret", "ARG MODE=fast", "ENV KEEP=1",
                                                 "RUN |2 TOKEN=secret MODE=fast /bin/sh -c build # buildkit"});
}

TEST_CASE("ENV: all words see the variables from before the instruction; replace by name in place") {
  BuildPlan plan = MustPlan("FROM scratch\nENV A=1\nENV A=2 B=$A\nENV PATH=/x:$PATH C=\"a b\"\nENV old form value\n");
  const ImageConfig& c = plan.target().config;
  CHECK(c.env == std::vector<std::string>{"PATH=/x:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                          "A=2", "B=1", "C=a b", "old=form value"});
  CHECK(HistoryOf(plan.target()) ==
        std::vector<std::string>{"ENV A=1", "ENV A=2 B=1",
                                 "ENV PATH=/x:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin C=a b",
                                 "ENV old=form value"});
}

TEST_CASE("an ARG after an ENV of the same name sets the RUN value, not the config (BuildKit order)") {
  BuildPlan plan = MustPlan("FROM scratch\nENV A=env\nARG A=arg\nRUN x\nENV B=$A\n");
  CHECK(EnvValue(StepAs<RunStep>(plan.target(), 0).env, "A") == "arg");
  CHECK(EnvValue(plan.target().config.env, "A") == "env");
  CHECK(EnvValue(plan.target().config.env, "B") == "arg");
}

TEST_CASE("which instructions expand variables") {
  BuildPlan plan = MustPlan(
      "FROM scratch\nENV D=/data U=app P=8080 S=SIGTERM N=x\n"
      "WORKDIR $D\nUSER ${U}:${U}\nEXPOSE $P\nVOLUME $D/vol\nSTOPSIGNAL $S\nLABEL k=$N $N=v\n"
      "COPY --chown=$U --chmod=644 $N.txt ${D}/\n"
      "CMD echo $N\nENTRYPOINT [\"$N\"]\nMAINTAINER $N\nHEALTHCHECK CMD echo $N\nSHELL [\"$N\"]\n");
  const ImageConfig& c = plan.target().config;
  CHECK(c.working_dir == "/data");
  CHECK(c.user == "app:app");
  CHECK(c.exposed_ports == std::set<std::string>{"8080/tcp"});
  CHECK(c.volumes == std::set<std::string>{"/data/vol"});
  CHECK(c.stop_signal == "SIGTERM");
  CHECK(c.labels == std::map<std::string, std::string>{{"k", "x"}, {"x", "v"}});
  const CopyStep& copy = StepAs<CopyStep>(plan.target(), 1);
  CHECK(copy.chown == "app");
  CHECK(copy.sources == std::vector<std::string>{"x.txt"});
  CHECK(copy.dest == "/data/");
  // Not expanded: CMD, ENTRYPOINT, MAINTAINER, HEALTHCHECK, SHELL.
  CHECK(c.entrypoint == std::vector<std::string>{"$N"});
  CHECK(c.author == "$N");
  CHECK(c.healthcheck->test == std::vector<std::string>{"CMD-SHELL", "echo $N"});
  CHECK(c.shell == std::vector<std::string>{"$N"});
}

TEST_CASE("RUN is not expanded by the planner; the shell sees the variables") {
  BuildPlan plan = MustPlan("FROM scratch\nENV A=1\nRUN echo $A \"$A\"\n");
  CHECK(StepAs<RunStep>(plan.target(), 0).args == std::vector<std::string>{"/bin/sh", "-c", "echo $A \"$A\""});
}

TEST_CASE("unused --build-arg names are a warning; builtins and declared names are not") {
  PlanInputs inputs = Inputs();
  inputs.build_args = {{"USED", "1"}, {"GLOBAL", "1"}, {"ZED", "1"}, {"ALPHA", "1"}, {"HTTP_PROXY", "p"},
                       {"BUILDKIT_INLINE_CACHE", "1"}, {"ONLY_IN_PRUNED", "1"}};
  BuildPlan plan = MustPlan("ARG GLOBAL\nFROM scratch AS pruned\nARG ONLY_IN_PRUNED\nFROM scratch\nARG USED\n",
                            inputs);
  CHECK(plan.warnings == std::vector<std::string>{"One or more build-args [ALPHA ONLY_IN_PRUNED ZED] were not consumed"});
  inputs.build_args = {{"USED", "1"}};
  CHECK(MustPlan("FROM scratch\nARG USED\n", inputs).warnings.empty());
}

TEST_CASE("the escape directive applies to word expansion") {
  BuildPlan plan = MustPlan("# escape=`\nFROM scratch\nENV A=x B=`$A\nWORKDIR C:\\dir\n");
  CHECK(EnvValue(plan.target().config.env, "B") == "$A");
}

}  // namespace mybuild::planner::testing
