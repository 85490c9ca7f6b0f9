// The reference parser's golden cases: every testfiles/<case>/Dockerfile dumps byte for byte as `result`,
// every testfiles-negative case fails, testfile-line has the expected line ranges, and every real-world
// Dockerfile parses and validates.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "src/frontend/dump.h"
#include "src/frontend/parser.h"
#include "src/frontend/validate.h"
#include "tests/test_support.h"

namespace mybuild::frontend {
namespace {

namespace fs = std::filesystem;
using testing::ConformanceDir;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

fs::path ParserDir() { return ConformanceDir() / "buildkit-parser/frontend/dockerfile/parser"; }

TEST_CASE("parser: every testfiles case dumps as its golden result") {
  MYBUILD_REQUIRE_CONFORMANCE();
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(ParserDir() / "testfiles")) {
    const fs::path dir = entry.path();
    CAPTURE(dir.filename().string());
    StatusOr<Dockerfile> parsed = ParseDockerfile(ReadAll(dir / "Dockerfile"), "Dockerfile");
    REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
    CHECK(DumpDockerfile(*parsed) == ReadAll(dir / "result"));
    ++cases;
  }
  CHECK(cases == 33);
}

TEST_CASE("parser: every testfiles-negative case fails") {
  MYBUILD_REQUIRE_CONFORMANCE();
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(ParserDir() / "testfiles-negative")) {
    CAPTURE(entry.path().filename().string());
    StatusOr<Dockerfile> parsed = ParseDockerfile(ReadAll(entry.path() / "Dockerfile"), "Dockerfile");
    CHECK_FALSE(parsed.ok());
    ++cases;
  }
  CHECK(cases == 4);
}

TEST_CASE("parser: testfile-line has the reference line ranges") {
  MYBUILD_REQUIRE_CONFORMANCE();
  const nlohmann::json table =
      nlohmann::json::parse(ReadAll(ConformanceDir() / "buildkit-parser/tables/parser_misc.json"))["line_numbers"];
  StatusOr<Dockerfile> parsed = ParseDockerfile(ReadAll(ParserDir() / "testfile-line/Dockerfile"), "Dockerfile");
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  CHECK(parsed->start_line == table["root"]["start_line"].get<int>());
  CHECK(parsed->end_line == table["root"]["end_line"].get<int>());
  REQUIRE(parsed->instructions.size() == table["children"].size());
  for (size_t i = 0; i < parsed->instructions.size(); ++i) {
    CAPTURE(i);
    CHECK(parsed->instructions[i].location.line == table["children"][i][0].get<int>());
    CHECK(parsed->instructions[i].location.end_line == table["children"][i][1].get<int>());
  }
}

TEST_CASE("parser: every real-world Dockerfile parses and validates") {
  MYBUILD_REQUIRE_CONFORMANCE();
  // INDEX.tsv: repo, commit, path_in_repo, file (relative to realworld/), licence.
  std::istringstream index(ReadAll(ConformanceDir() / "realworld/INDEX.tsv"));
  std::string row;
  std::getline(index, row);  // header
  int files = 0;
  while (std::getline(index, row)) {
    if (row.empty()) continue;
    std::vector<std::string> fields;
    std::istringstream cells(row);
    for (std::string cell; std::getline(cells, cell, '\t');) fields.push_back(cell);
    REQUIRE(fields.size() >= 4);
    const fs::path path = ConformanceDir() / "realworld" / fields[3];
    CAPTURE(path.string());
    StatusOr<Dockerfile> parsed = ParseDockerfile(ReadAll(path), fields[3]);
    REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
    const Status valid = ValidateInstructions(*parsed);
    CHECK_MESSAGE(valid.ok(), valid.ToString());
    ++files;
  }
  CHECK(files == 206);
}

}  // namespace
}  // namespace mybuild::frontend
