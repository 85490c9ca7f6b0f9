// Each rule with a Dockerfile that fires it and one that does not.
#include <doctest/doctest.h>

#include "src/checks/run_checks.h"
#include "src/frontend/parser.h"

namespace mybuild::checks {
namespace {

std::vector<Finding> Run(const std::string& text, const std::string& only, const std::string& ignore = "") {
  StatusOr<frontend::Dockerfile> dockerfile = frontend::ParseDockerfile(text, "Dockerfile");
  REQUIRE_MESSAGE(dockerfile.ok(), dockerfile.status().ToString());
  StatusOr<frontend::DockerIgnore> matcher = frontend::DockerIgnore::Parse(ignore);
  REQUIRE(matcher.ok());
  CheckInput input{&*dockerfile, &*matcher};
  std::vector<Finding> out;
  FindRule(only)->run(input, out);
  return out;
}

struct Case {
  const char* rule;
  const char* fires;
  const char* quiet;
  const char* message;  // the first finding's message
  int line;
};

const Case kCases[] = {
    {"StageNameCasing", "FROM alpine AS Build\n", "FROM alpine AS build\n", "Stage name 'Build' should be lowercase", 1},
    {"FromAsCasing", "FROM alpine as build\n", "from alpine as build\n", "'as' and 'FROM' keywords' casing do not match", 1},
    {"NoEmptyContinuation", "FROM alpine\nRUN echo a \\\n\n  b\n", "FROM alpine\nRUN echo a \\\n  b\n", "Empty continuation line", 4},
    {"ConsistentInstructionCasing", "FROM alpine\nRUN true\nrun true\n", "FROM alpine\nRUN true\n",
     "Command 'run' should match the case of the command majority (uppercase)", 3},
    {"DuplicateStageName", "FROM alpine AS a\nFROM alpine AS a\n", "FROM alpine AS a\nFROM alpine AS b\n",
     "Duplicate stage name \"a\", stage names should be unique", 2},
    {"ReservedStageName", "FROM alpine AS scratch\n", "FROM alpine AS base\n",
     "Stage name should not use the same name as reserved stage \"scratch\"", 1},
    {"JSONArgsRecommended", "FROM alpine\nCMD echo hi\n", "FROM alpine\nCMD [\"echo\", \"hi\"]\nSHELL [\"/bin/sh\", \"-c\"]\nENTRYPOINT x\n",
     "JSON arguments recommended for CMD to prevent unintended behavior related to OS signals", 2},
    {"MaintainerDeprecated", "FROM alpine\nMAINTAINER me\n", "FROM alpine\nLABEL a=b\n",
     "Maintainer instruction is deprecated in favor of using label", 2},
    {"UndefinedArgInFrom", "ARG VERSION=1\nFROM alpine:${VERSIO}\n", "ARG VERSION=1\nFROM --platform=$BUILDPLATFORM alpine:${VERSION}\n",
     "FROM argument 'VERSIO' is not declared (did you mean VERSION?)", 2},
    {"WorkdirRelativePath", "FROM alpine\nWORKDIR app\n", "FROM alpine\nWORKDIR /app\nWORKDIR sub\n",
     "Relative workdir \"app\" can have unexpected results if the base image changes", 2},
    {"UndefinedVar", "FROM scratch\nARG VERSION=1\nLABEL v=$VERSON\n",
     "FROM scratch AS base\nARG VERSION=1\nENV HOME=/h\nFROM base\nLABEL v=$VERSION h=${HOME}\nFROM alpine\nCOPY $ANY /\n",
     "Usage of undefined variable '$VERSON' (did you mean $VERSION?)", 3},
    {"MultipleInstructionsDisallowed", "FROM alpine\nCMD [\"a\"]\nCMD [\"b\"]\n", "FROM alpine\nCMD [\"a\"]\nFROM alpine\nCMD [\"b\"]\n",
     "Multiple CMD instructions should not be used in the same stage because only the last one will be used", 2},
    {"LegacyKeyValueFormat", "FROM alpine\nENV A b\n", "FROM alpine\nENV A=b\nLABEL x=y\n",
     "\"ENV key=value\" should be used instead of legacy \"ENV key value\" format", 2},
    {"RedundantTargetPlatform", "FROM --platform=$TARGETPLATFORM alpine\n", "FROM --platform=$BUILDPLATFORM alpine\n",
     "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior", 1},
    {"SecretsUsedInArgOrEnv", "FROM alpine\nARG GITHUB_TOKEN\n", "FROM alpine\nARG PUBLIC_KEY\nENV TOKENIZER=1\n",
     "Do not use ARG or ENV instructions for sensitive data (ARG \"GITHUB_TOKEN\")", 2},
    {"InvalidDefaultArgInFrom", "ARG TAG\nFROM alpine:$TAG\n", "ARG TAG=3\nFROM alpine:$TAG\nFROM alpine:${TAG:-3}\n",
     "Default value for ARG alpine:$TAG results in empty or invalid base image name", 2},
    {"FromPlatformFlagConstDisallowed", "FROM --platform=linux/amd64 alpine AS build\n",
     "FROM --platform=linux/arm64 alpine AS build-arm64\nFROM --platform=$BUILDPLATFORM alpine\n",
     "FROM --platform flag should not use constant value \"linux/amd64\"", 1},
    {"ExposeProtoCasing", "FROM alpine\nEXPOSE 80/TCP\n", "FROM alpine\nEXPOSE 80/tcp 81\n",
     "Defined protocol '80/TCP' in EXPOSE instruction should be lowercase", 2},
    {"ExposeInvalidFormat", "FROM alpine\nEXPOSE 8080:80\n", "FROM alpine\nEXPOSE 80\n",
     "EXPOSE instruction should not define an IP address or host-port mapping, found '8080:80'", 2},
};

TEST_CASE("every rule fires on its positive case and not on its negative one") {
  for (const Case& c : kCases) {
    CAPTURE(c.rule);
    const std::vector<Finding> fired = Run(c.fires, c.rule);
    REQUIRE(fired.size() >= 1);
    CHECK(fired[0].rule == c.rule);
    CHECK(fired[0].message == c.message);
    CHECK(fired[0].location.line == c.line);
    CHECK(Run(c.quiet, c.rule).empty());
  }
}

TEST_CASE("CopyIgnoredFile names a source the .dockerignore excludes") {
  const std::vector<Finding> fired = Run("FROM alpine\nCOPY ./secret.txt app.py /app/\n", "CopyIgnoredFile", "secret.txt\n");
  REQUIRE(fired.size() == 1);
  CHECK(fired[0].message == "Attempting to Copy file \"./secret.txt\" that is excluded by .dockerignore");
  CHECK(Run("FROM alpine\nCOPY app.py /app/\nCOPY --from=b secret.txt /\n", "CopyIgnoredFile", "secret.txt\n").empty());
}

TEST_CASE("the registry has every rule once, by its name") {
  CHECK(AllRules().size() == 21 + 8);  // the reference's 21 and our 8
  for (const Rule& rule : AllRules()) CHECK(FindRule(rule.name) == &rule);
  CHECK(FindRule("NoSuchRule") == nullptr);
}

TEST_CASE("config skips rules, skips all, and turns findings into errors") {
  StatusOr<CheckConfig> config = ParseCheckConfig(" skip=JSONArgsRecommended, MaintainerDeprecated ; error=true");
  REQUIRE(config.ok());
  CHECK(config->error);
  CHECK(config->skip == std::set<std::string>{"JSONArgsRecommended", "MaintainerDeprecated"});
  CHECK(ParseCheckConfig("skip=all")->skip_all);
  CHECK(!ParseCheckConfig("error=maybe").ok());
  CHECK(!ParseCheckConfig("bogus=1").ok());

  StatusOr<frontend::Dockerfile> dockerfile =
      frontend::ParseDockerfile("# check=skip=JSONArgsRecommended\nFROM alpine:3.20\nCMD x\nMAINTAINER me\n", "Dockerfile");
  REQUIRE(dockerfile.ok());
  StatusOr<CheckConfig> from_directive = ConfigFor(*dockerfile, {});
  REQUIRE(from_directive.ok());
  CheckInput input{&*dockerfile, nullptr};
  std::vector<Finding> found = RunChecks(input, *from_directive);
  REQUIRE(found.size() == 1);
  CHECK(found[0].rule == "MaintainerDeprecated");
  // The build arg wins over the directive.
  StatusOr<CheckConfig> from_arg = ConfigFor(*dockerfile, {{"BUILDKIT_DOCKERFILE_CHECK", "skip=all"}});
  REQUIRE(from_arg.ok());
  CHECK(RunChecks(input, *from_arg).empty());
}

// The store of the test: reference → platform.
class FakePlatforms : public BaseImagePlatforms {
 public:
  explicit FakePlatforms(std::map<std::string, std::string> platforms) : platforms_(std::move(platforms)) {}
  std::optional<std::string> PlatformOf(const std::string& reference) const override {
    auto found = platforms_.find(reference);
    if (found == platforms_.end()) return std::nullopt;
    return found->second;
  }

