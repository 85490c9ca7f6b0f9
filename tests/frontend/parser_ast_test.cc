// What the AST holds beyond the dump: forms, flags, locations, heredoc details, directives, escape
// characters, BOM and CRLF handling, ONBUILD nesting, and the JSON view.
#include <doctest/doctest.h>

#include <string>

#include "src/frontend/ast_json.h"
#include "src/frontend/dump.h"
#include "src/frontend/parser.h"

namespace mybuild::frontend {
namespace {

Dockerfile Parse(const std::string& text) {
  StatusOr<Dockerfile> parsed = ParseDockerfile(text, "Dockerfile");
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  return std::move(parsed).value();
}

TEST_CASE("ast: JSON and shell forms, flags, keywords as written") {
  const Dockerfile df = Parse(
      "FROM a\nRun [\"echo\", \"hi\"]\nCMD echo hi\nCMD []\nCOPY --chown=1:1 --from=\"b c\" -- x y\n"
      "COPY [\"a b\", \"c\"]\nENTRYPOINT ['x']\n");
  REQUIRE(df.instructions.size() == 7);
  CHECK(df.instructions[1].keyword == "run");
  CHECK(df.instructions[1].keyword_as_written == "Run");
  CHECK(df.instructions[1].form == CommandForm::kJson);
  CHECK(df.instructions[1].args == std::vector<std::string>{"echo", "hi"});
  CHECK(df.instructions[2].form == CommandForm::kShell);
  CHECK(df.instructions[2].args == std::vector<std::string>{"echo hi"});
  CHECK(df.instructions[3].form == CommandForm::kJson);
  CHECK(df.instructions[3].args.empty());
  CHECK(df.instructions[4].flags == std::vector<std::string>{"--chown=1:1", "--from=b c"});
  CHECK(df.instructions[4].args == std::vector<std::string>{"x", "y"});
  CHECK(df.instructions[5].form == CommandForm::kJson);
  CHECK(df.instructions[5].args == std::vector<std::string>{"a b", "c"});
  CHECK(df.instructions[6].form == CommandForm::kShell);  // single quotes are not JSON
  CHECK(df.instructions[6].args == std::vector<std::string>{"['x']"});
}

TEST_CASE("ast: locations, end lines, originals and file range") {
  const Dockerfile df = Parse("\n# c\nFROM a\n\n   RUN echo \\\n  # inside\n  one \\\n  two\nCMD x\n");
  REQUIRE(df.instructions.size() == 3);
  CHECK(df.instructions[0].location == SourceLocation{"Dockerfile", 3, 1, 3});
  CHECK(df.instructions[1].location == SourceLocation{"Dockerfile", 5, 4, 8});
  CHECK(df.instructions[1].original == "RUN echo   one   two");
  CHECK(df.instructions[2].location.line == 9);
  CHECK(df.start_line == 3);
  CHECK(df.end_line == 9);
  CHECK(df.warnings.empty());
}

TEST_CASE("ast: empty continuation lines give a warning at the instruction") {
  const Dockerfile df = Parse("FROM a\nRUN a \\\n\n  b\n");
  REQUIRE(df.warnings.size() == 1);
  CHECK(df.warnings[0].message == "Empty continuation line found in: RUN a   b");
  CHECK(df.warnings[0].location.line == 4);
  CHECK(df.instructions[1].args == std::vector<std::string>{"a   b"});
}

TEST_CASE("ast: heredoc details, several per line, under ONBUILD, quoted, chomped") {
  const Dockerfile df = Parse(
      "FROM a\nRUN <<A 3<<-'B' cat\nline a\nA\n\tline b\n\tB\nONBUILD RUN <<EOF\nx\nEOF\nCOPY <<\"F\" /f\n$v\nF\n"
      "RUN [\"<<EOF\"]\n");
  REQUIRE(df.instructions.size() == 5);
  const auto& run = df.instructions[1];
  REQUIRE(run.heredocs.size() == 2);
  CHECK(run.heredocs[0].name == "A");
  CHECK(run.heredocs[0].content == "line a\n");
  CHECK(run.heredocs[0].start_line == 3);
  CHECK(run.heredocs[0].end_line == 4);
  CHECK(run.heredocs[1].name == "B");
  CHECK(run.heredocs[1].content == "\tline b\n");
  CHECK(run.heredocs[1].chomp);
  CHECK_FALSE(run.heredocs[1].expand);
  CHECK(run.heredocs[1].file_descriptor == 3);
  CHECK(run.location.end_line == 6);
  CHECK(run.args == std::vector<std::string>{"<<A 3<<-'B' cat"});
  const auto& onbuild = df.instructions[2];
  REQUIRE(onbuild.onbuild);
  CHECK(onbuild.onbuild->keyword == "run");
  REQUIRE(onbuild.heredocs.size() == 1);
  CHECK(onbuild.heredocs[0].content == "x\n");
  CHECK(df.instructions[3].heredocs.at(0).expand == false);
  CHECK(df.instructions[3].heredocs.at(0).content == "$v\n");
  CHECK(df.instructions[4].heredocs.empty());
  CHECK(DumpDockerfile(df) ==
        "(from \"a\")\n(run \"<<A 3<<-'B' cat\")\n(onbuild (run \"<<EOF\"))\n(copy \"<<\\\"F\\\"\" \"/f\")\n"
        "(run \"<<EOF\")\n");
}

TEST_CASE("ast: heredoc markers on other instructions are ordinary text") {
  const Dockerfile df = Parse("FROM a\nUSER <<X\nX\n");
  REQUIRE(df.instructions.size() == 3);
  CHECK(df.instructions[1].heredocs.empty());
  CHECK(DumpDockerfile(df) == "(from \"a\")\n(user \"<<X\")\n(x \"\")\n");
}

TEST_CASE("ast: directives, backtick escape, BOM and CRLF") {
  const Dockerfile df =
      Parse("\xEF\xBB\xBF# syntax=docker/dockerfile:1\r\n# escape=`\r\nFROM a\r\nRUN echo \\ `\r\n  x\r\n");
  CHECK(df.escape == '`');
  REQUIRE(df.directives.size() == 2);
  CHECK(df.directives[0].name == "syntax");
  CHECK(df.directives[0].value == "docker/dockerfile:1");
  CHECK(df.directives[0].line == 1);
  CHECK(df.directives[1].name == "escape");
  CHECK(df.directives[1].line == 2);
  REQUIRE(df.instructions.size() == 2);
  CHECK(df.instructions[1].args == std::vector<std::string>{"echo \\   x"});
  CHECK(df.instructions[1].location.end_line == 5);
}

TEST_CASE("ast: a directive after a comment is a comment") {
  const Dockerfile df = Parse("# hello\n# escape=`\nFROM a\nRUN a `\n");
  CHECK(df.escape == '\\');
  CHECK(df.directives.empty());
  CHECK(df.instructions.at(1).args == std::vector<std::string>{"a `"});
}

TEST_CASE("ast: continuation rules of the escape character") {
  CHECK(DumpDockerfile(Parse("RUN a\\\\\nRUN b\n")) == "(run \"a\\\\\\\\\")\n(run \"b\")\n");  // escaped escape
  CHECK(DumpDockerfile(Parse("RUN a \\  \t\n b\n")) == "(run \"a  b\")\n");  // blanks after the escape
  CHECK(DumpDockerfile(Parse("\\\nRUN b\n")) == "(run \"b\")\n");              // a line of only the escape
  CHECK(DumpDockerfile(Parse("RUN a \\\n# c \\\n b\n")) == "(run \"a  b\")\n");  // a comment never continues
  CHECK(DumpDockerfile(Parse("RUN a \\")) == "(run \"a\")\n");                // continuation at EOF
  CHECK(DumpDockerfile(Parse("ENV a=b\\ c\n")) == "(env \"a\" \"b\\\\ c\" \"=\")\n");
}

TEST_CASE("ast: JSON view") {
  const Dockerfile df =
      Parse("# syntax=x\nFROM a\nRUN --mount=type=cache,target=/c <<EOF\nhi\nEOF\nONBUILD CMD [\"x\"]\n");
  const nlohmann::json json = DockerfileToJson(df);
  CHECK(json["escape"] == "\\");
  CHECK(json["directives"][0]["name"] == "syntax");
  CHECK(json["start_line"] == 2);
  CHECK(json["end_line"] == 6);
  const auto& run = json["instructions"][1];
  CHECK(run["keyword"] == "run");
  CHECK(run["flags"][0] == "--mount=type=cache,target=/c");
  CHECK(run["form"] == "shell");
  CHECK(run["heredocs"][0]["name"] == "EOF");
  CHECK(run["heredocs"][0]["content"] == "hi\n");
  CHECK(run["heredocs"][0]["fd"] == 0);
  CHECK(run["start_line"] == 3);
  CHECK(run["end_line"] == 5);
  CHECK(run["column"] == 1);
  CHECK(json["instructions"][2]["onbuild"]["form"] == "json");
  CHECK(json["instructions"][2]["onbuild"]["args"][0] == "x");
  CHECK(json["instructions"][0]["onbuild"].is_null());
}

}  // namespace
}  // namespace mybuild::frontend
