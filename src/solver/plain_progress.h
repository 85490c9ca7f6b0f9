// `--progress=plain`: one line per event, for logs and CI. Steps are numbered in order of first
// appearance (the solver announces every step as waiting first, in graph order):
//   #3 [2/5] RUN make              the step started
//   #3 0.412 cc -c main.c          an output line, seconds since the step started
//   #3 DONE 1.2s                   finished, with its duration
//   #2 [1/5] FROM alpine           (name) then
//   #2 CACHED                      taken from the cache
//   #4 ERROR: exit code 2          failed;  "#5 CANCELED" when stopped by a cancellation
// and at the end the summary line (progress.h FormatSummary) followed by the elapsed time.
#ifndef MYBUILD_SOLVER_PLAIN_PROGRESS_H_
#define MYBUILD_SOLVER_PLAIN_PROGRESS_H_

#include <map>
#include <mutex>
#include <ostream>

#include "src/solver/progress.h"

namespace mybuild::solver {

class PlainProgress final : public ProgressSink {
 public:
  explicit PlainProgress(std::ostream& out) : out_(out) {}

  void OnEvent(const ProgressEvent& event) override;
  void OnFinish(const SolveSummary& summary) override;

 private:
  struct Step {
    int number = 0;
    bool named = false;  // its name line was printed
  };
  Step& StepFor(const Digest& digest);  // requires mutex_

  std::mutex mutex_;
  std::ostream& out_;
  std::map<Digest, Step> steps_;
};

}  // namespace mybuild::solver

#endif  // MYBUILD_SOLVER_PLAIN_PROGRESS_H_
