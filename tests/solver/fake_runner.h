// A StepRunner that touches no disk: results are strings derived from the step's digest and its inputs'
// results, and tests can give a step (by its command, the exec op's args[1]) its own behaviour. It
// records the order in which steps start and end, and how many run at once.
#ifndef MYBUILD_TESTS_SOLVER_FAKE_RUNNER_H_
#define MYBUILD_TESTS_SOLVER_FAKE_RUNNER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "src/graph/build_graph.h"
#include "src/solver/step_runner.h"

namespace mybuild::solver::testing {

// The command of an exec vertex, or its name for other ops.
inline std::string CommandOf(const graph::Vertex& vertex) {
  if (const auto* exec = std::get_if<graph::ExecOp>(&vertex.op)) return exec->args.size() > 1 ? exec->args[1] : "";
  return vertex.name;
}

class FakeRunner : public StepRunner {
 public:
  using Behaviour = std::function<StatusOr<StepResult>(const graph::Vertex&, CancelToken&, StepLog&)>;

  // What a step does, by command. Steps without one succeed at once.
  std::map<std::string, Behaviour> behaviours;
  // Commands whose cache key is not cacheable.
  std::vector<std::string> not_cacheable;
  // Commands whose cached results CanReuse refuses.
  std::vector<std::string> not_reusable;
  // Commands whose ComputeCacheKey fails.
  std::vector<std::string> key_fails;

  StatusOr<CacheKey> ComputeCacheKey(const graph::Vertex& vertex, std::span<const StepInput> inputs) override {
    const std::string command = CommandOf(vertex);
    if (Contains(key_fails, command)) return Status(StatusCode::kNotFound, "no such file: " + command);
    return CacheKey{CombineCacheKey(vertex, inputs, ""), !Contains(not_cacheable, command)};
  }

  bool CanReuse(const graph::Vertex& vertex, const StepResult&) override {
    return !Contains(not_reusable, CommandOf(vertex));
  }

  StatusOr<StepResult> Run(const graph::Vertex& vertex, std::span<const StepInput> inputs, CancelToken& cancel,
                           StepLog& log) override {
    const std::string command = CommandOf(vertex);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      started_.push_back(command);
      start_seq_[command] = seq_++;
      const int now = ++running_;
      if (now > max_running_) max_running_ = now;
    }
    changed_.notify_all();
    log.Write("running " + command + "\n");

    StatusOr<StepResult> result = StepResult{};
    auto it = behaviours.find(command);
    if (it != behaviours.end()) {
      result = it->second(vertex, cancel, log);
    } else {
      std::string ref = "r" + vertex.digest.hex().substr(0, 8) + "(";
      for (const StepInput& input : inputs) ref += input.result.ref + ",";
      result = StepResult{ref + ")"};
    }

    {
      std::lock_guard<std::mutex> lock(mutex_);
      --running_;
      end_seq_[command] = seq_++;
    }
    changed_.notify_all();
    return result;
  }

  // Blocks until `predicate` (called under the runner's lock) holds; false after a deadlock guard of
  // 60 s, which only a broken scheduler reaches (no test asserts on time).
  bool WaitUntil(const std::function<bool()>& predicate) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(60), predicate);
  }
  void Notify() { changed_.notify_all(); }

  std::vector<std::string> started() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return started_;
  }
  bool HasStarted(const std::string& command) const { return start_seq_.count(command) > 0; }  // under lock
  int max_running() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return max_running_;
  }
  int max_running_locked() const { return max_running_; }
  std::map<std::string, int> start_seq() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return start_seq_;
  }
  std::map<std::string, int> end_seq() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return end_seq_;
  }

 private:
  static bool Contains(const std::vector<std::string>& list, const std::string& value) {
    for (const std::string& item : list) {
      if (item == value) return true;
    }
    return false;
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> started_;
  std::map<std::string, int> start_seq_;
  std::map<std::string, int> end_seq_;
  int seq_ = 0;
  int running_ = 0;
  int max_running_ = 0;
};

}  // namespace mybuild::solver::testing

#endif  // MYBUILD_TESTS_SOLVER_FAKE_RUNNER_H_
