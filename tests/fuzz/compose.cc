// Fuzz target "compose": any bytes as a compose project, loaded as `mybuild compose config` loads it
// (project_loader.h: interpolation, include, extends, merge, schema, canonical form, profiles, checks).
//
// Input: up to kFileNames.size() NUL-separated pieces, the files of one project directory in this order:
// compose.yaml, common.yaml (for `extends: {file: common.yaml}` and `include: [common.yaml]`), .env and
// compose.override.yaml. An empty piece leaves its file out. The files are written to a temporary
// project directory (named "project", so that the default project name does not vary) that the process
// reuses; the environment is fixed.
//
// Checks: loading returns a project or an error with a message, never crashes or throws; a project
// prints as `compose config` prints it (JSON and YAML) and plans its builds without throwing.
#include <array>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

#include "src/base/temp_dir.h"
#include "src/compose/build_plan.h"
#include "src/compose/config_output.h"
#include "src/compose/project_loader.h"
#include "tests/fuzz/fuzz_check.h"

namespace mybuild::fuzz {
namespace {

namespace fs = std::filesystem;

constexpr std::array<const char*, 4> kFileNames = {"compose.yaml", "common.yaml", ".env", "compose.override.yaml"};

TempDir CreateTempDir() {
  StatusOr<TempDir> created = TempDir::Create({}, "mybuild-fuzz-compose-");
  FUZZ_CHECK(created.ok(), created.status().ToString());
  return std::move(*created);
}

// The project directory, created on first use and removed at exit (not after a failed check).
const fs::path& ProjectDir() {
  static const TempDir dir = CreateTempDir();
  static const fs::path project = [] {
    fs::create_directories(dir.path() / "project");
    return dir.path() / "project";
  }();
  return project;
}

// Writes the pieces of `input` as the project's files; a file whose piece is empty or missing is removed.
void WriteProject(const fs::path& project, std::string_view input) {
  for (const char* name : kFileNames) {
    const size_t nul = input.find('\0');
    const std::string_view piece = input.substr(0, nul);
    input = nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
    std::error_code ignored;
    fs::remove(project / name, ignored);
    if (piece.empty()) continue;
    // A plain write: WriteFileAtomically's fsyncs made the target run at about 10 inputs per second.
    std::ofstream out(project / name, std::ios::binary | std::ios::trunc);
    out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
    FUZZ_CHECK(out.good(), "cannot write " + (project / name).string());
  }
}

void LoadAndPrint(const fs::path& project_dir) {
  compose::LoadOptions options;
  options.cwd = project_dir;
  options.process_environment = {{"HOME", "/root"}, {"A", "a"}, {"EMPTY", ""}, {"TAG", "1.0"}};
  StatusOr<compose::Project> project = compose::LoadProject(options);
  if (!project.ok()) {
    FUZZ_CHECK(!project.status().message().empty(), "an error without a message");
    return;
  }
  FUZZ_CHECK(!project->name.empty(), "a project without a name");
  FUZZ_CHECK(!compose::ModelToJsonText(project->model).empty());
  compose::ModelToYaml(project->model);
  StatusOr<std::vector<compose::ServiceBuild>> builds = compose::PlanServiceBuilds(*project, {}, {}, "linux/amd64");
  if (builds.ok()) {
    compose::BuildPlanToJson(*builds).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);  // as compose build --print
  } else {
    FUZZ_CHECK(!builds.status().message().empty(), "a build plan error without a message");
  }
}

}  // namespace
}  // namespace mybuild::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mybuild;
  const std::filesystem::path& project = fuzz::ProjectDir();
  fuzz::WriteProject(project, fuzz::AsText(data, size));
  try {
    fuzz::LoadAndPrint(project);
  } catch (const std::exception& error) {
    fuzz::Fail(__FILE__, __LINE__, "no exception", error.what());
  }
  return 0;
}
