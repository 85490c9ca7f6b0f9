// Every real-world Dockerfile of the conformance data plans (each stage as the target) with a resolver
// that knows every image, or fails with a located InvalidArgument; never a crash or an unlocated error.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/planner/planner_test_util.h"

namespace mybuild::planner::testing {
namespace {

class AnyImageResolver : public BaseImageResolver {
 public:
  StatusOr<ImageConfig> Resolve(const std::string& reference, const Platform& platform) override {
    ImageConfig config;
    config.env = {"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8"};
    config.os = platform.os;
    config.architecture = platform.architecture;
    config.cmd = std::vector<std::string>{"sh"};
    return config;
  }
};

}  // namespace

TEST_CASE("real-world Dockerfiles plan for every target stage") {
  MYBUILD_REQUIRE_CONFORMANCE();
  const std::filesystem::path dir = ::mybuild::testing::ConformanceDir() / "realworld";
  AnyImageResolver resolver;
  int files = 0, plans = 0;
  std::vector<std::string> failures;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().filename() == "INDEX.tsv") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = frontend::ParseDockerfile(text.str(), entry.path().filename().string());
    if (!parsed.ok()) continue;  // the parser's conformance is tested by the frontend
    ++files;
    std::vector<std::string> targets = {""};
    for (const auto& inst : parsed->instructions) {
      if (inst.keyword == "from" && inst.args.size() == 3) targets.push_back(inst.args[2]);
    }
    for (const std::string& target : targets) {
      PlanInputs inputs = Inputs(&resolver);
      inputs.target = target;
      auto plan = Plan(*parsed, inputs);
      if (plan.ok()) {
        ++plans;
        CHECK_FALSE(plan->stages.empty());
        continue;
      }
      CHECK(plan.status().location().has_value());
      // Windows examples with `ARG BASE` and no default: the reference rejects them the same way.
      if (plan.status().message().find("should not be blank") != std::string::npos) continue;
      failures.push_back(entry.path().filename().string() + " [" + target + "]: " + plan.status().ToString());
    }
  }
  for (const std::string& f : failures) MESSAGE(f);
  CHECK(files > 150);
  CHECK(failures.empty());
  MESSAGE("planned " << plans << " targets of " << files << " Dockerfiles");
}

}  // namespace mybuild::planner::testing

#include "src/planner/plan_dump.h"

namespace mybuild::planner::testing {

TEST_CASE("the plan dump is deterministic and shows every part of the plan") {
  PlanInputs inputs = Inputs();
  inputs.build_args = {{"V", "1"}, {"UNUSED", "x"}};
  const char* text =
      "FROM scratch AS deps\nFROM scratch\nARG V\nWORKDIR /app\n"
      "RUN --mount=type=cache,target=/c,sharing=locked --mount=from=deps,target=/d make\n"
      "COPY --chmod=755 --from=deps /out ./\nEXPOSE 80\nHEALTHCHECK CMD true\nLABEL a=b\n";
  std::string dump = DumpPlan(MustPlan(text, inputs));
  CHECK(dump == DumpPlan(MustPlan(text, inputs)));
  CHECK(dump.find("stage 1 \"\" FROM scratch platform linux/amd64 deps [0]") != std::string::npos);
  CHECK(dump.find("mount cache target \"/c\" id \"/c\" sharing locked rw") != std::string::npos);
  CHECK(dump.find("mount bind target \"/d\" from stage 0 ro") != std::string::npos);
  CHECK(dump.find("COPY from stage 0 [\"/out\"] -> \"/app/\" chmod 0755") != std::string::npos);
  CHECK(dump.find("ports [\"80/tcp\"]") != std::string::npos);
  CHECK(dump.find("history layer \"RUN |1 V=1 /bin/sh -c make # buildkit\"") != std::string::npos);
  CHECK(dump.find("warning One or more build-args [UNUSED] were not consumed") != std::string::npos);
}

}  // namespace mybuild::planner::testing
