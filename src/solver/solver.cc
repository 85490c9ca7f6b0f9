#include "src/solver/solver.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include "src/solver/plan.h"

namespace mybuild::solver {
namespace {

// The first line of an error message: what the display shows beside the failed step. The lines after it
// (a RUN's last output) are the step's logs, shown already; the final error message repeats them once.
std::string Headline(const std::string& message) { return message.substr(0, message.find('\n')); }

struct UnitState {
  VertexOutcome outcome = VertexOutcome::kSkipped;
  Digest cache_key;
  StepResult result;
  Status error;
  std::optional<TimePoint> started;
};

UnitState Failed(Status status);

// One call of Solver::Solve: the plan, the per-unit states and the lock that guards them.
class SolveRun {
 public:
  SolveRun(const graph::BuildGraph& graph, StepRunner& runner, CacheIndex& cache, ProgressSink& progress,
           const SolveOptions& options, std::span<const graph::VertexIndex> targets, CancelToken& cancel)
      : graph_(graph),
        runner_(runner),
        cache_(cache),
        progress_(progress),
        options_(options),
        targets_(targets.begin(), targets.end()),
        cancel_(cancel),
        plan_(graph, targets),
        states_(plan_.size()) {
    const int hardware = static_cast<int>(std::thread::hardware_concurrency());
    jobs_ = options.jobs > 0 ? options.jobs : std::max(1, hardware);
  }

  SolveResult Execute();

 private:
  // Starts ready units while fewer than jobs_ are in progress. Requires mutex_.
  void StartReadyLocked(tbb::task_group& group);
  // The inputs of a unit whose input units have all succeeded. Requires mutex_.
  std::vector<StepInput> InputsLocked(UnitId id) const;
  // The work of one unit, without the lock: cache key, lookup, run, record. Never throws.
  UnitState Process(UnitId id, std::span<const StepInput> inputs);
  UnitState ProcessUnguarded(UnitId id, std::span<const StepInput> inputs);
  // Stores a finished unit's state and updates the plan. Requires mutex_. Returns true when this
  // failure must cancel the build.
  bool FinishLocked(UnitId id, UnitState state);

  ProgressEvent EventFor(UnitId id, StepState state) const;
  SolveResult Collect(std::chrono::nanoseconds elapsed) const;

  const graph::BuildGraph& graph_;
  StepRunner& runner_;
  CacheIndex& cache_;
  ProgressSink& progress_;
  const SolveOptions& options_;
  std::vector<graph::VertexIndex> targets_;
  CancelToken& cancel_;
  int jobs_ = 1;

  std::mutex mutex_;  // guards everything below
  Plan plan_;
  std::vector<UnitState> states_;
  int running_ = 0;
  bool stopping_ = false;  // a failure has cancelled the build
  Status first_error_;
  std::optional<graph::VertexIndex> failed_vertex_;
};

ProgressEvent SolveRun::EventFor(UnitId id, StepState state) const {
  const graph::Vertex& vertex = graph_.vertex(plan_.unit(id).vertex);
  ProgressEvent event;
  event.digest = vertex.digest;
  event.name = vertex.name;
  event.state = state;
  event.time = Clock::now();
  return event;
}

SolveResult SolveRun::Execute() {
  const auto begin = std::chrono::steady_clock::now();
  for (UnitId id = 0; id < plan_.size(); ++id) progress_.OnEvent(EventFor(id, StepState::kWaiting));
  {
    // TBB's default pool has one thread per core; steps mostly wait on processes and disks, so allow
    // `jobs` threads (the calling thread takes part in the arena, hence jobs - 1 workers).
    tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(jobs_));
    tbb::task_arena arena(jobs_, 1);
    arena.execute([&] {
      tbb::task_group group;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        StartReadyLocked(group);
      }
      group.wait();
    });
  }
  SolveResult result = Collect(std::chrono::steady_clock::now() - begin);
  progress_.OnFinish(result.summary);
  return result;
}

