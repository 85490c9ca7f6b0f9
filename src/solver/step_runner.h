// The interface through which the solver performs a step. The solver decides what runs and when;
// a StepRunner (implemented beside the executor, file ops and snapshotter, and faked in tests) does the
// work. Calls for different steps come concurrently from several threads: implementations must be
// thread-safe. They must not throw. Runs happen inside the solver's TBB arena: a runner that uses TBB
// itself (e.g. parallel hashing) should do so in its own tbb::task_arena or under
// tbb::this_task_arena::isolate, so that its waits never pick up other steps.
#ifndef MYBUILD_SOLVER_STEP_RUNNER_H_
#define MYBUILD_SOLVER_STEP_RUNNER_H_

#include <span>
#include <string>
#include <string_view>

#include "src/base/digest.h"
#include "src/base/status.h"
#include "src/graph/build_graph.h"
#include "src/solver/cancel_token.h"
#include "src/solver/progress.h"

namespace mybuild::solver {

// What a step produced, opaque to the solver and stored verbatim in the cache index: for example a
// snapshot id and a layer descriptor, serialised by the runner as JSON.
struct StepResult {
  std::string ref;
  bool operator==(const StepResult&) const = default;
};

// The cache key of a step: its definition plus what the definition cannot know (COPY source content,
// a resolved image digest …). Not cacheable (e.g. a pulled base image, which is never a cache
// candidate): the step always runs and is not recorded, but `digest` still feeds its children's keys.
struct CacheKey {
  Digest digest;
  bool cacheable = true;
};

// One input of a step, in slot order: the parent vertex, its cache key and its result.
struct StepInput {
  const graph::Vertex* vertex = nullptr;
  Digest cache_key;
  StepResult result;
};

class StepRunner {
 public:
  virtual ~StepRunner() = default;

  // Computes the step's cache key before any cache lookup. Runners that add nothing return
  // CombineCacheKey(vertex, inputs, "").
  virtual StatusOr<CacheKey> ComputeCacheKey(const graph::Vertex& vertex, std::span<const StepInput> inputs) = 0;

  // Whether a result found in the cache index can still be used (e.g. its snapshot was not pruned).
  // A false answer makes the solver run the step as on a cache miss.
  virtual bool CanReuse(const graph::Vertex& vertex, const StepResult& result) { return true; }

  // Performs the step. Long steps observe `cancel` (poll, or register a callback that stops them) and
  // then return a kCancelled status. Output goes to `log`. Errors need no location: the solver adds the
  // vertex's.
  virtual StatusOr<StepResult> Run(const graph::Vertex& vertex, std::span<const StepInput> inputs,
                                   CancelToken& cancel, StepLog& log) = 0;
};

// SHA-256 of: str("mybuild.cachekey.v1") str(vertex definition digest) u64(input count)
// str(each input's cache key) str(extra), with the primitives of src/graph/canonical.h. `extra` is what
// the runner adds (e.g. the content digest of COPY sources).
Digest CombineCacheKey(const graph::Vertex& vertex, std::span<const StepInput> inputs, std::string_view extra);

}  // namespace mybuild::solver

#endif  // MYBUILD_SOLVER_STEP_RUNNER_H_
