// Typed steps: RUN (mounts, network, security, heredocs, env, user, workdir) and COPY/ADD.
#include "tests/planner/planner_test_util.h"

namespace mybuild::planner::testing {
namespace {

using Strings = std::vector<std::string>;

const RunStep& FirstRun(const BuildPlan& plan) { return StepAs<RunStep>(plan.target(), 0); }
const CopyStep& FirstCopy(const BuildPlan& plan) { return StepAs<CopyStep>(plan.target(), 0); }

}  // namespace

TEST_CASE("RUN: exec and shell forms, user, workdir, network, security") {
  BuildPlan plan = MustPlan("FROM scratch\nWORKDIR /w\nUSER u\nRUN --network=none --security=insecure [\"make\", \"all\"]\n");
  const RunStep& run = StepAs<RunStep>(plan.target(), 1);
  CHECK(run.args == Strings{"make", "all"});
  CHECK_FALSE(run.shell_form);
  CHECK(run.user == "u");
  CHECK(run.workdir == "/w");
  CHECK(run.network == NetworkMode::kNone);
  CHECK(run.security == SecurityMode::kInsecure);
  CHECK(FirstRun(MustPlan("FROM scratch\nRUN --network=host x\n")).network == NetworkMode::kHost);
  CHECK(FirstRun(MustPlan("FROM scratch\nRUN x\n")).workdir == "/");
  CHECK(FirstRun(MustPlan("FROM scratch\nSHELL [\"/bin/bash\", \"-c\"]\nRUN echo hi\n")).args ==
        Strings{"/bin/bash", "-c", "echo hi"});
  CHECK(PlanError("FROM scratch\nRUN --network=bridge x\n").rfind("Dockerfile:2:1: unsupported network mode \"bridge\"", 0) == 0);
  CHECK(PlanError("FROM scratch\nRUN --security=weird x\n").rfind("Dockerfile:2:1: unsupported security mode", 0) == 0);
  CHECK(PlanError("FROM scratch\nRUN --foo x\n").rfind("Dockerfile:2:1: unknown flag: --foo", 0) == 0);
}

TEST_CASE("RUN --mount: typed mounts with targets resolved against the workdir") {
  BuildPlan plan = MustPlan(
      "FROM scratch AS deps\nFROM scratch\nWORKDIR /src\nENV CACHE=/root/.cache\n"
      "RUN --mount=type=cache,target=$CACHE,sharing=private "
      "--mount=type=bind,from=deps,source=/out,target=vendor "
      "--mount=type=bind,target=ctx,rw "
      "--mount=type=tmpfs,target=/tmp "
      "--mount=type=secret,id=npm "
      "--mount=type=ssh "
      "--mount=type=ssh,id=work "
      "--mount=type=cache,target=/var/cache/apt,from=alpine:3 make\n");
  const RunStep& run = StepAs<RunStep>(plan.target(), 1);
  REQUIRE(run.mounts.size() == 8);
  CHECK(run.mounts[0].type == MountType::kCache);
  CHECK(run.mounts[0].target == "/root/.cache");
  CHECK(run.mounts[0].id == "/root/.cache");
  CHECK(run.mounts[0].sharing == CacheSharing::kPrivate);
  CHECK_FALSE(run.mounts[0].readonly);
  CHECK(run.mounts[1].from == SourceRef{SourceRef::Kind::kStage, 0, ""});
  CHECK(run.mounts[1].target == "/src/vendor");
  CHECK(run.mounts[1].source == "/out");
  CHECK(run.mounts[1].readonly);
  CHECK(run.mounts[2].from.kind == SourceRef::Kind::kContext);
  CHECK_FALSE(run.mounts[2].readonly);
  CHECK(run.mounts[3].type == MountType::kTmpfs);
  CHECK(run.mounts[4].target == "/run/secrets/npm");
  CHECK(run.mounts[5].target == "/run/buildkit/ssh_agent.0");
  CHECK(run.mounts[6].target == "/run/buildkit/ssh_agent.1");
  CHECK(run.mounts[6].id == "work");
  CHECK(run.mounts[7].from.kind == SourceRef::Kind::kImage);
  CHECK(run.mounts[7].from_given);
  CHECK(plan.target().depends_on == std::vector<int>{0});
  CHECK(plan.target().images_used == Strings{"alpine:3"});
  CHECK(PlanError("FROM scratch\nRUN --mount=type=bind,target=/ x\n") ==
        "Dockerfile:2:1: invalid mount target \"/\" (expected target=PATH other than /)");
  CHECK(PlanError("FROM scratch\nRUN --mount=type=bind x\n") ==
        "Dockerfile:2:1: invalid mount target \"/\" (expected target=PATH other than /)");
  BuildPlan no_target = MustPlan("FROM scratch AS a\nFROM scratch\nWORKDIR /src\nRUN --mount=from=a,src=/x,rw make\n");
  CHECK(StepAs<RunStep>(no_target.target(), 1).mounts.at(0).target == "/src");
  CHECK(PlanError("FROM scratch\nRUN --mount=type=cache,target=/x,size=1 x\n") ==
        "Dockerfile:2:1: unexpected key 'size' for mount type 'cache' (size is for tmpfs mounts)");
}

TEST_CASE("RUN --mount errors name the Dockerfile, the RUN's line and column, and what was expected") {
  CHECK(PlanError("FROM scratch\nENV A=1\n  RUN --mount=type=cache,target=/c,mode=9 x\n") ==
        "Dockerfile:3:3: invalid value 9 for mode (expected an octal mode such as 0755)");
  CHECK(PlanError("FROM scratch\nRUN --mount=type=bind,target=/x \\\n    --mount=type=cache,target=/c,color=red x\n")
            .rfind("Dockerfile:2:1: unexpected key 'color' in 'color=red' (expected one of type, from, source", 0) == 0);
  PlanInputs first = testing::Inputs();
  first.target = "first";
  CHECK(PlanError("FROM scratch AS first\nRUN --mount=from=later,target=/x x\nFROM scratch AS later\n", first) ==
        "Dockerfile:2:1: cannot mount from stage \"later\", it needs to be defined before current stage \"first\"");
  CHECK(PlanError("FROM scratch AS first\nRUN --mount=type=tmpfs,target=/t,size=lots x\n") ==
        "Dockerfile:2:1: invalid value for size: lots (expected a size such as 512k, 64m or 1g)");
}

TEST_CASE("RUN heredocs: body as the command, shebang scripts, heredocs inside a command") {
  BuildPlan plan = MustPlan("FROM scratch\nRUN <<EOF\necho one\necho two\nEOF\n");
  CHECK(FirstRun(plan).args == Strings{"/bin/sh", "-c", "echo one\necho two\n"});
  CHECK(HistoryOf(plan.target()) == Strings{"RUN /bin/sh -c echo one\necho two\n # buildkit"});

  plan = MustPlan("FROM scratch\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n");
  const RunStep& script = FirstRun(plan);
  REQUIRE(script.script.has_value());
  CHECK(script.script->name == "EOF");
  CHECK(script.script->content == "#!/usr/bin/env python3\nprint(1)\n");
  CHECK(script.args == Strings{"/bin/sh", "-c", "/dev/pipes/EOF"});

  plan = MustPlan("FROM scratch\nRUN cat <<A > /a && cat <<B > /b\nfirst\nA\nsecond\nB\n");
  CHECK(FirstRun(plan).args == Strings{"/bin/sh", "-c", "cat <<A > /a && cat <<B > /b\nfirst\nA\nsecond\nB"});
}

TEST_CASE("COPY: sources, destination resolution, flags") {
  BuildPlan plan = MustPlan(
      "FROM scratch\nWORKDIR /app\nCOPY --chown=1000:1000 --chmod=0640 --link --exclude=*.md --exclude=tmp "
      "a.txt b/ ./\n");
  const CopyStep& copy = StepAs<CopyStep>(plan.target(), 1);
  CHECK_FALSE(copy.is_add);
  CHECK(copy.from.kind == SourceRef::Kind::kContext);
  CHECK(copy.sources == Strings{"a.txt", "b/"});
  CHECK(copy.dest == "/app/");
  CHECK(copy.workdir == "/app");
  CHECK(copy.chown == "1000:1000");
  CHECK(copy.chmod == 0640u);
  CHECK(copy.link);
  CHECK(copy.excludes == Strings{"*.md", "tmp"});

  CHECK(FirstCopy(MustPlan("FROM scratch\nCOPY a rel\n")).dest == "/rel");
  CHECK(FirstCopy(MustPlan("FROM scratch\nCOPY a rel/\n")).dest == "/rel/");
  CHECK(FirstCopy(MustPlan("FROM scratch\nCOPY a .\n")).dest == "/");
  CHECK(StepAs<CopyStep>(MustPlan("FROM scratch\nWORKDIR /w\nCOPY a .\n").target(), 1).dest == "/w/");
  CHECK(FirstCopy(MustPlan("FROM scratch\nCOPY a /x/../y/\n")).dest == "/y/");
  CHECK(FirstCopy(MustPlan("FROM scratch\nCOPY [\"a b\", \"/c d/\"]\n")).sources == Strings{"a b"});
  CHECK(FirstCopy(MustPlan("FROM scratch\nCOPY --chmod=u+x,g-w a /b\n")).chmod_symbolic == "u+x,g-w");
  CHECK(FirstCopy(MustPlan("FROM scratch\nCOPY --parents a/b/c /d/\n")).parents);
}

TEST_CASE("COPY heredoc sources are expanded unless the delimiter is quoted") {
  BuildPlan plan = MustPlan("FROM scratch\nENV NAME=world\nCOPY <<EOF <<\"RAW\" /etc/\nhello $NAME\nEOF\nkeep $NAME\nRAW\n");
  const CopyStep& copy = StepAs<CopyStep>(plan.target(), 0);
  REQUIRE(copy.inline_sources.size() == 2);
  CHECK(copy.sources.empty());
  CHECK(copy.inline_sources[0].name == "EOF");
  CHECK(copy.inline_sources[0].content == "hello world\n");
  CHECK(copy.inline_sources[1].content == "keep $NAME\n");
  CHECK(HistoryOf(plan.target()).back() == "COPY <<EOF <<RAW /etc/ # buildkit");
}

TEST_CASE("COPY <<- heredoc sources lose the leading tabs of every line") {
  BuildPlan plan = MustPlan("FROM scratch\nENV T=x\nCOPY <<-EOF /f\n\t\tone $T\n\ttwo\n  three\n\tEOF\n");
  const CopyStep& copy = StepAs<CopyStep>(plan.target(), 0);
  REQUIRE(copy.inline_sources.size() == 1);
  CHECK(copy.inline_sources[0].content == "one x\ntwo\n  three\n");
}

TEST_CASE("ADD: URLs, checksum, keep-git-dir, unpack") {
  BuildPlan plan = MustPlan(
      "FROM scratch\nADD --checksum=sha256:abc --unpack=false https://example.com/x.tar.gz /x/\n"
      "ADD --keep-git-dir git@github.com:moby/buildkit.git /src\nADD a.tar /\n");
  const CopyStep& url = StepAs<CopyStep>(plan.target(), 0);
  CHECK(url.is_add);
  CHECK(url.checksum == "sha256:abc");
  CHECK(url.unpack == false);
  const CopyStep& git = StepAs<CopyStep>(plan.target(), 1);
  CHECK(git.keep_git_dir == true);
  CHECK_FALSE(StepAs<CopyStep>(plan.target(), 2).unpack.has_value());
  CHECK(PlanError("FROM scratch\nADD --checksum=sha256:abc a b /c/\n") ==
        "Dockerfile:2:1: checksum can't be specified for multiple sources");
  CHECK(PlanError("FROM scratch\nADD --checksum=sha256:abc local.tar /c/\n") ==
        "Dockerfile:2:1: checksum requires HTTP(S) or Git sources");
  CHECK(PlanError("FROM scratch\nCOPY --checksum=sha256:abc a /b\n").rfind("Dockerfile:2:1: unknown flag: --checksum", 0) == 0);
  CHECK(PlanError("FROM scratch\nADD --from=x a /b\n").rfind("Dockerfile:2:1: unknown flag: --from", 0) == 0);
}

TEST_CASE("COPY errors: one argument, bad --chmod, heredoc destination, variables in --from") {
  CHECK(PlanError("FROM scratch\nCOPY onlyone\n") ==
        "Dockerfile:2:1: COPY requires at least two arguments, but only one was provided. Destination could not "
        "be determined");
  CHECK(PlanError("FROM scratch\nADD onlyone\n").rfind("Dockerfile:2:1: ADD requires at least two arguments", 0) == 0);
  CHECK(PlanError("FROM scratch\nCOPY --chmod=888 a /b\n") ==
        "Dockerfile:2:1: invalid chmod parameter: '888'. it should be octal string and between 0 and 07777");
  CHECK(PlanError("FROM scratch\nCOPY --chmod=u+z a /b\n").rfind("Dockerfile:2:1: invalid chmod parameter: 'u+z'", 0) == 0);
  CHECK(PlanError("ARG S=x\nFROM scratch AS x\nFROM scratch\nCOPY --from=$S a /b\n")
            .rfind("Dockerfile:4:1: variable expansion is not supported for --from", 0) == 0);
}

}  // namespace mybuild::planner::testing