void SolveRun::StartReadyLocked(tbb::task_group& group) {
  while (running_ < jobs_ && !stopping_ && !cancel_.IsCancelled()) {
    std::optional<UnitId> id = plan_.TakeReady();
    if (!id) return;
    ++running_;
    group.run([this, id = *id, &group] {
      std::vector<StepInput> inputs;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        inputs = InputsLocked(id);
      }
      UnitState state = Process(id, inputs);
      bool cancel_now = false;
      std::optional<ProgressEvent> failure_event;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        --running_;
        cancel_now = FinishLocked(id, std::move(state));
        const UnitState& stored = states_[id];
        if (stored.outcome == VertexOutcome::kFailed || stored.outcome == VertexOutcome::kCanceled) {
          failure_event = EventFor(id, stored.outcome == VertexOutcome::kFailed ? StepState::kError
                                                                               : StepState::kCanceled);
          failure_event->started = stored.started;
          failure_event->completed = Clock::now();
          failure_event->error = Headline(stored.error.message());
        }
        StartReadyLocked(group);  // stops by itself once the build is being cancelled
      }
      if (failure_event) progress_.OnEvent(*failure_event);
      // Outside the lock: cancel callbacks may take runners' own locks.
      if (cancel_now) cancel_.Cancel();
    });
  }
}

UnitState Failed(Status status) {
  UnitState out;
  out.outcome = VertexOutcome::kFailed;
  out.error = std::move(status);
  return out;
}

std::vector<StepInput> SolveRun::InputsLocked(UnitId id) const {
  const graph::Vertex& vertex = graph_.vertex(plan_.unit(id).vertex);
  std::vector<StepInput> inputs;
  inputs.reserve(vertex.inputs.size());
  for (graph::VertexIndex parent : vertex.inputs) {
    const UnitState& parent_state = states_[plan_.UnitOf(parent)];
    inputs.push_back(StepInput{&graph_.vertex(parent), parent_state.cache_key, parent_state.result});
  }
  return inputs;
}

UnitState SolveRun::Process(UnitId id, std::span<const StepInput> inputs) {
  try {
    return ProcessUnguarded(id, inputs);
  } catch (const std::exception& e) {
    return Failed(Internal(std::string("step runner threw: ") + e.what()));
  } catch (...) {
    return Failed(Internal("step runner threw a non-standard exception"));
  }
}

UnitState SolveRun::ProcessUnguarded(UnitId id, std::span<const StepInput> inputs) {
  if (cancel_.IsCancelled()) return UnitState();  // kSkipped: cancelled between scheduling and starting
  const graph::Vertex& vertex = graph_.vertex(plan_.unit(id).vertex);

  StatusOr<CacheKey> key = runner_.ComputeCacheKey(vertex, inputs);
  if (!key.ok()) return Failed(key.status());

  bool ignore_cache = options_.no_cache || !key->cacheable;
  for (graph::VertexIndex member : plan_.unit(id).members) ignore_cache |= graph_.vertex(member).ignore_cache;
  if (!ignore_cache) {
    StatusOr<std::optional<StepResult>> hit = cache_.Lookup(key->digest);
    if (!hit.ok()) return Failed(hit.status().WithContext("looking up the cache"));
    if (hit->has_value() && runner_.CanReuse(vertex, **hit)) {
      ProgressEvent event = EventFor(id, StepState::kCached);
      event.started = event.completed = event.time;
      progress_.OnEvent(event);
      UnitState out;
      out.outcome = VertexOutcome::kCached;
      out.cache_key = key->digest;
      out.result = std::move(**hit);
      return out;
    }
  }

  const TimePoint started = Clock::now();
  ProgressEvent running = EventFor(id, StepState::kRunning);
  running.started = started;
  progress_.OnEvent(running);
  StepLog log(progress_, vertex.digest, vertex.name, started);
  StatusOr<StepResult> result = runner_.Run(vertex, inputs, cancel_, log);
  if (!result.ok()) {
    UnitState out = Failed(result.status());
    out.cache_key = key->digest;
    out.started = started;
    return out;
  }
  if (key->cacheable) {
    Status recorded = cache_.Record(key->digest, *result);
    if (!recorded.ok()) return Failed(recorded.WithContext("recording the result in the cache"));
  }
  ProgressEvent done = EventFor(id, StepState::kDone);
  done.started = started;
  done.completed = done.time;
  progress_.OnEvent(done);
  UnitState out;
  out.outcome = VertexOutcome::kDone;
  out.cache_key = key->digest;
  out.result = std::move(result).value();
  return out;
}

