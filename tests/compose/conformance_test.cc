// The file-model conformance table: every folder of testdata/compose/ is one case, a project with
//   case.json            optional: {"files": [...], "project_name": "...", "project_directory": "...",
//                        "env_files": [...], "profiles": [...], "env": {...}, "cwd": "sub/dir"}
//   expected.json        what `compose config --format json` prints (the case's directory as ${CASE_DIR}), or
//   expected_error.txt   the error it must fail with, exactly (file:line:column: key path: message)
// MYBUILD_UPDATE_GOLDEN=1 rewrites the expected files from the current output (review the diff).
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "src/compose/config_output.h"
#include "src/compose/project_loader.h"
#include "tests/test_support.h"

namespace mybuild::compose {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void Write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string TrimEnd(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

LoadOptions OptionsFor(const fs::path& dir) {
  LoadOptions options;
  options.cwd = dir;
  if (!fs::exists(dir / "case.json")) return options;
  const nlohmann::json spec = nlohmann::json::parse(Slurp(dir / "case.json"));
  if (spec.contains("cwd")) options.cwd = dir / spec["cwd"].get<std::string>();
  options.files = spec.value("files", std::vector<std::string>{});
  options.project_name = spec.value("project_name", std::string());
  options.project_directory = spec.value("project_directory", std::string());
  options.env_files = spec.value("env_files", std::vector<std::string>{});
  options.profiles = spec.value("profiles", std::vector<std::string>{});
  options.process_environment = spec.value("env", std::map<std::string, std::string>{});
  return options;
}

TEST_CASE("conformance: testdata/compose cases give their expected config or error") {
  const fs::path root = testing::TestdataDir() / "compose";
  REQUIRE(fs::is_directory(root));
  const bool update = std::getenv("MYBUILD_UPDATE_GOLDEN") != nullptr;
  std::vector<fs::path> cases;
  for (const fs::directory_entry& entry : fs::directory_iterator(root)) {
    if (entry.is_directory()) cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() >= 10);
  for (const fs::path& dir : cases) {
    CAPTURE(dir.filename().string());
    const std::string dir_text = fs::canonical(dir).string();
    LoadOptions options = OptionsFor(fs::canonical(dir));
    StatusOr<Project> project = LoadProject(options);
    const fs::path expected_error = dir / "expected_error.txt";
    const fs::path expected_json = dir / "expected.json";
    if (fs::exists(expected_error)) {
      const std::string actual = project.ok() ? std::string("(no error)") : ReplaceAll(project.status().ToString(), dir_text, "${CASE_DIR}");
      if (update) Write(expected_error, actual + "\n");
      CHECK(actual == TrimEnd(Slurp(expected_error)));
      continue;
    }
    CHECK_MESSAGE(project.ok(), project.status().ToString());
    if (!project.ok()) continue;
    const std::string actual = ReplaceAll(ModelToJson(project->model).dump(2), dir_text, "${CASE_DIR}");
    if (update) Write(expected_json, actual + "\n");
    CHECK_MESSAGE(fs::exists(expected_json), "no expected.json or expected_error.txt");
    CHECK(actual == TrimEnd(Slurp(expected_json)));
  }
}

}  // namespace
}  // namespace mybuild::compose