namespace mybuild::planner::testing {

TEST_CASE("proxy build args reach RUN without ARG and stay out of the history") {
  PlanInputs inputs = Inputs();
  inputs.build_args = {{"HTTP_PROXY", "http://proxy:3128"}, {"no_proxy", "localhost"}, {"OTHER", "x"}};
  BuildPlan plan = MustPlan("FROM scratch\nRUN apt-get update\n", inputs);
  const RunStep& run = StepAs<RunStep>(plan.target(), 0);
  CHECK(run.proxy_env == std::vector<std::string>{"HTTP_PROXY=http://proxy:3128", "no_proxy=localhost"});
  CHECK(EnvValue(run.env, "HTTP_PROXY") == "<unset>");
  CHECK(HistoryOf(plan.target()) == std::vector<std::string>{"RUN /bin/sh -c apt-get update # buildkit"});
  CHECK(plan.warnings == std::vector<std::string>{"One or more build-args [OTHER] were not consumed"});
}

TEST_CASE("an explicit --platform is what the target's config claims") {
  PlanInputs inputs = Inputs();
  inputs.target_platform = Platform{"linux", "arm64", ""};
  BuildPlan plan = MustPlan("FROM --platform=$BUILDPLATFORM scratch AS b\nFROM b\nRUN x\n", inputs);
  CHECK(plan.target().platform.architecture == "amd64");  // runs on the build platform
  CHECK(plan.target().config.architecture == "arm64");
  CHECK(plan.FindStage(0)->config.architecture == "amd64");
  BuildPlan upper = MustPlan("FROM scratch AS Base\nFROM BASE\n");
  CHECK(upper.target().base_kind == Stage::BaseKind::kStage);
}

}  // namespace mybuild::planner::testing