 private:
  std::map<std::string, std::string> platforms_;
};

std::vector<Finding> RunPlatformRule(const std::string& text, const FakePlatforms& images, const std::string& target) {
  StatusOr<frontend::Dockerfile> dockerfile = frontend::ParseDockerfile(text, "Dockerfile");
  REQUIRE(dockerfile.ok());
  CheckInput input{&*dockerfile, nullptr, nullptr, &images, target};
  std::vector<Finding> out;
  CheckInvalidBaseImagePlatform(input, out);
  return out;
}

TEST_CASE("InvalidBaseImagePlatform compares the stored image's platform with the stage's") {
  const FakePlatforms images({{"alpine:3.20", "linux/arm64/v8"}, {"debian:12", "linux/amd64"}});
  const std::vector<Finding> fired = RunPlatformRule("ARG V=3.20\nFROM alpine:${V}\n", images, "linux/amd64");
  REQUIRE(fired.size() == 1);
  CHECK(fired[0].rule == "InvalidBaseImagePlatform");
  CHECK(fired[0].message == "Base image alpine:3.20 was pulled with platform \"linux/arm64\", expected \"linux/amd64\" for current build");
  CHECK(fired[0].location.line == 2);
  // The stage's own --platform is what it expects; an image not in the store, scratch and stages are not compared.
  CHECK(RunPlatformRule("FROM --platform=linux/arm64 alpine:3.20\n", images, "linux/amd64").empty());
  CHECK(RunPlatformRule("FROM alpine:3.20\n", images, "linux/arm64").empty());
  CHECK(RunPlatformRule("FROM other:1 AS a\nFROM a\nFROM scratch\nFROM debian:12\n", images, "linux/amd64").empty());
  CHECK(RunPlatformRule("FROM debian:12\n", images, "linux/arm/v7").size() == 1);
}

TEST_CASE("a finding prints its location, rule, source line, caret and hint") {
  Finding finding{"JSONArgsRecommended", "msg", SourceLocation{"Dockerfile", 2, 3, 0}};
  CHECK(FormatFinding(finding, "FROM a\n  CMD x\n") ==
        "Dockerfile:2:3: JSONArgsRecommended: msg\n    CMD x\n    ^\n  hint: use the JSON form, e.g. CMD [\"prog\", \"arg\"], so the program gets signals\n");
  CHECK(SummaryLine(2) == "2 warnings found");
  CHECK(SummaryLine(1) == "1 warning found");
}

}  // namespace
}  // namespace mybuild::checks
