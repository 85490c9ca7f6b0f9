#include "src/solver/solver.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <mutex>

#include "tests/solver/fake_runner.h"

namespace mybuild::solver {
namespace {

using graph::VertexIndex;
using testing::FakeRunner;

// Builds graphs of fake steps: roots are local sources, other steps are exec ops whose args[1] is the
// command the fake runner keys its behaviour on.
class TestGraph {
 public:
  VertexIndex Root(const std::string& name) {
    graph::SourceOp source{graph::LocalSource{name, {}, {}}};
    return *builder_.Add(source, {}, name);
  }
  VertexIndex Run(const std::string& command, std::vector<VertexIndex> parents, std::string name = "",
                  int line = 0) {
    graph::ExecOp exec;
    exec.args = {"fake", command};
    if (name.empty()) name = "RUN " + command;
    return *builder_.Add(exec, std::move(parents), std::move(name), SourceLocation{"Dockerfile", line, 1});
  }
  graph::GraphBuilder& builder() { return builder_; }
  graph::BuildGraph Build() { return std::move(builder_).Build(); }

 private:
  graph::GraphBuilder builder_;
};

class RecordingProgress : public ProgressSink {
 public:
  void OnEvent(const ProgressEvent& event) override {
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back(event);
  }
  void OnFinish(const SolveSummary& summary) override {
    std::lock_guard<std::mutex> lock(mutex_);
    summary_ = summary;
    finished_ = true;
  }
  std::vector<ProgressEvent> events() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_;
  }
  // Position of the first event for `name` in `state`, or -1.
  int IndexOf(const std::string& name, StepState state) const {
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t i = 0; i < events_.size(); ++i) {
      if (events_[i].name == name && events_[i].state == state && events_[i].logs.empty()) return static_cast<int>(i);
    }
    return -1;
  }
  SolveSummary summary() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return summary_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<ProgressEvent> events_;
  SolveSummary summary_;
  bool finished_ = false;
};

SolveResult SolveWith(const graph::BuildGraph& graph, FakeRunner& runner, CacheIndex& cache,
                      std::vector<VertexIndex> targets, SolveOptions options = {},
                      ProgressSink* progress = nullptr) {
  QuietProgress quiet;
  Solver solver(graph, runner, cache, progress != nullptr ? *progress : quiet, options);
  return solver.Solve(targets);
}

TEST_CASE("a child never starts before its parents finish") {
  TestGraph g;
  VertexIndex root = g.Root("root");
  VertexIndex left = g.Run("left", {root});
  VertexIndex right = g.Run("right", {root});
  VertexIndex join = g.Run("join", {left, right});
  VertexIndex tail = g.Run("tail", {join});
  VertexIndex side = g.Run("side", {left});
  graph::BuildGraph graph = g.Build();

  for (int jobs : {1, 2, 4}) {
    CAPTURE(jobs);
    FakeRunner runner;
    InMemoryCacheIndex cache;
    RecordingProgress progress;
    SolveResult result = SolveWith(graph, runner, cache, {tail, side}, {.jobs = jobs}, &progress);
    REQUIRE(result.status.ok());
    auto starts = runner.start_seq();
    auto ends = runner.end_seq();
    for (VertexIndex v = 0; v < graph.size(); ++v) {
      const std::string command = testing::CommandOf(graph.vertex(v));
      REQUIRE(starts.count(command) == 1);
      for (VertexIndex parent : graph.vertex(v).inputs) {
        CHECK(starts[command] > ends[testing::CommandOf(graph.vertex(parent))]);
        // The same holds for the progress events.
        CHECK(progress.IndexOf(graph.vertex(v).name, StepState::kRunning) >
              progress.IndexOf(graph.vertex(parent).name, StepState::kDone));
      }
    }
    CHECK(progress.summary().total == 6);
    CHECK(progress.summary().ran == 6);
  }
}

