// The reference parser's Go test tables (conformance/buildkit-parser/tables/parser_*.json), each row run
// through the closest public behaviour of our frontend:
//  - rows about whole files go through ParseDockerfile;
//  - parseWords / parseJSON / parseNameVal rows go through ParseWords / ParseJsonStringArray /
//    InstructionFromLine (an "ENV x" or "LABEL x" line), which are the functions ParseDockerfile uses;
//  - DirectiveParser / DetectSyntax / ParseDirective rows go through directives.h;
//  - ParseHeredoc / heredocsFromLine / ChompHeredocContent rows go through heredoc.h.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "src/frontend/directives.h"
#include "src/frontend/heredoc.h"
#include "src/frontend/line_parsers.h"
#include "src/frontend/parser.h"
#include "tests/test_support.h"

namespace mybuild::frontend {
namespace {

nlohmann::json Table(const std::string& name) {
  std::ifstream in(testing::ConformanceDir() / "buildkit-parser/tables" / name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing table " << name);
  std::ostringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

TEST_CASE("parser_heredoc_extract.json: heredocs of every instruction") {
  MYBUILD_REQUIRE_CONFORMANCE();
  const nlohmann::json table = Table("parser_heredoc_extract.json");
  StatusOr<Dockerfile> parsed = ParseDockerfile(table["dockerfile"].get<std::string>());
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  const nlohmann::json& expected = table["expected"];
  REQUIRE(parsed->instructions.size() == expected.size() + 1);
  for (size_t i = 0; i < expected.size(); ++i) {
    const Instruction& instruction = parsed->instructions[i + 1];
    CAPTURE(instruction.original);
    if (expected[i].is_null()) {
      CHECK(instruction.heredocs.empty());
      continue;
    }
    REQUIRE(instruction.heredocs.size() == expected[i].size());
    for (size_t j = 0; j < expected[i].size(); ++j) {
      const Heredoc& heredoc = instruction.heredocs[j];
      const nlohmann::json& want = expected[i][j];
      CHECK(heredoc.name == want["name"].get<std::string>());
      CHECK(heredoc.content == want["content"].get<std::string>());
      CHECK(heredoc.expand == want["expand"].get<bool>());
      CHECK(heredoc.chomp == want["chomp"].get<bool>());
      CHECK(heredoc.file_descriptor == want["file_descriptor"].get<int>());
    }
  }
}

TEST_CASE("parser_heredoc_json_form.json: JSON-form RUN never takes heredocs") {
  MYBUILD_REQUIRE_CONFORMANCE();
  const nlohmann::json table = Table("parser_heredoc_json_form.json");
  StatusOr<Dockerfile> parsed = ParseDockerfile(table["dockerfile"].get<std::string>());
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  REQUIRE(parsed->instructions.size() == 4);
  for (size_t i = 1; i < 4; ++i) {
    CHECK(parsed->instructions[i].heredocs.empty());
    CHECK(parsed->instructions[i].form == CommandForm::kJson);
  }
}

TEST_CASE("parser_heredoc_helpers.json: chomp, heredoc words, heredocs on a line") {
  MYBUILD_REQUIRE_CONFORMANCE();
  const nlohmann::json table = Table("parser_heredoc_helpers.json");
  CHECK(ChompHeredocContent(table["chomp"]["input"].get<std::string>()) ==
        table["chomp"]["expected"].get<std::string>());

  const nlohmann::json& words = table["parse_heredoc_word"];
  for (const auto& word : words["valid"]) {
    CAPTURE(word.get<std::string>());
    auto heredoc = ParseHeredocWord(word.get<std::string>());
    REQUIRE(heredoc.ok());
    REQUIRE(heredoc->has_value());
    CHECK((*heredoc)->name == "EOF");
  }
  for (const auto& word : words["invalid"]) {
    CAPTURE(word.get<std::string>());
    CHECK_FALSE(ParseHeredocWord(word.get<std::string>()).ok());
  }
  for (const auto& word : words["not_heredoc"]) {
    CAPTURE(word.get<std::string>());
    auto heredoc = ParseHeredocWord(word.get<std::string>());
    REQUIRE(heredoc.ok());
    CHECK_FALSE(heredoc->has_value());
  }

  // The Go test compares only the heredocs that were found with the expected names (a line such as
  // "RUN <<- EOF" is split into the words "<<-" and "EOF" by the shell lexer and yields none), so the
  // check here is the same: every name found equals the expected name at its position, and a null row
  // finds nothing.
  for (const auto& row : table["heredocs_from_line"]["cases"]) {
    const std::string line = row["line"].get<std::string>();
    CAPTURE(line);
    auto heredocs = HeredocsFromLine(line);
    REQUIRE(heredocs.ok());
    if (row["heredoc_names"].is_null()) {
      CHECK(heredocs->empty());
      continue;
    }
    REQUIRE(heredocs->size() <= row["heredoc_names"].size());
    for (size_t i = 0; i < heredocs->size(); ++i) {
      CHECK((*heredocs)[i].name == row["heredoc_names"][i].get<std::string>());
    }
  }
  // The same lines as instructions of a file: the bodies are cut out by the terminators found.
  StatusOr<Dockerfile> parsed = ParseDockerfile("FROM a\nRUN <<EOF <<EOF2\nx\nEOF\ny\nEOF2\nRUN 4<<EOF\nz\nEOF\n");
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  REQUIRE(parsed->instructions.size() == 3);
  REQUIRE(parsed->instructions[1].heredocs.size() == 2);
  CHECK(parsed->instructions[1].heredocs[1].content == "y\n");
  CHECK(parsed->instructions[2].heredocs.at(0).file_descriptor == 4);
}

TEST_CASE("parser_parse_words.json: the ENV/LABEL/ARG word splitter keeps quotes") {
  MYBUILD_REQUIRE_CONFORMANCE();
  const nlohmann::json table = Table("parser_parse_words.json");
  for (const auto& row : table["cases"]) {
    const std::string input = row["input"].get<std::string>();
    CAPTURE(input);
    CHECK(ParseWords(input, '\\') == row["expect"].get<std::vector<std::string>>());
    // The same words as ARG arguments of a whole file.
    StatusOr<Dockerfile> parsed = ParseDockerfile("ARG " + input + "\n");
    REQUIRE(parsed.ok());
    CHECK(parsed->instructions.at(0).args == row["expect"].get<std::vector<std::string>>());
  }
}

TEST_CASE("parser_json_arrays.json: JSON arrays of strings") {
  MYBUILD_REQUIRE_CONFORMANCE();
  const nlohmann::json table = Table("parser_json_arrays.json");
  for (const auto& row : table["valid"]) {
    const std::string input = row["input"].get<std::string>();
    CAPTURE(input);
    auto parsed = ParseJsonStringArray(input);
    REQUIRE(parsed.ok());
    REQUIRE(parsed->has_value());
    CHECK(**parsed == row["expected"].get<std::vector<std::string>>());
    StatusOr<Dockerfile> file = ParseDockerfile("CMD " + input + "\n");
    REQUIRE(file.ok());
    CHECK(file->instructions.at(0).form == CommandForm::kJson);
    CHECK(file->instructions.at(0).args == row["expected"].get<std::vector<std::string>>());
  }
  for (const auto& row : table["invalid_not_string_array"]) {
    const std::string input = row.get<std::string>();
    CAPTURE(input);
    auto parsed = ParseJsonStringArray(input);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().message() == kNotStringArrayMessage);
    StatusOr<Dockerfile> file = ParseDockerfile("FROM a\nRUN " + input + "\n", "Dockerfile");
    REQUIRE_FALSE(file.ok());
    CHECK(file.status().ToString() == std::string("Dockerfile:2:1: ") + kNotStringArrayMessage);
  }
}

TEST_CASE("parser_line_parsers.json: ENV and LABEL node chains") {
  MYBUILD_REQUIRE_CONFORMANCE();
  const nlohmann::json table = Table("parser_line_parsers.json");
  for (const auto& row : table["cases"]) {
    const std::string line = row["cmd"].get<std::string>() + " " + row["input"].get<std::string>();
    CAPTURE(line);
    StatusOr<Instruction> instruction = InstructionFromLine(line, '\\');
    if (row.contains("error")) {
      REQUIRE_FALSE(instruction.ok());
      CHECK(instruction.status().message() == row["error"].get<std::string>());
    } else {
      REQUIRE(instruction.ok());
      CHECK(instruction->args == row["values"].get<std::vector<std::string>>());
    }
  }
}

TEST_CASE("parser_directives.json: directive blocks, syntax detection, check") {
  MYBUILD_REQUIRE_CONFORMANCE();
  const nlohmann::json table = Table("parser_directives.json");
  for (const auto& row : table["parse_all"]["cases"]) {
    const std::string input = row["input"].get<std::string>();
    CAPTURE(input);
    // ParseAll keeps only known directives; ParseDockerfile records the same ones (the inputs hold no
    // instruction, so the file itself is rejected after the directives are read: check through a FROM).
    StatusOr<Dockerfile> parsed = ParseDockerfile(input + "FROM a\n");
    REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
    REQUIRE(parsed->directives.size() == row["expected"].size());
    for (size_t i = 0; i < row["expected"].size(); ++i) {
      CHECK(parsed->directives[i].name == row["expected"][i]["name"].get<std::string>());
      CHECK(parsed->directives[i].value == row["expected"][i]["value"].get<std::string>());
    }
  }
  const auto check_detected = [](const nlohmann::json& row, const std::optional<DetectedDirective>& found) {
    CHECK(found.has_value() == row["ok"].get<bool>());
    if (!found) return;
    if (row.contains("ref")) CHECK(found->ref == row["ref"].get<std::string>());
    if (row.contains("cmdline")) CHECK(found->cmdline == row["cmdline"].get<std::string>());
    if (row.contains("line")) CHECK(found->line == row["line"].get<int>());
  };
  for (const auto& row : table["detect_syntax"]["cases"]) {
    CAPTURE(row["input"].get<std::string>());
    check_detected(row, DetectSyntax(row["input"].get<std::string>()));
  }
  for (const auto& row : table["parse_directive_check"]["cases"]) {
    CAPTURE(row["input"].get<std::string>());
    check_detected(row, FindDirective("check", row["input"].get<std::string>()));
  }
}

TEST_CASE("parser_misc.json: empty continuation warnings") {
  MYBUILD_REQUIRE_CONFORMANCE();
  const nlohmann::json table = Table("parser_misc.json")["empty_continuation_warnings"];
  StatusOr<Dockerfile> parsed = ParseDockerfile(table["dockerfile"].get<std::string>());
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  REQUIRE(parsed->warnings.size() == table["warning_count"].get<size_t>());
  for (size_t i = 0; i < parsed->warnings.size(); ++i) {
    for (const auto& part : table["warnings_contain"][i]) {
      CHECK(parsed->warnings[i].message.find(part.get<std::string>()) != std::string::npos);
    }
    CHECK(parsed->warnings[i].detail.find(table["detail_contains"].get<std::string>()) != std::string::npos);
  }
}

TEST_CASE("parser_misc.json: a line longer than 64 KiB is an error") {
  MYBUILD_REQUIRE_CONFORMANCE();
  const nlohmann::json table = Table("parser_misc.json")["line_too_long"];
  std::string text = table["dockerfile_template"].get<std::string>();
  text.replace(text.find("%s"), 2, std::string(65536, 'a'));
  StatusOr<Dockerfile> parsed = ParseDockerfile(text, "Dockerfile");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().message() == table["expected_error"].get<std::string>());
  CHECK(parsed.status().ToString().rfind("Dockerfile:3:", 0) == 0);
  // One byte less fits.
  std::string fits = "FROM a\nLABEL x=" + std::string(65535 - 8, 'a') + "\n";
  CHECK(ParseDockerfile(fits).ok());
}

}  // namespace
}  // namespace mybuild::frontend
