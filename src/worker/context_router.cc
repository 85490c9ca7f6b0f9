#include "src/worker/context_router.h"

#include <optional>

namespace mybuild::worker {
namespace {

const std::string* LocalName(const graph::Vertex& vertex) {
  const auto* source = std::get_if<graph::SourceOp>(&vertex.op);
  if (source == nullptr) return nullptr;
  const auto* local = std::get_if<graph::LocalSource>(&source->source);
  return local == nullptr ? nullptr : &local->name;
}

}  // namespace

StatusOr<solver::StepRunner*> ContextRouter::RunnerFor(const graph::Vertex& vertex,
                                                       std::span<const solver::StepInput> inputs) const {
  std::optional<std::string> context;
  if (const std::string* own = LocalName(vertex)) context = *own;
  for (const solver::StepInput& input : inputs) {
    const std::string* name = input.vertex != nullptr ? LocalName(*input.vertex) : nullptr;
    if (name == nullptr) continue;
    if (context && *context != *name) {
      return InvalidArgument("a step reads two build contexts (\"" + *context + "\" and \"" + *name +
                             "\"): expected at most one local context per step");
    }
    context = *name;
  }
  if (!context) return &fallback_;
  auto found = by_context_.find(*context);
  if (found == by_context_.end()) return Internal("no worker has the build context \"" + *context + "\"");
  return found->second;
}

StatusOr<solver::CacheKey> ContextRouter::ComputeCacheKey(const graph::Vertex& vertex,
                                                          std::span<const solver::StepInput> inputs) {
  MB_ASSIGN_OR_RETURN(solver::StepRunner * runner, RunnerFor(vertex, inputs));
  return runner->ComputeCacheKey(vertex, inputs);
}

bool ContextRouter::CanReuse(const graph::Vertex& vertex, const solver::StepResult& result) {
  StatusOr<solver::StepRunner*> runner = RunnerFor(vertex, {});
  return runner.ok() && (*runner)->CanReuse(vertex, result);
}

StatusOr<solver::StepResult> ContextRouter::Run(const graph::Vertex& vertex, std::span<const solver::StepInput> inputs,
                                                solver::CancelToken& cancel, solver::StepLog& log) {
  MB_ASSIGN_OR_RETURN(solver::StepRunner * runner, RunnerFor(vertex, inputs));
  return runner->Run(vertex, inputs, cancel, log);
}

}  // namespace mybuild::worker
