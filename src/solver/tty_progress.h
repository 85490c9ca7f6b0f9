// `--progress=tty`: a live display redrawn in place with ANSI escapes, about ten times a second from
// its own thread:
//   [+] Building 12.3s (3/7)
//    => CACHED [1/5] FROM alpine                                         0.0s
//    => [2/5] RUN make                                                   5.1s
//    => => # cc -c main.c
// A header with the elapsed time and finished/total steps, a line per started step with its state and
// elapsed time (running) or duration (finished), and the last output lines of running and failed
// steps. At the end a last frame ("FINISHED") and the summary line. Control characters in output are
// neutralised so that a step cannot move the cursor; text after a carriage return replaces the line.
#ifndef MYBUILD_SOLVER_TTY_PROGRESS_H_
#define MYBUILD_SOLVER_TTY_PROGRESS_H_

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "src/solver/progress.h"

namespace mybuild::solver {

struct TtyProgressOptions {
  std::chrono::milliseconds refresh{100};  // 0 = no refresh thread (tests call Redraw themselves)
  size_t tail_lines = 6;                   // output lines kept per step
  size_t max_steps = 30;                   // step lines shown; the oldest finished ones go first
  size_t width = 100;                      // columns of the terminal
};

class TtyProgress final : public ProgressSink {
 public:
  // `now` is the clock used for elapsed times (injectable for tests).
  explicit TtyProgress(std::ostream& out, TtyProgressOptions options = {},
                       std::function<TimePoint()> now = [] { return Clock::now(); });
  ~TtyProgress() override;
  TtyProgress(const TtyProgress&) = delete;
  TtyProgress& operator=(const TtyProgress&) = delete;

  void OnEvent(const ProgressEvent& event) override;
  // Stops the refresh thread, draws the final frame and prints the summary line.
  void OnFinish(const SolveSummary& summary) override;

  // The display at `now`, one string per line, without escapes.
  std::vector<std::string> Frame(TimePoint now) const;
  // Draws the current frame over the previous one.
  void Redraw();

 private:
  struct Step {
    int number = 0;
    std::string name;
    StepState state = StepState::kWaiting;
    std::optional<TimePoint> started;
    std::optional<TimePoint> completed;
    std::deque<std::string> tail;
  };

  std::vector<std::string> FrameLocked(TimePoint now) const;
  void RedrawLocked();
  void StopThread();

  const TtyProgressOptions options_;
  const std::function<TimePoint()> now_;
  std::ostream& out_;

  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable wake_;
  std::map<Digest, Step> steps_;
  std::optional<TimePoint> first_event_;
  size_t lines_drawn_ = 0;
  bool finished_ = false;
  bool stop_ = false;
  std::thread thread_;  // last: started after the members it uses exist
};

}  // namespace mybuild::solver

#endif  // MYBUILD_SOLVER_TTY_PROGRESS_H_