bool SolveRun::FinishLocked(UnitId id, UnitState state) {
  const graph::VertexIndex vertex = plan_.unit(id).vertex;
  bool cancel_now = false;
  if (state.outcome == VertexOutcome::kFailed) {
    if (stopping_ || cancel_.IsCancelled()) {
      // The build was already being cancelled: this step stopped because of it (or its own failure
      // comes second and is not reported).
      state.outcome = VertexOutcome::kCanceled;
    } else {
      state.error = state.error.WithLocation(graph_.vertex(vertex).location);
      const bool replace = first_error_.ok() || (options_.keep_going && vertex < *failed_vertex_);
      if (replace) {
        first_error_ = state.error;
        failed_vertex_ = vertex;
      }
      if (!options_.keep_going) {
        stopping_ = true;
        cancel_now = true;
      }
    }
  }
  const bool succeeded = state.outcome == VertexOutcome::kDone || state.outcome == VertexOutcome::kCached;
  states_[id] = std::move(state);
  plan_.Finish(id, succeeded);
  return cancel_now;
}

SolveResult SolveRun::Collect(std::chrono::nanoseconds elapsed) const {
  SolveResult result;
  result.status = first_error_;
  result.failed_vertex = failed_vertex_;
  for (graph::VertexIndex index : graph_.Closure(targets_)) {
    const UnitState& state = states_[plan_.UnitOf(index)];
    result.vertices[index] = VertexResult{state.outcome, state.cache_key, state.result};
  }
  SolveSummary& summary = result.summary;
  summary.total = static_cast<int>(plan_.size());
  summary.elapsed = elapsed;
  for (const UnitState& state : states_) {
    switch (state.outcome) {
      case VertexOutcome::kCached:
        ++summary.cached;
        break;
      case VertexOutcome::kDone:
        ++summary.ran;
        break;
      case VertexOutcome::kFailed:
        ++summary.failed;
        break;
      case VertexOutcome::kCanceled:
        ++summary.canceled;
        break;
      case VertexOutcome::kSkipped:
        ++summary.skipped;
        break;
    }
  }
  if (result.status.ok() && (summary.canceled > 0 || summary.skipped > 0)) {
    result.status = Cancelled("build cancelled before all steps finished");
  }
  return result;
}

}  // namespace

const char* VertexOutcomeName(VertexOutcome outcome) {
  switch (outcome) {
    case VertexOutcome::kCached:
      return "cached";
    case VertexOutcome::kDone:
      return "done";
    case VertexOutcome::kFailed:
      return "failed";
    case VertexOutcome::kCanceled:
      return "canceled";
    case VertexOutcome::kSkipped:
      return "skipped";
  }
  return "unknown";
}

const StepResult* SolveResult::ResultOf(graph::VertexIndex vertex) const {
  auto it = vertices.find(vertex);
  if (it == vertices.end()) return nullptr;
  if (it->second.outcome != VertexOutcome::kDone && it->second.outcome != VertexOutcome::kCached) return nullptr;
  return &it->second.result;
}

Solver::Solver(const graph::BuildGraph& graph, StepRunner& runner, CacheIndex& cache, ProgressSink& progress,
               SolveOptions options)
    : graph_(graph), runner_(runner), cache_(cache), progress_(progress), options_(options) {}

SolveResult Solver::Solve(std::span<const graph::VertexIndex> targets) {
  for (graph::VertexIndex target : targets) {
    if (target >= graph_.size()) {
      SolveResult result;
      result.status = InvalidArgument("target step " + std::to_string(target) + " does not exist (the graph has " +
                                      std::to_string(graph_.size()) + " steps)");
      return result;
    }
  }
  CancelToken own_token;
  CancelToken& cancel = options_.cancel != nullptr ? *options_.cancel : own_token;
  SolveRun run(graph_, runner_, cache_, progress_, options_, targets, cancel);
  return run.Execute();
}

}  // namespace mybuild::solver