TEST_CASE("no more than -j steps run at once, and -j of them do") {
  TestGraph g;
  VertexIndex root = g.Root("root");
  std::vector<VertexIndex> leaves;
  for (int i = 0; i < 12; ++i) leaves.push_back(g.Run("leaf" + std::to_string(i), {root}));
  graph::BuildGraph graph = g.Build();

  for (int jobs : {1, 3, 4}) {
    CAPTURE(jobs);
    FakeRunner runner;
    // Each leaf waits until `jobs` steps have been seen running together: a barrier that opens for good
    // once the limit is reached. A scheduler that cannot reach the limit trips the deadlock guard.
    for (int i = 0; i < 12; ++i) {
      runner.behaviours["leaf" + std::to_string(i)] = [&runner, jobs](const graph::Vertex&, CancelToken&,
                                                                     StepLog&) -> StatusOr<StepResult> {
        if (!runner.WaitUntil([&] { return runner.max_running_locked() >= jobs; })) {
          return Internal("never saw " + std::to_string(jobs) + " steps at once");
        }
        return StepResult{"leaf"};
      };
    }
    InMemoryCacheIndex cache;
    SolveResult result = SolveWith(graph, runner, cache, leaves, {.jobs = jobs});
    CHECK(result.status.ok());
    CHECK(runner.max_running() == jobs);
  }
}

TEST_CASE("steps with equal digests run once and share their result") {
  TestGraph g;
  VertexIndex root = g.Root("root");
  VertexIndex a = g.Run("same", {root}, "[stage-a 2/2] RUN same");
  VertexIndex b = g.Run("same", {root}, "[stage-b 2/2] RUN same");
  VertexIndex c = g.Run("child", {b});
  graph::BuildGraph graph = g.Build();
  REQUIRE(graph.vertex(a).digest == graph.vertex(b).digest);

  FakeRunner runner;
  InMemoryCacheIndex cache;
  RecordingProgress progress;
  SolveResult result = SolveWith(graph, runner, cache, {a, c}, {.jobs = 4}, &progress);
  REQUIRE(result.status.ok());
  std::vector<std::string> started = runner.started();
  CHECK(std::count(started.begin(), started.end(), "same") == 1);
  REQUIRE(result.ResultOf(a) != nullptr);
  REQUIRE(result.ResultOf(b) != nullptr);
  CHECK(*result.ResultOf(a) == *result.ResultOf(b));
  CHECK(result.vertices.size() == 4);
  CHECK(result.summary.total == 3);
  CHECK(result.summary.ran == 3);
}

TEST_CASE("the first failure cancels running steps and stops the rest, with its location") {
  TestGraph g;
  VertexIndex root = g.Root("root");
  VertexIndex fails = g.Run("fails", {root}, "[2/4] RUN fails", 7);
  VertexIndex waits = g.Run("waits", {root}, "[3/4] RUN waits", 8);
  VertexIndex after = g.Run("after", {waits});
  VertexIndex independent = g.Run("independent", {root});
  graph::BuildGraph graph = g.Build();

  FakeRunner runner;
  std::atomic<bool> observed_cancel{false};
  runner.behaviours["fails"] = [&](const graph::Vertex&, CancelToken&, StepLog& log) -> StatusOr<StepResult> {
    // Fail only once the long step is running, so that there is something to cancel.
    runner.WaitUntil([&] { return runner.HasStarted("waits"); });
    log.Write("make: *** [all] Error 2\n");
    return Status(StatusCode::kFailedPrecondition, "process \"make\" exited with code 2");
  };
  runner.behaviours["waits"] = [&](const graph::Vertex&, CancelToken& cancel, StepLog&) -> StatusOr<StepResult> {
    auto registration = cancel.OnCancel([&] { runner.Notify(); });
    if (runner.WaitUntil([&] { return cancel.IsCancelled(); })) observed_cancel = true;
    return Cancelled("stopped");
  };
  InMemoryCacheIndex cache;
  RecordingProgress progress;
  SolveResult result = SolveWith(graph, runner, cache, {fails, after, independent}, {.jobs = 2}, &progress);

  CHECK(result.status.code() == StatusCode::kFailedPrecondition);
  CHECK(result.status.message() == "process \"make\" exited with code 2");
  REQUIRE(result.status.location().has_value());
  CHECK(*result.status.location() == SourceLocation{"Dockerfile", 7, 1});
  CHECK(result.status.ToString().find("Dockerfile:7") != std::string::npos);
  CHECK(result.failed_vertex == fails);
  CHECK(observed_cancel);
  CHECK(result.vertices.at(root).outcome == VertexOutcome::kDone);
  CHECK(result.vertices.at(fails).outcome == VertexOutcome::kFailed);
  CHECK(result.vertices.at(waits).outcome == VertexOutcome::kCanceled);
  CHECK(result.vertices.at(after).outcome == VertexOutcome::kSkipped);
  CHECK(result.vertices.at(independent).outcome == VertexOutcome::kSkipped);
  std::vector<std::string> started = runner.started();
  CHECK(std::find(started.begin(), started.end(), "after") == started.end());
  CHECK(std::find(started.begin(), started.end(), "independent") == started.end());
  CHECK(progress.IndexOf("[2/4] RUN fails", StepState::kError) >= 0);
  CHECK(progress.IndexOf("[3/4] RUN waits", StepState::kCanceled) >= 0);
  CHECK(result.summary.failed == 1);
  CHECK(result.summary.canceled == 1);
  CHECK(result.summary.skipped == 2);
  // Nothing failed is recorded in the cache.
  CHECK(cache.size() == 1);
}

