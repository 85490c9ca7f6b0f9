// Runs the part of a BuildGraph that a set of targets needs, in parallel on TBB.
//
// Per step (a unit of vertices with equal definition digests, see plan.h), in this order:
//   1. it starts only when every input step has succeeded, and only while fewer than `jobs` steps are
//      in progress;
//   2. StepRunner::ComputeCacheKey(vertex, inputs);
//   3. unless the key is not cacheable, `no_cache` is set or the vertex ignores the cache: a hit in the
//      CacheIndex that StepRunner::CanReuse accepts makes the step CACHED, and it does not run;
//   4. otherwise StepRunner::Run; a cacheable result is recorded in the CacheIndex.
// The first failure cancels the build (unless `keep_going`): the shared CancelToken is set, running
// steps are asked to stop, steps not yet started never start. With `keep_going` every step that does
// not depend on a failure still runs.
// Threads: steps run in a tbb::task_arena of `jobs` slots, the calling thread included; while a solve
// runs, a tbb::global_control raises the process's TBB parallelism limit to `jobs` (steps mostly wait
// on processes and disks, so -j may exceed the core count). Concurrent solves share that limit.
// The results map depends only on the graph, the targets, the runner and the cache — not on `jobs` or
// on completion order.
#ifndef MYBUILD_SOLVER_SOLVER_H_
#define MYBUILD_SOLVER_SOLVER_H_

#include <map>
#include <optional>
#include <span>

#include "src/base/status.h"
#include "src/graph/build_graph.h"
#include "src/solver/cache_index.h"
#include "src/solver/cancel_token.h"
#include "src/solver/progress.h"
#include "src/solver/step_runner.h"

namespace mybuild::solver {

struct SolveOptions {
  int jobs = 0;             // steps in progress at once; 0 = the hardware concurrency
  bool keep_going = false;  // do not cancel on the first failure
  bool no_cache = false;    // never take results from the cache index (results are still recorded)
  // An external token (e.g. cancelled from a SIGINT handler thread); the solver also cancels it on the
  // first failure. Null = the solver uses its own.
  CancelToken* cancel = nullptr;
};

enum class VertexOutcome {
  kCached,    // taken from the cache index
  kDone,      // ran and succeeded
  kFailed,    // ran (or computed its cache key) and failed
  kCanceled,  // was running when the build was cancelled, and stopped
  kSkipped,   // never started: an input failed or the build was cancelled
};

const char* VertexOutcomeName(VertexOutcome outcome);

struct VertexResult {
  VertexOutcome outcome = VertexOutcome::kSkipped;
  Digest cache_key;   // empty when never computed
  StepResult result;  // meaningful for kCached and kDone
  bool operator==(const VertexResult&) const = default;
};

struct SolveResult {
  // OK, or the failure with its vertex's location: without keep_going the first to happen, with
  // keep_going the one of the lowest vertex index. kCancelled when cancelled from outside.
  Status status;
  std::optional<graph::VertexIndex> failed_vertex;
  std::map<graph::VertexIndex, VertexResult> vertices;  // every vertex of the needed subgraph
  SolveSummary summary;

  // The result of a vertex that is kDone or kCached, else null.
  const StepResult* ResultOf(graph::VertexIndex vertex) const;
};

class Solver {
 public:
  // All references must outlive the solver.
  Solver(const graph::BuildGraph& graph, StepRunner& runner, CacheIndex& cache, ProgressSink& progress,
         SolveOptions options = {});

  // Runs what `targets` need. May be called more than once (e.g. for several export targets); each call
  // is independent apart from the cache index.
  SolveResult Solve(std::span<const graph::VertexIndex> targets);

 private:
  const graph::BuildGraph& graph_;
  StepRunner& runner_;
  CacheIndex& cache_;
  ProgressSink& progress_;
  SolveOptions options_;
};

}  // namespace mybuild::solver

#endif  // MYBUILD_SOLVER_SOLVER_H_
