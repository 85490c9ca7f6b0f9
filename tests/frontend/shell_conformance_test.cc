// The reference builder's shell-lexer tests (BuildKit frontend/dockerfile/shell), run against
// ShellLexer. Data: conformance/buildkit-parser (see its FORMAT.md §2-4).
#include <doctest/doctest.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/frontend/shell_lexer.h"
#include "tests/test_support.h"

namespace mybuild::frontend {
namespace {

using nlohmann::json;

std::filesystem::path ShellDataDir() { return testing::ConformanceDir() / "buildkit-parser"; }

json LoadTable(const std::string& name) {
  std::ifstream in(ShellDataDir() / "tables" / name);
  REQUIRE_MESSAGE(in.good(), "cannot open table " << name);
  return json::parse(in);
}

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

EnvList EnvFromObject(const json& object) {
  EnvList env;
  for (const auto& [key, value] : object.items()) env.Set(key, value.get<std::string>());
  return env;
}

EnvList EnvFromArray(const json& array) { return EnvList::FromStrings(array.get<std::vector<std::string>>()); }

std::vector<std::string> Names(const std::set<std::string>& names) { return {names.begin(), names.end()}; }

std::vector<std::string> SortedStrings(const json& array) {
  auto out = array.get<std::vector<std::string>>();
  std::sort(out.begin(), out.end());
  return out;
}

void Report(const char* table, int passed, int total, int skipped = 0) {
  std::cout << table << ": " << passed << "/" << total << " rows passed";
  if (skipped > 0) std::cout << " (" << skipped << " rows for Windows not applicable)";
  std::cout << std::endl;
}

std::string_view Trim(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

// Go's strings.Split: n separators give n+1 fields, empty ones included.
std::vector<std::string> Split(std::string_view text, char separator) {
  std::vector<std::string> out;
  while (true) {
    const size_t at = text.find(separator);
    out.emplace_back(text.substr(0, at));
    if (at == std::string_view::npos) return out;
    text.remove_prefix(at + 1);
  }
}

const EnvList& EnvVarTestEnv() {
  static const EnvList env = {{"PWD", "/home"}, {"SHELL", "bash"}, {"KOREAN", "한국어"}, {"NULL", ""}};
  return env;
}

TEST_CASE("shell_envVarTest.json: every A and U row through ProcessWord") {
  MYBUILD_REQUIRE_CONFORMANCE();
  const json table = LoadTable("shell_envVarTest.json");
  const EnvList env = EnvFromObject(table["envs"]);
  const ShellLexer lexer('\\');
  int passed = 0, total = 0, windows = 0;
  for (const json& row : table["cases"]) {
    if (row["platform"] == "W") {
      ++windows;  // Windows-only: names are case-insensitive there
      continue;
    }
    ++total;
    const std::string input = row["input"];
    CAPTURE(input);
    CAPTURE(row["line"].get<int>());
    StatusOr<std::string> got = lexer.ProcessWord(input, env);
    if (row.value("expected_error", false)) {
      CHECK_FALSE(got.ok());
      if (!got.ok()) ++passed;
    } else {
      REQUIRE_MESSAGE(got.ok(), got.status().message());
      CHECK(*got == row["expected"].get<std::string>());
      if (*got == row["expected"].get<std::string>()) ++passed;
    }
  }
  Report("shell_envVarTest.json", passed, total, windows);
  CHECK(total == 228);
  CHECK(passed == total);
}

// The same cases read from the original text file with the Go test's line rules.
TEST_CASE("shell/envVarTest text file: every A and U line through ProcessWord") {
  MYBUILD_REQUIRE_CONFORMANCE();
  std::istringstream in(ReadText(ShellDataDir() / "frontend/dockerfile/shell/envVarTest"));
  const ShellLexer lexer('\\');
  int passed = 0, total = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '#') continue;
    const std::string_view trimmed = Trim(line);
    if (trimmed.empty()) continue;
    std::vector<std::string> fields = Split(trimmed, '|');
    REQUIRE_MESSAGE(fields.size() == 3, "bad line: " << line);
    const std::string platform(Trim(fields[0]));
    if (platform == "W") continue;
    ++total;
    const std::string input(Trim(fields[1]));
    const std::string expected(Trim(fields[2]));
    CAPTURE(input);
    StatusOr<std::string> got = lexer.ProcessWord(input, EnvVarTestEnv());
    if (expected == "error") {
      CHECK_FALSE(got.ok());
      if (!got.ok()) ++passed;
    } else {
      REQUIRE_MESSAGE(got.ok(), got.status().message());
      CHECK(*got == expected);
      if (*got == expected) ++passed;
    }
  }
  Report("shell/envVarTest", passed, total);
  CHECK(total == 228);
  CHECK(passed == total);
}

TEST_CASE("shell_wordsTest.json: every row through ProcessWords") {
  MYBUILD_REQUIRE_CONFORMANCE();
  const json table = LoadTable("shell_wordsTest.json");
  const ShellLexer lexer('\\');
  int passed = 0, total = 0;
  for (const json& row : table["cases"]) {
    ++total;
    const std::string input = row["input"];
    CAPTURE(input);
    StatusOr<std::vector<std::string>> got = lexer.ProcessWords(input, EnvFromArray(row["envs"]));
    if (row.value("expected_error", false)) {
      CHECK_FALSE(got.ok());
      if (!got.ok()) ++passed;
    } else {
      REQUIRE_MESSAGE(got.ok(), got.status().message());
      const auto expected = row["expected_words"].get<std::vector<std::string>>();
      CHECK(*got == expected);
      if (*got == expected) ++passed;
    }
  }
  Report("shell_wordsTest.json", passed, total);
  CHECK(total == 24);
  CHECK(passed == total);
}

TEST_CASE("shell/wordsTest text file: every line through ProcessWords") {
  MYBUILD_REQUIRE_CONFORMANCE();
  std::istringstream in(ReadText(ShellDataDir() / "frontend/dockerfile/shell/wordsTest"));
  const ShellLexer lexer('\\');
  std::vector<std::string> env_strings;
  int passed = 0, total = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '#') continue;
    if (line.rfind("ENV ", 0) == 0) {
      std::string_view value = std::string_view(line).substr(4);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      env_strings.emplace_back(value);
      continue;
    }
    const size_t bar = line.find('|');
    REQUIRE_MESSAGE((bar != std::string::npos && line.find('|', bar + 1) == std::string::npos),
                    "bad line: " << line);
    ++total;
    const std::string input(Trim(std::string_view(line).substr(0, bar)));
    std::string_view expected_text = std::string_view(line).substr(bar + 1);
    while (!expected_text.empty() && expected_text.front() == ' ') expected_text.remove_prefix(1);
    CAPTURE(input);
    StatusOr<std::vector<std::string>> got = lexer.ProcessWords(input, EnvList::FromStrings(env_strings));
    if (expected_text == "error") {
      CHECK_FALSE(got.ok());
      if (!got.ok()) ++passed;
      continue;
    }
    const std::vector<std::string> expected = Split(expected_text, ',');
    REQUIRE_MESSAGE(got.ok(), got.status().message());
    CHECK(*got == expected);
    if (*got == expected) ++passed;
  }
  Report("shell/wordsTest", passed, total);
  CHECK(total == 24);
  CHECK(passed == total);
}