TEST_CASE("keep-going runs everything that does not depend on a failure") {
  TestGraph g;
  VertexIndex root = g.Root("root");
  VertexIndex first = g.Run("first-fails", {root}, "", 3);
  VertexIndex ok = g.Run("ok", {root});
  VertexIndex child_of_failed = g.Run("child-of-failed", {first});
  VertexIndex child_of_ok = g.Run("child-of-ok", {ok});
  VertexIndex second = g.Run("second-fails", {ok}, "", 9);
  graph::BuildGraph graph = g.Build();

  for (int jobs : {1, 4}) {
    CAPTURE(jobs);
    FakeRunner runner;
    auto failing = [](const graph::Vertex& v, CancelToken&, StepLog&) -> StatusOr<StepResult> {
      return Status(StatusCode::kFailedPrecondition, testing::CommandOf(v));
    };
    runner.behaviours["first-fails"] = failing;
    runner.behaviours["second-fails"] = failing;
    InMemoryCacheIndex cache;
    SolveResult result =
        SolveWith(graph, runner, cache, {child_of_failed, child_of_ok, second}, {.jobs = jobs, .keep_going = true});
    // The lowest-indexed failure is reported, whatever finished first.
    CHECK(result.status.message() == "first-fails");
    CHECK(result.status.location()->line == 3);
    CHECK(result.failed_vertex == first);
    CHECK(result.vertices.at(ok).outcome == VertexOutcome::kDone);
    CHECK(result.vertices.at(child_of_ok).outcome == VertexOutcome::kDone);
    CHECK(result.vertices.at(second).outcome == VertexOutcome::kFailed);
    CHECK(result.vertices.at(child_of_failed).outcome == VertexOutcome::kSkipped);
    CHECK(result.summary.failed == 2);
  }
}

TEST_CASE("a failing cache key computation fails the step with its location") {
  TestGraph g;
  VertexIndex root = g.Root("root");
  VertexIndex copy = g.Run("copy-missing", {root}, "[2/2] COPY missing /", 4);
  graph::BuildGraph graph = g.Build();
  FakeRunner runner;
  runner.key_fails = {"copy-missing"};
  InMemoryCacheIndex cache;
  SolveResult result = SolveWith(graph, runner, cache, {copy});
  CHECK(result.status.code() == StatusCode::kNotFound);
  CHECK(result.status.location()->line == 4);
  CHECK(result.vertices.at(copy).outcome == VertexOutcome::kFailed);
}

