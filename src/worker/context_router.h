// A StepRunner over several workers, one per build context: a build whose steps read more than one
// local directory (the services of a compose project, named contexts that are paths). A local source
// runs on the worker of its name; a step that reads a local source (COPY from it, RUN --mount from it)
// runs on that source's worker; every other step runs on the default worker (all workers share the
// same blob store, snapshotter and executor, so any of them can run it).
#ifndef MYBUILD_WORKER_CONTEXT_ROUTER_H_
#define MYBUILD_WORKER_CONTEXT_ROUTER_H_

#include <map>
#include <string>

#include "src/solver/step_runner.h"

namespace mybuild::worker {

class ContextRouter : public solver::StepRunner {
 public:
  // `by_context`: local source name → the runner that has that context. Runners must outlive this.
  ContextRouter(solver::StepRunner& fallback, std::map<std::string, solver::StepRunner*> by_context)
      : fallback_(fallback), by_context_(std::move(by_context)) {}

  StatusOr<solver::CacheKey> ComputeCacheKey(const graph::Vertex& vertex,
                                             std::span<const solver::StepInput> inputs) override;
  bool CanReuse(const graph::Vertex& vertex, const solver::StepResult& result) override;
  StatusOr<solver::StepResult> Run(const graph::Vertex& vertex, std::span<const solver::StepInput> inputs,
                                   solver::CancelToken& cancel, solver::StepLog& log) override;

 private:
  // The runner for a step; an error when it reads two different contexts or one nobody has.
  StatusOr<solver::StepRunner*> RunnerFor(const graph::Vertex& vertex, std::span<const solver::StepInput> inputs) const;

  solver::StepRunner& fallback_;
  std::map<std::string, solver::StepRunner*> by_context_;
};

}  // namespace mybuild::worker

#endif  // MYBUILD_WORKER_CONTEXT_ROUTER_H_
