// Progress events from the solver, and the sink interface that displays them.
//
// Event protocol, per step (identified by its definition digest; equal steps are one step):
//   kWaiting once at the start of a solve, for every step that may run, in graph order;
//   then either kCached, or kRunning → (log events)* → kDone | kError | kCanceled;
//   steps that never start (a dependency failed, or the build was cancelled) get no further event.
// A log event has state kRunning and non-empty `logs`; state events have empty `logs`.
// At the end the solver calls OnFinish once with the summary.
// Sinks must be thread-safe: events for different steps arrive from different threads.
#ifndef MYBUILD_SOLVER_PROGRESS_H_
#define MYBUILD_SOLVER_PROGRESS_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/digest.h"

namespace mybuild::solver {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

enum class StepState { kWaiting, kRunning, kCached, kDone, kError, kCanceled };

// "waiting", "running", "cached", "done", "error", "canceled".
const char* StepStateName(StepState state);

struct ProgressEvent {
  Digest digest;
  std::string name;
  StepState state = StepState::kWaiting;
  TimePoint time;                      // when this event happened
  std::optional<TimePoint> started;    // set from kRunning on (and on kCached)
  std::optional<TimePoint> completed;  // set on kCached, kDone, kError, kCanceled
  std::vector<std::string> logs;       // output lines, without their newline
  std::string error;                   // kError: the failure's message, its first line only: the output
                                       // a RUN's error quotes was shown as the step's logs already
};

// Counts of distinct steps in one solve.
struct SolveSummary {
  int total = 0;
  int ran = 0;
  int cached = 0;
  int failed = 0;
  int canceled = 0;  // were running when the build was cancelled
  int skipped = 0;   // never started
  std::chrono::nanoseconds elapsed{0};
};

// "N steps: X ran, Y cached", then ", Z failed" / ", W canceled" / ", V skipped" when non-zero.
std::string FormatSummary(const SolveSummary& summary);

// "1.2s" (one decimal below a minute), "2m03s" from a minute on.
std::string FormatDuration(std::chrono::nanoseconds duration);

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void OnEvent(const ProgressEvent& event) = 0;
  virtual void OnFinish(const SolveSummary& summary) {}
};

// Shows nothing (`--progress=quiet`).
class QuietProgress final : public ProgressSink {
 public:
  void OnEvent(const ProgressEvent&) override {}
};

// What a StepRunner uses to report output for the step it runs. Thread-safe as the sink is.
class StepLog {
 public:
  StepLog(ProgressSink& sink, Digest digest, std::string name, TimePoint started)
      : sink_(sink), digest_(std::move(digest)), name_(std::move(name)), started_(started) {}

  // Reports one or more lines of output; `text` is split at '\n' (a trailing newline adds no line).
  void Write(std::string_view text);

 private:
  ProgressSink& sink_;
  Digest digest_;
  std::string name_;
  TimePoint started_;
};

}  // namespace mybuild::solver

#endif  // MYBUILD_SOLVER_PROGRESS_H_
