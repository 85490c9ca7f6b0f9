// Shared by the planner tests: parsing Dockerfile text, a fake base-image resolver, plan shortcuts.
#ifndef MYBUILD_TESTS_PLANNER_PLANNER_TEST_UTIL_H_
#define MYBUILD_TESTS_PLANNER_PLANNER_TEST_UTIL_H_

#include <map>
#include <string>
#include <vector>

#include "src/frontend/parser.h"
#include "src/planner/planner.h"
#include "tests/test_support.h"

namespace mybuild::planner::testing {

// Returns the configured config for a reference, NotFound otherwise; remembers what was asked.
class FakeResolver : public BaseImageResolver {
 public:
  std::map<std::string, ImageConfig> images;
  std::vector<std::string> requests;
  std::vector<Platform> platforms;

  StatusOr<ImageConfig> Resolve(const std::string& reference, const Platform& platform) override {
    requests.push_back(reference);
    platforms.push_back(platform);
    auto it = images.find(reference);
    if (it == images.end()) return NotFound("image \"" + reference + "\" not found");
    return it->second;
  }
};

inline Platform Amd64() { return Platform{"linux", "amd64", ""}; }

// Inputs with a fixed build platform (linux/amd64) so that results do not depend on the machine.
inline PlanInputs Inputs(BaseImageResolver* resolver = nullptr) {
  PlanInputs inputs;
  inputs.build_platform = Amd64();
  inputs.resolver = resolver;
  return inputs;
}

inline frontend::Dockerfile MustParse(const std::string& text) {
  auto parsed = frontend::ParseDockerfile(text, "Dockerfile");
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  return std::move(parsed).value();
}

inline StatusOr<BuildPlan> PlanText(const std::string& text, const PlanInputs& inputs) {
  frontend::Dockerfile df = MustParse(text);
  return Plan(df, inputs);
}

inline BuildPlan MustPlan(const std::string& text, const PlanInputs& inputs) {
  auto plan = PlanText(text, inputs);
  REQUIRE_MESSAGE(plan.ok(), plan.status().ToString());
  return std::move(plan).value();
}

inline BuildPlan MustPlan(const std::string& text) { return MustPlan(text, Inputs()); }

// The error text ("FILE:LINE:COL: message") of planning `text`; fails the test when planning succeeds.
inline std::string PlanError(const std::string& text, const PlanInputs& inputs) {
  auto plan = PlanText(text, inputs);
  REQUIRE_FALSE(plan.ok());
  return plan.status().ToString();
}
inline std::string PlanError(const std::string& text) { return PlanError(text, Inputs()); }

template <typename T>
const T& StepAs(const Stage& stage, size_t i) {
  REQUIRE(i < stage.steps.size());
  const T* op = std::get_if<T>(&stage.steps[i].op);
  REQUIRE(op != nullptr);
  return *op;
}

inline std::vector<std::string> HistoryOf(const Stage& stage) {
  std::vector<std::string> out;
  for (size_t i = stage.base_history_length; i < stage.config.history.size(); ++i) {
    out.push_back(stage.config.history[i].created_by);
  }
  return out;
}

// The value of NAME in a "K=V" list, or "<unset>".
inline std::string EnvValue(const std::vector<std::string>& env, const std::string& name) {
  for (const std::string& e : env) {
    if (e.rfind(name + "=", 0) == 0) return e.substr(name.size() + 1);
  }
  return "<unset>";
}

}  // namespace mybuild::planner::testing

#endif  // MYBUILD_TESTS_PLANNER_PLANNER_TEST_UTIL_H_