TEST_CASE("a cache hit skips the run") {
  TestGraph g;
  VertexIndex root = g.Root("root");
  VertexIndex a = g.Run("a", {root});
  VertexIndex b = g.Run("b", {a});
  graph::BuildGraph graph = g.Build();
  InMemoryCacheIndex cache;

  FakeRunner first;
  SolveResult cold = SolveWith(graph, first, cache, {b});
  REQUIRE(cold.status.ok());
  CHECK(first.started().size() == 3);
  CHECK(cache.size() == 3);
  CHECK(cold.summary.ran == 3);

  FakeRunner second;
  RecordingProgress progress;
  SolveResult warm = SolveWith(graph, second, cache, {b}, {}, &progress);
  REQUIRE(warm.status.ok());
  CHECK(second.started().empty());
  CHECK(warm.summary.cached == 3);
  CHECK(warm.vertices == std::map<VertexIndex, VertexResult>{
                             {root, {VertexOutcome::kCached, cold.vertices[root].cache_key, cold.vertices[root].result}},
                             {a, {VertexOutcome::kCached, cold.vertices[a].cache_key, cold.vertices[a].result}},
                             {b, {VertexOutcome::kCached, cold.vertices[b].cache_key, cold.vertices[b].result}}});
  CHECK(progress.IndexOf("RUN b", StepState::kCached) >= 0);
  CHECK(progress.IndexOf("RUN b", StepState::kRunning) == -1);
  CHECK(FormatSummary(warm.summary) == "3 steps: 0 ran, 3 cached");

  SUBCASE("no_cache runs everything again") {
    FakeRunner third;
    SolveResult fresh = SolveWith(graph, third, cache, {b}, {.no_cache = true});
    CHECK(fresh.status.ok());
    CHECK(third.started().size() == 3);
  }
  SUBCASE("a step that ignores the cache runs; its children stay cached") {
    graph::GraphBuilder builder;
    TestGraph g2;
    VertexIndex r2 = g2.Root("root");
    VertexIndex a2 = g2.Run("a", {r2});
    VertexIndex b2 = g2.Run("b", {a2});
    g2.builder().SetIgnoreCache(a2, true);
    graph::BuildGraph graph2 = g2.Build();
    FakeRunner third;
    SolveResult partial = SolveWith(graph2, third, cache, {b2});
    CHECK(partial.status.ok());
    CHECK(third.started() == std::vector<std::string>{"a"});
  }
  SUBCASE("a result the runner cannot reuse runs again") {
    FakeRunner third;
    third.not_reusable = {"b"};
    SolveResult partial = SolveWith(graph, third, cache, {b});
    CHECK(partial.status.ok());
    CHECK(third.started() == std::vector<std::string>{"b"});
  }
  SUBCASE("a step that is not cacheable always runs and is not recorded") {
    InMemoryCacheIndex empty;
    FakeRunner third;
    third.not_cacheable = {"root"};
    CHECK(SolveWith(graph, third, empty, {b}).status.ok());
    CHECK(empty.size() == 2);
    FakeRunner fourth;
    fourth.not_cacheable = {"root"};
    CHECK(SolveWith(graph, fourth, empty, {b}).status.ok());
    CHECK(fourth.started() == std::vector<std::string>{"root"});
  }
}

// A fixed pseudo-random DAG: each step has up to three earlier parents.
graph::BuildGraph RandomDag(int steps) {
  TestGraph g;
  uint32_t state = 12345;
  auto next = [&] {
    state = state * 1103515245u + 12345u;
    return (state >> 16) & 0x7fff;
  };
  g.Root("root");
  for (int i = 1; i < steps; ++i) {
    std::vector<VertexIndex> parents;
    const int count = 1 + static_cast<int>(next() % 3);
    for (int p = 0; p < count; ++p) parents.push_back(next() % i);
    g.Run("step" + std::to_string(i), parents);
  }
  return g.Build();
}

TEST_CASE("results do not depend on -j") {
  graph::BuildGraph graph = RandomDag(40);
  std::vector<VertexIndex> targets = {39, 25, 17};
  InMemoryCacheIndex cache1;
  InMemoryCacheIndex cache4;
  FakeRunner runner1;
  FakeRunner runner4;
  SolveResult j1 = SolveWith(graph, runner1, cache1, targets, {.jobs = 1});
  SolveResult j4 = SolveWith(graph, runner4, cache4, targets, {.jobs = 4});
  REQUIRE(j1.status.ok());
  REQUIRE(j4.status.ok());
  CHECK(j1.vertices == j4.vertices);
  CHECK(j1.summary.ran == j4.summary.ran);
  // With -j1 steps start in ascending index order.
  std::vector<std::string> started = runner1.started();
  std::vector<std::string> expected;
  for (VertexIndex v : graph.Closure(targets)) expected.push_back(testing::CommandOf(graph.vertex(v)));
  CHECK(started == expected);
}

