// Robustness: generated hostile inputs from a fixed seed never crash, hang or throw; each gives either an
// AST or an error with a location, and the same input always gives the same answer.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "src/frontend/ast_json.h"
#include "src/frontend/dump.h"
#include "src/frontend/parser.h"
#include "src/frontend/validate.h"

namespace mybuild::frontend {
namespace {

// Building blocks that hit the lexer's corners: escapes, continuations, heredocs, JSON, comments.
const std::vector<std::string> kFragments = {
    "FROM ", "RUN ", "COPY ", "ADD ", "ONBUILD ", "ENV ", "LABEL ", "ARG ", "HEALTHCHECK ", "CMD ", "run ",
    "<<EOF", "<<-EOF", "<<'EOF'", "3<<X", "<<\"A B\"", "EOF", "X", "\tEOF", "\\", "`", "\\\\", " \\\n", "`\n",
    "\n", "\r\n", "\r", "# ", "#", "# escape=`\n", "# escape=\\\n", "# syntax=x\n", "[", "]", "[\"a\", \"b\"]",
    "[\"a\", 1]", "'", "\"", "--", "--flag=\"x y\"", " ", "\t", "\v\f", "=", "a=b", "${x}", "$", "{", "}",
    "\xEF\xBB\xBF", "\xff", "\xC3\xA9", std::string(1, '\0'), "\xE2\x80\xA8", "<<", "<", "-", "0", "\n\n",
};

std::string Generate(std::mt19937_64& rng) {
  std::string text;
  const size_t pieces = rng() % 40;
  for (size_t i = 0; i < pieces; ++i) {
    switch (rng() % 8) {
      case 0: text.push_back(static_cast<char>(rng() % 256)); break;  // any byte, NUL included
      case 1: text.append(rng() % 3, '\n'); break;
      default: text += kFragments[rng() % kFragments.size()];
    }
  }
  return text;
}

void Check(const std::string& text) {
  StatusOr<Dockerfile> first = ParseDockerfile(text, "fuzz");
  StatusOr<Dockerfile> second = ParseDockerfile(text, "fuzz");
  REQUIRE(first.ok() == second.ok());
  if (!first.ok()) {
    CHECK_FALSE(first.status().message().empty());
    CHECK(first.status().ToString() == second.status().ToString());
    CHECK(first.status().ToString().rfind("fuzz", 0) == 0);
    return;
  }
  CHECK(DumpDockerfile(*first) == DumpDockerfile(*second));
  CHECK_FALSE(first->instructions.empty());
  for (const Instruction& instruction : first->instructions) {
    CHECK(instruction.location.line >= 1);
    CHECK(instruction.location.end_line >= instruction.location.line);
  }
  ValidateInstructions(*first).IgnoreError();
  (void)DockerfileToJson(*first).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

TEST_CASE("parser fuzz: thousands of generated inputs from a fixed seed") {
  std::mt19937_64 rng(20240611);
  for (int i = 0; i < 4000; ++i) {
    const std::string text = Generate(rng);
    CAPTURE(i);
    Check(text);
  }
}

TEST_CASE("parser fuzz: edge inputs") {
  const std::vector<std::string> inputs = {
      "",
      "\n",
      "\\",
      "`",
      "# escape=`\n`",
      "FROM a\n\\",
      "FROM a\nRUN <<EOF",
      "FROM a\nRUN <<EOF\n",
      "FROM a\nRUN <<EOF <<EOF2\nEOF\n",
      "FROM a\nONBUILD RUN <<EOF\n",
      "FROM a\nCOPY <<A <<B <<C /\nA\nB\n",
      std::string("FROM a\0b\nRUN \0\n", 15),
      "FROM a\nRUN " + std::string(65535 - 4, 'x') + "\n",
      "FROM a\nRUN " + std::string(70000, 'x') + "\n",
      "FROM a\nRUN " + std::string(20000, '[') + "\n",
      "FROM a\nCMD " + std::string(20000, '[') + std::string(20000, ']') + "\n",
      "FROM a\nENV " + std::string(30000, '"') + "\n",
      "\xEF\xBB\xBF",
      "\r\n\r\n\r\n",
      "FROM a\r",
  };
  for (const std::string& text : inputs) {
    CAPTURE(text.substr(0, 40));
    Check(text);
  }
}

TEST_CASE("parser fuzz: very long continuations and many lines stay iterative") {
  std::string text = "FROM a\nRUN x";
  for (int i = 0; i < 50000; ++i) text += " \\\n y";
  text += "\n";
  StatusOr<Dockerfile> parsed = ParseDockerfile(text);
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  CHECK(parsed->instructions[1].location.end_line == 50002);

  std::string heredoc = "FROM a\nRUN <<EOF\n";
  for (int i = 0; i < 50000; ++i) heredoc += "line\n";
  StatusOr<Dockerfile> unterminated = ParseDockerfile(heredoc);
  CHECK_FALSE(unterminated.ok());
  heredoc += "EOF\n";
  StatusOr<Dockerfile> terminated = ParseDockerfile(heredoc);
  REQUIRE(terminated.ok());
  CHECK(terminated->instructions[1].heredocs.at(0).content.size() == 50000 * 5);
}

}  // namespace
}  // namespace mybuild::frontend

namespace mybuild::frontend {
namespace {

TEST_CASE("parser scale: a generated 1 MB file of 20,000 instructions") {
  std::string text = "# syntax=docker/dockerfile:1\nFROM alpine:3.19 AS base\n";
  int instructions = 1;
  for (int i = 0; instructions < 20000; ++i) {
    switch (i % 6) {
      case 0: text += "RUN apt-get update && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\n"; break;
      case 1: text += "ENV PATH=/usr/local/bin:$PATH LANG=C.UTF-8\n"; break;
      case 2: text += "COPY --chown=1000:1000 [\"src/f" + std::to_string(i) + "\", \"/app/\"]\n"; break;
      case 3: text += "# comment\nLABEL org.opencontainers.image.title=\"x y\"\n"; break;
      case 4: text += "RUN <<EOF\necho " + std::to_string(i) + "\nEOF\n"; break;
      case 5: text += "HEALTHCHECK --interval=5s CMD [\"true\"]\n"; break;
    }
    ++instructions;
  }
  StatusOr<Dockerfile> parsed = ParseDockerfile(text);
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  CHECK(parsed->instructions.size() == 20000);
  CHECK(text.size() > 900000);
  CHECK(ValidateInstructions(*parsed).ok());
  CHECK(parsed->instructions.back().location.end_line == parsed->end_line);
}

}  // namespace
}  // namespace mybuild::frontend
