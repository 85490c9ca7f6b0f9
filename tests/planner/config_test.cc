// Image config accumulation: CMD/ENTRYPOINT rules, SHELL, EXPOSE, VOLUME, WORKDIR, LABEL, HEALTHCHECK,
// and the history entries with their empty_layer flags.
#include "tests/planner/planner_test_util.h"

namespace mybuild::planner::testing {
namespace {

using Strings = std::vector<std::string>;

ImageConfig ConfigOf(const std::string& text, FakeResolver* resolver = nullptr) {
  return MustPlan(text, Inputs(resolver)).target().config;
}

}  // namespace

TEST_CASE("CMD and ENTRYPOINT: forms, SHELL wrapping and the reset rules") {
  CHECK(ConfigOf("FROM scratch\nCMD echo hi\n").cmd == Strings{"/bin/sh", "-c", "echo hi"});
  CHECK(ConfigOf("FROM scratch\nCMD [\"a\", \"b c\"]\n").cmd == Strings{"a", "b c"});
  CHECK(ConfigOf("FROM scratch\nCMD []\n").cmd == Strings{});
  CHECK_FALSE(ConfigOf("FROM scratch\n").cmd.has_value());
  CHECK(ConfigOf("FROM scratch\nSHELL [\"/bin/bash\", \"-eu\", \"-c\"]\nENTRYPOINT exec app\n").entrypoint ==
        Strings{"/bin/bash", "-eu", "-c", "exec app"});
  CHECK(ConfigOf("FROM scratch\nENTRYPOINT [\"app\"]\nENTRYPOINT []\n").entrypoint == std::nullopt);

  FakeResolver resolver;
  ImageConfig base;
  base.cmd = Strings{"base-cmd"};
  base.entrypoint = Strings{"base-ep"};
  resolver.images["img"] = base;
  // An ENTRYPOINT resets the CMD inherited from the base.
  ImageConfig c = ConfigOf("FROM img\nENTRYPOINT [\"ep\"]\n", &resolver);
  CHECK(c.entrypoint == Strings{"ep"});
  CHECK_FALSE(c.cmd.has_value());
  // A CMD earlier in the same stage survives a later ENTRYPOINT.
  c = ConfigOf("FROM img\nCMD [\"mine\"]\nENTRYPOINT [\"ep\"]\n", &resolver);
  CHECK(c.cmd == Strings{"mine"});
  // CMD alone keeps the inherited ENTRYPOINT.
  c = ConfigOf("FROM img\nCMD [\"mine\"]\n", &resolver);
  CHECK(c.entrypoint == Strings{"base-ep"});
  CHECK(c.cmd == Strings{"mine"});
  // Across stages: the child's ENTRYPOINT resets the CMD set in the parent stage.
  c = ConfigOf("FROM scratch AS a\nCMD [\"x\"]\nFROM a\nENTRYPOINT [\"y\"]\n");
  CHECK_FALSE(c.cmd.has_value());
  CHECK(c.args_escaped);  // set by the parent's CMD and carried over, as BuildKit clones the config
}

TEST_CASE("ArgsEscaped and WorkingDir as BuildKit writes them") {
  // dispatchCmd sets ArgsEscaped on every platform; ENTRYPOINT does not; a base's value is kept.
  CHECK(ConfigOf("FROM scratch\nCMD [\"a\"]\n").args_escaped);
  CHECK(ConfigOf("FROM scratch\nCMD a\n").args_escaped);
  CHECK_FALSE(ConfigOf("FROM scratch\nENTRYPOINT [\"a\"]\n").args_escaped);
  FakeResolver resolver;
  ImageConfig base;
  base.args_escaped = true;
  resolver.images["img"] = base;
  CHECK(ConfigOf("FROM img\nENV A=1\n", &resolver).args_escaped);
  // BuildKit's empty image has WorkingDir "/"; an image base without one keeps none.
  CHECK(ConfigOf("FROM scratch\n").working_dir == "/");
  CHECK(ConfigOf("FROM scratch\nWORKDIR app\n").working_dir == "/app");
  CHECK(ConfigOf("FROM img\n", &resolver).working_dir.empty());
}

TEST_CASE("EXPOSE normalises ports, protocols and ranges") {
  ImageConfig c = ConfigOf("FROM scratch\nEXPOSE 80 443/tcp 53/UDP\nEXPOSE 8000-8002/udp 80/tcp\n");
  CHECK(c.exposed_ports == std::set<std::string>{"443/tcp", "53/udp", "80/tcp", "8000/udp", "8001/udp", "8002/udp"});
  BuildPlan plan = MustPlan("FROM scratch\nEXPOSE 80 443/tcp 53/UDP\n");
  CHECK(HistoryOf(plan.target()) == Strings{"EXPOSE [443/tcp 53/udp 80/tcp]"});
  CHECK(PlanError("FROM scratch\nEXPOSE 80/icmp\n").rfind("Dockerfile:2:1: invalid port: \"80/icmp\": invalid proto", 0) == 0);
  CHECK(PlanError("FROM scratch\nEXPOSE http\n").rfind("Dockerfile:2:1: invalid containerPort: http", 0) == 0);
}

TEST_CASE("VOLUME, USER, STOPSIGNAL, MAINTAINER, LABEL and --label") {
  PlanInputs inputs = Inputs();
  inputs.labels = {{"org.cli", "yes"}, {"a", "from-cli"}};
  BuildPlan plan = MustPlan(
      "FROM scratch\nVOLUME /a /b\nVOLUME [\"/c\"]\nUSER 1000:1000\nSTOPSIGNAL SIGQUIT\nMAINTAINER Jane <j@x>\n"
      "LABEL a=1 \"b c\"=\"d e\"\n",
      inputs);
  const ImageConfig& c = plan.target().config;
  CHECK(c.volumes == std::set<std::string>{"/a", "/b", "/c"});
  CHECK(c.user == "1000:1000");
  CHECK(c.stop_signal == "SIGQUIT");
  CHECK(c.author == "Jane <j@x>");
  CHECK(c.labels == std::map<std::string, std::string>{{"a", "from-cli"}, {"b c", "d e"}, {"org.cli", "yes"}});
  CHECK(HistoryOf(plan.target()) == Strings{"VOLUME [/a /b]", "VOLUME [/c]", "USER 1000:1000", "STOPSIGNAL SIGQUIT",
                                           "MAINTAINER Jane <j@x>", "LABEL a=1 b c=d e"});
  CHECK(ConfigOf("FROM scratch\nSTOPSIGNAL 9\n").stop_signal == "9");
  CHECK(ConfigOf("FROM scratch\nSTOPSIGNAL rtmin+3\n").stop_signal == "rtmin+3");
  CHECK(PlanError("FROM scratch\nSTOPSIGNAL SIGBOGUS\n").rfind("Dockerfile:2:1: Invalid signal: SIGBOGUS", 0) == 0);
}

TEST_CASE("WORKDIR resolves against the previous one and creates the directory") {
  BuildPlan plan = MustPlan("FROM scratch\nWORKDIR /app\nWORKDIR src/../lib\nUSER me\nWORKDIR /\nWORKDIR rel\n");
  const Stage& s = plan.target();
  CHECK(s.config.working_dir == "/rel");
  REQUIRE(s.steps.size() == 3);  // "/" creates nothing
  CHECK(StepAs<WorkdirStep>(s, 0).path == "/app");
  CHECK(StepAs<WorkdirStep>(s, 1).path == "/app/lib");
  CHECK(StepAs<WorkdirStep>(s, 2).path == "/rel");
  CHECK(StepAs<WorkdirStep>(s, 2).user == "me");
  CHECK(HistoryOf(s) == Strings{"WORKDIR /app", "WORKDIR /app/lib", "USER me", "WORKDIR /", "WORKDIR /rel"});
  CHECK_FALSE(s.config.history[0].empty_layer);
  CHECK(s.config.history[3].empty_layer);
}

TEST_CASE("WORKDIR keeps an absolute path as written, like BuildKit's NormalizeWorkdir") {
  BuildPlan plan = MustPlan("FROM scratch\nWORKDIR /tmp/\n");
  CHECK(plan.target().config.working_dir == "/tmp/");
  CHECK(HistoryOf(plan.target()) == Strings{"WORKDIR /tmp/"});
  REQUIRE(plan.target().steps.size() == 1);
  CHECK(StepAs<WorkdirStep>(plan.target(), 0).path == "/tmp");  // the directory made is the clean path

  CHECK(ConfigOf("FROM scratch\nWORKDIR /a/../b//\n").working_dir == "/a/../b//");
  // A relative path is joined to the current one and cleaned, trailing slash and all.
  CHECK(ConfigOf("FROM scratch\nWORKDIR /tmp/\nWORKDIR sub/\n").working_dir == "/tmp/sub");
  CHECK(ConfigOf("FROM scratch\nWORKDIR /a/b/\nWORKDIR ../c\n").working_dir == "/a/c");
  CHECK(ConfigOf("FROM scratch\nWORKDIR /a/../b\nWORKDIR c/./d/..\n").working_dir == "/b/c");
  CHECK(ConfigOf("FROM scratch\nWORKDIR rel/\n").working_dir == "/rel");
  // Variables expand first; the result follows the same rules.
  CHECK(ConfigOf("FROM scratch\nENV D=/srv/\nWORKDIR $D\n").working_dir == "/srv/");
  CHECK(ConfigOf("FROM scratch\nENV D=/srv/\nWORKDIR $D\nWORKDIR ${D}x/../y/\n").working_dir == "/srv/x/../y/");
  // A variable expanding to nothing keeps the current workdir.
  CHECK(ConfigOf("FROM scratch\nWORKDIR /a/../b/\nENV E=\nWORKDIR $E\n").working_dir == "/a/../b/");
  CHECK(ConfigOf("FROM scratch\nWORKDIR $E\n").working_dir == "/");
  // Only exactly "/" makes no layer; "//" makes one (creating "/", which changes nothing), as BuildKit.
  BuildPlan root = MustPlan("FROM scratch\nWORKDIR /\n");
  CHECK(root.target().config.working_dir == "/");
  CHECK(root.target().steps.empty());
  BuildPlan twice = MustPlan("FROM scratch\nWORKDIR //\n");
  CHECK(twice.target().config.working_dir == "//");
  REQUIRE(twice.target().steps.size() == 1);
  CHECK(StepAs<WorkdirStep>(twice.target(), 0).path == "/");
}

TEST_CASE("HEALTHCHECK: NONE, shell and exec forms, Go durations, retries") {
  ImageConfig c = ConfigOf(
      "FROM scratch\nHEALTHCHECK --interval=30s --timeout=1m30s --start-period=1.5s --start-interval=500ms "
      "--retries=3 CMD curl -f http://localhost/\n");
  REQUIRE(c.healthcheck.has_value());
  CHECK(c.healthcheck->test == Strings{"CMD-SHELL", "curl -f http://localhost/"});
  CHECK(c.healthcheck->interval_ns == 30'000'000'000LL);
  CHECK(c.healthcheck->timeout_ns == 90'000'000'000LL);
  CHECK(c.healthcheck->start_period_ns == 1'500'000'000LL);
  CHECK(c.healthcheck->start_interval_ns == 500'000'000LL);
  CHECK(c.healthcheck->retries == 3);

  BuildPlan plan = MustPlan("FROM scratch\nHEALTHCHECK --interval=1m CMD [\"/bin/check\", \"-q\"]\nHEALTHCHECK NONE\n");
  CHECK(HistoryOf(plan.target()) ==
        Strings{"HEALTHCHECK {Test:[CMD /bin/check -q] Interval:1m0s Timeout:0s StartPeriod:0s StartInterval:0s Retries:0}",
                "HEALTHCHECK {Test:[NONE] Interval:0s Timeout:0s StartPeriod:0s StartInterval:0s Retries:0}"});
  CHECK(plan.target().config.healthcheck->test == Strings{"NONE"});

  CHECK(PlanError("FROM scratch\nHEALTHCHECK --interval=10 CMD x\n") ==
        "Dockerfile:2:1: time: missing unit in duration \"10\"");
  CHECK(PlanError("FROM scratch\nHEALTHCHECK --interval=10us CMD x\n").rfind(
            "Dockerfile:2:1: Interval \"interval\" cannot be less than 1ms", 0) == 0);
  CHECK(PlanError("FROM scratch\nHEALTHCHECK --retries=-1 CMD x\n") ==
        "Dockerfile:2:1: --retries cannot be negative (-1)");
  CHECK(PlanError("FROM scratch\nHEALTHCHECK --retries=x CMD x\n").rfind("Dockerfile:2:1: strconv.ParseInt", 0) == 0);
  CHECK(PlanError("FROM scratch\nHEALTHCHECK NONE x\n") == "Dockerfile:2:1: HEALTHCHECK NONE takes no arguments");
  CHECK(PlanError("FROM scratch\nHEALTHCHECK BOGUS x\n") ==
        "Dockerfile:2:1: Unknown type \"BOGUS\" in HEALTHCHECK (try CMD)");
  CHECK(PlanError("FROM scratch\nHEALTHCHECK --bogus=1 CMD x\n").rfind("Dockerfile:2:1: unknown flag: --bogus", 0) == 0);
}

TEST_CASE("history entries follow BuildKit's created_by and empty_layer") {
  BuildPlan plan = MustPlan(
      "FROM scratch\nENV A=b\nRUN echo hi\nCOPY foo /bar\nADD --chown=1:2 --chmod=755 a b /dst/\n"
      "COPY --parents --link x/ /y\nCMD [\"a\"]\nENTRYPOINT [\"e\", \"f\"]\nSHELL [\"/bin/bash\", \"-c\"]\n"
      "ARG X Y=2\nWORKDIR /x\nRUN [\"ls\", \"-l\"]\n");
  const Stage& s = plan.target();
  CHECK(HistoryOf(s) == Strings{"ENV A=b",
                                "RUN /bin/sh -c echo hi # buildkit",
                                "COPY foo /bar # buildkit",
                                "ADD --chown=1:2 --chmod=755 a b /dst/ # buildkit",
                                "COPY --parents x/ /y # buildkit",
                                "CMD [\"a\"]",
                                "ENTRYPOINT [\"e\" \"f\"]",
                                "SHELL [/bin/bash -c]",
                                "ARG X Y=2",
                                "WORKDIR /x",
                                "RUN |2 X= Y=2 ls -l # buildkit"});
  std::vector<bool> empty;
  for (const HistoryEntry& h : s.config.history) {
    empty.push_back(h.empty_layer);
    CHECK(h.comment == "buildkit.dockerfile.v0");
  }
  CHECK(empty == std::vector<bool>{true, false, false, false, false, true, true, true, true, false, false});
  // Each step points at its history entry.
  for (const Step& step : s.steps) {
    REQUIRE(step.history_index >= 0);
    CHECK_FALSE(s.config.history[step.history_index].empty_layer);
  }
  CHECK(s.steps[0].instruction == "RUN echo hi");
  CHECK(s.steps[0].location.line == 3);
}

}  // namespace mybuild::planner::testing