TEST_CASE("only the subgraph the targets need runs") {
  TestGraph g;
  VertexIndex root = g.Root("root");
  VertexIndex wanted = g.Run("wanted", {root});
  VertexIndex unwanted = g.Run("unwanted", {root});
  VertexIndex other_root = g.Root("other-root");
  g.Run("unwanted-child", {other_root, unwanted});
  graph::BuildGraph graph = g.Build();

  FakeRunner runner;
  InMemoryCacheIndex cache;
  SolveResult result = SolveWith(graph, runner, cache, {wanted});
  REQUIRE(result.status.ok());
  std::vector<std::string> started = runner.started();
  std::sort(started.begin(), started.end());
  CHECK(started == std::vector<std::string>{"root", "wanted"});
  CHECK(result.vertices.size() == 2);
  CHECK(result.vertices.count(root) == 1);
  CHECK(result.vertices.count(wanted) == 1);
}

TEST_CASE("an external cancellation stops the build") {
  TestGraph g;
  VertexIndex root = g.Root("root");
  VertexIndex a = g.Run("a", {root});
  graph::BuildGraph graph = g.Build();
  CancelToken token;
  token.Cancel();
  FakeRunner runner;
  InMemoryCacheIndex cache;
  SolveResult result = SolveWith(graph, runner, cache, {a}, {.cancel = &token});
  CHECK(result.status.code() == StatusCode::kCancelled);
  CHECK(runner.started().empty());
  CHECK(result.summary.skipped == 2);
}

TEST_CASE("an unknown target is refused") {
  TestGraph g;
  g.Root("root");
  graph::BuildGraph graph = g.Build();
  FakeRunner runner;
  InMemoryCacheIndex cache;
  SolveResult result = SolveWith(graph, runner, cache, {7});
  CHECK(result.status.code() == StatusCode::kInvalidArgument);
}

TEST_CASE("step output reaches the progress sink as log events") {
  TestGraph g;
  VertexIndex root = g.Root("root");
  graph::BuildGraph graph = g.Build();
  FakeRunner runner;
  InMemoryCacheIndex cache;
  RecordingProgress progress;
  REQUIRE(SolveWith(graph, runner, cache, {root}, {}, &progress).status.ok());
  std::vector<ProgressEvent> events = progress.events();
  REQUIRE(events.size() == 4);
  CHECK(events[0].state == StepState::kWaiting);
  CHECK(events[1].state == StepState::kRunning);
  CHECK(events[2].logs == std::vector<std::string>{"running root"});
  CHECK(events[3].state == StepState::kDone);
  CHECK(events[3].started.has_value());
  CHECK(events[3].completed.has_value());
}

TEST_CASE("a step that names the same input twice waits for it once") {
  TestGraph g;
  VertexIndex root = g.Root("root");
  VertexIndex twice = g.Run("twice", {root, root});
  graph::BuildGraph graph = g.Build();
  FakeRunner runner;
  InMemoryCacheIndex cache;
  SolveResult result = SolveWith(graph, runner, cache, {twice}, {.jobs = 2});
  REQUIRE(result.status.ok());
  CHECK(runner.started() == std::vector<std::string>{"root", "twice"});
}

TEST_CASE("cancel token callbacks") {
  CancelToken token;
  int calls = 0;
  {
    CancelToken::Registration dropped = token.OnCancel([&] { calls += 100; });
  }
  CancelToken::Registration kept = token.OnCancel([&] { ++calls; });
  CHECK(!token.IsCancelled());
  token.Cancel();
  token.Cancel();
  CHECK(token.IsCancelled());
  CHECK(calls == 1);
  CancelToken::Registration late = token.OnCancel([&] { ++calls; });  // runs at once
  CHECK(calls == 2);
}

}  // namespace
}  // namespace mybuild::solver