TEST_CASE("shell_process_with_matches.json: result, matched and unmatched names") {
  MYBUILD_REQUIRE_CONFORMANCE();
  const json table = LoadTable("shell_process_with_matches.json");
  const ShellLexer lexer('\\');
  int passed = 0, total = 0;
  for (const json& row : table["cases"]) {
    ++total;
    const std::string input = row["input"];
    CAPTURE(input);
    StatusOr<ProcessResult> got = lexer.ProcessWordWithMatches(input, EnvFromObject(row["envs"]));
    if (row.value("expected_error", false)) {
      CHECK_FALSE(got.ok());
      if (!got.ok()) ++passed;
      continue;
    }
    REQUIRE_MESSAGE(got.ok(), got.status().message());
    const bool ok = got->result == row["expected"].get<std::string>() &&
                    Names(got->matched) == SortedStrings(row["matched"]) &&
                    Names(got->unmatched) == SortedStrings(row["unmatched"]);
    CHECK(got->result == row["expected"].get<std::string>());
    CHECK(Names(got->matched) == SortedStrings(row["matched"]));
    CHECK(Names(got->unmatched) == SortedStrings(row["unmatched"]));
    if (ok) ++passed;
  }
  Report("shell_process_with_matches.json", passed, total);
  CHECK(total == 47);
  CHECK(passed == total);
}

