#include "src/worker/context_router.h"

#include <doctest/doctest.h>

namespace mybuild::worker {
namespace {

// Answers with its own name, so that a test sees which runner a step went to.
class NamedRunner : public solver::StepRunner {
 public:
  explicit NamedRunner(std::string name) : name_(std::move(name)) {}
  StatusOr<solver::CacheKey> ComputeCacheKey(const graph::Vertex& vertex, std::span<const solver::StepInput> inputs) override {
    return solver::CacheKey{Digest::Of(name_), true};
  }
  StatusOr<solver::StepResult> Run(const graph::Vertex&, std::span<const solver::StepInput>, solver::CancelToken&,
                                   solver::StepLog&) override {
    return solver::StepResult{name_};
  }

 private:
  std::string name_;
};

graph::Vertex Local(const std::string& name) {
  graph::Vertex vertex;
  graph::LocalSource local;
  local.name = name;
  vertex.op = graph::SourceOp{local};
  return vertex;
}

graph::Vertex Exec() {
  graph::Vertex vertex;
  vertex.op = graph::ExecOp{};
  return vertex;
}

std::string RoutedTo(ContextRouter& router, const graph::Vertex& vertex, const std::vector<const graph::Vertex*>& inputs) {
  std::vector<solver::StepInput> steps;
  for (const graph::Vertex* input : inputs) steps.push_back(solver::StepInput{input, {}, {}});
  StatusOr<solver::CacheKey> key = router.ComputeCacheKey(vertex, steps);
  if (!key.ok()) return "error: " + key.status().message();
  for (const char* name : {"default", "web", "assets"}) {
    if (key->digest == Digest::Of(name)) return name;
  }
  return "?";
}

TEST_CASE("context router: local sources and the steps that read them go to their context's worker") {
  NamedRunner fallback("default");
  NamedRunner web("web");
  NamedRunner assets("assets");
  ContextRouter router(fallback, {{"context:web", &web}, {"context:assets", &assets}});
  const graph::Vertex web_context = Local("context:web");
  const graph::Vertex assets_context = Local("context:assets");
  const graph::Vertex stage = Exec();
  CHECK(RoutedTo(router, web_context, {}) == "web");
  CHECK(RoutedTo(router, Exec(), {&stage, &assets_context}) == "assets");  // COPY --from=assets
  CHECK(RoutedTo(router, Exec(), {&stage}) == "default");                  // RUN on a stage
  CHECK(RoutedTo(router, Exec(), {&web_context, &assets_context}).rfind("error: a step reads two build contexts", 0) == 0);
  CHECK(RoutedTo(router, Local("context:other"), {}) == "error: no worker has the build context \"context:other\"");
}

}  // namespace
}  // namespace mybuild::worker
