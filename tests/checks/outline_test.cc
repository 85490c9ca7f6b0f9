// The comments above instructions, their descriptions, and the outline and targets built from them.
#include <doctest/doctest.h>

#include "src/checks/doc_comments.h"
#include "src/checks/outline.h"
#include "src/frontend/parser.h"

namespace mybuild::checks {
namespace {

frontend::Dockerfile Parse(const std::string& text) {
  StatusOr<frontend::Dockerfile> dockerfile = frontend::ParseDockerfile(text, "Dockerfile");
  REQUIRE_MESSAGE(dockerfile.ok(), dockerfile.status().ToString());
  return std::move(*dockerfile);
}

TEST_CASE("comments since the previous instruction, restarted by an empty '#', directives left out") {
  const std::string text =
      "# syntax=docker/dockerfile:1\n# first\n\n# VERSION the version\nARG VERSION=1\n"
      "# dropped\n#\n  # indented\nFROM alpine AS app\nRUN a \\\n# inside\n  b\nCMD x\n";
  const frontend::Dockerfile dockerfile = Parse(text);
  const std::vector<std::vector<std::string>> comments = PrecedingComments(dockerfile, text);
  REQUIRE(comments.size() == 4);
  CHECK(comments[0] == std::vector<std::string>{"first", "VERSION the version"});
  CHECK(comments[1] == std::vector<std::string>{"# indented"});  // the reference drops only the first byte
  CHECK(comments[2].empty());
  CHECK(comments[3].empty());  // a comment inside a continued line belongs to that instruction
  CHECK(DocComment(comments[0], "VERSION") == "the version");
  CHECK(DocComment(comments[0], "VERSIO").empty());
  CHECK(DocComment(comments[0], "").empty());
}

TEST_CASE("the outline lists the args the target reads and the targets list every stage") {
  const std::string text =
      "ARG BASE=alpine\nARG UNUSED=1\n# build makes it\nFROM ${BASE} AS build\n# MODE how\nARG MODE=fast\n"
      "RUN --mount=type=secret,id=tok true\nFROM scratch AS other\nARG OTHER\nFROM build\n";
  const frontend::Dockerfile dockerfile = Parse(text);
  StatusOr<Outline> outline = OutlineOf(dockerfile, text, "build", {{"MODE", "slow"}});
  REQUIRE_MESSAGE(outline.ok(), outline.status().ToString());
  CHECK(outline->name == "build");
  CHECK(outline->description == "makes it");
  REQUIRE(outline->args.size() == 2);
  CHECK(outline->args[0].name == "BASE");
  CHECK(outline->args[0].value == "alpine");
  CHECK(outline->args[1].name == "MODE");
  CHECK(outline->args[1].value == "slow");
  CHECK(outline->args[1].description == "how");
  REQUIRE(outline->secrets.size() == 1);
  CHECK(outline->secrets[0].name == "tok");
  CHECK(!outline->secrets[0].required);
  CHECK(outline->secrets[0].line == 7);
  CHECK(!OutlineOf(dockerfile, text, "nope", {}).ok());

  const std::vector<TargetInfo> targets = TargetsOf(dockerfile, text);
  REQUIRE(targets.size() == 3);
  CHECK(targets[0].name == "build");
  CHECK(targets[0].description == "makes it");
  CHECK(targets[0].base == "${BASE}");
  CHECK(!targets[0].is_default);
  CHECK(targets[2].name.empty());
  CHECK(targets[2].is_default);
}

}  // namespace
}  // namespace mybuild::checks