TEST_CASE("shell_mandatory_env.json: ${v?m} and ${v:?m} results and messages") {
  MYBUILD_REQUIRE_CONFORMANCE();
  const json table = LoadTable("shell_mandatory_env.json");
  REQUIRE(table["escape"] == "\\");
  const ShellLexer lexer('\\');
  int passed = 0, total = 0;
  for (const json& row : table["cases"]) {
    ++total;
    const std::string input = row["input"];
    CAPTURE(input);
    StatusOr<std::string> got = lexer.ProcessWord(input, EnvFromArray(row["envs"]));
    if (row.contains("error_contains")) {
      const std::string needle = row["error_contains"];
      REQUIRE_FALSE(got.ok());
      CHECK(got.status().message().find(needle) != std::string::npos);
      // The full message names the word and the variable, as the reference's does.
      CHECK(got.status().message() == "failed to process \"" + input + "\": VAR: " + needle);
      if (got.status().message().find(needle) != std::string::npos) ++passed;
    } else {
      REQUIRE_MESSAGE(got.ok(), got.status().message());
      CHECK(*got == row["expected"].get<std::string>());
      if (*got == row["expected"].get<std::string>()) ++passed;
    }
  }
  Report("shell_mandatory_env.json", passed, total);
  CHECK(total == 6);
  CHECK(passed == total);
}

TEST_CASE("shell_platform.json: the TARGET* download-name template") {
  MYBUILD_REQUIRE_CONFORMANCE();
  const json table = LoadTable("shell_platform.json");
  const ShellLexer lexer('\\');
  const std::string input = table["input"];
  int passed = 0, total = 0;
  for (const json& row : table["cases"]) {
    ++total;
    StatusOr<ProcessResult> got = lexer.ProcessWordWithMatches(input, EnvFromObject(row["envs"]));
    REQUIRE_MESSAGE(got.ok(), got.status().message());
    CHECK(got->result == row["expected"].get<std::string>());
    if (got->result == row["expected"].get<std::string>()) ++passed;
  }
  Report("shell_platform.json", passed, total);
  CHECK(total == 3);
  CHECK(passed == total);
}

// TestGetEnv checks the Go EnvsFromSlice helper; its public equivalent here is EnvList::FromStrings
// plus Get, and a lookup through ProcessWord.
TEST_CASE("shell_env_lookup.json: env list semantics") {
  MYBUILD_REQUIRE_CONFORMANCE();
  const json table = LoadTable("shell_env_lookup.json");
  const ShellLexer lexer('\\');
  int passed = 0, total = 0;
  for (const json& row : table["cases"]) {
    ++total;
    const EnvList env = EnvFromArray(row["envs"]);
    const std::string name = row["get"];
    const std::string expected = row["expected"];
    const std::string direct(env.Get(name).value_or(""));
    StatusOr<std::string> expanded = lexer.ProcessWord("${" + name + "}", env);
    REQUIRE(expanded.ok());
    CHECK(direct == expected);
    CHECK(*expanded == expected);
    if (direct == expected && *expanded == expected) ++passed;
  }
  Report("shell_env_lookup.json", passed, total);
  CHECK(total == 7);
  CHECK(passed == total);
}

}  // namespace
}  // namespace mybuild::frontend
