#include "src/solver/plain_progress.h"

#include <cstdio>

namespace mybuild::solver {

PlainProgress::Step& PlainProgress::StepFor(const Digest& digest) {
  auto [it, inserted] = steps_.try_emplace(digest);
  if (inserted) it->second.number = static_cast<int>(steps_.size());
  return it->second;
}

void PlainProgress::OnEvent(const ProgressEvent& event) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (event.state == StepState::kWaiting) {
    StepFor(event.digest);
    return;
  }
  Step& step = StepFor(event.digest);
  const std::string prefix = "#" + std::to_string(step.number) + " ";
  // Every step's output starts with its name, whatever its first visible event is.
  if (!step.named) {
    out_ << prefix << event.name << '\n';
    step.named = true;
    if (event.state == StepState::kRunning && event.logs.empty()) {
      out_.flush();
      return;
    }
  }
  auto duration = [&] {
    if (!event.started || !event.completed) return std::string("0.0s");
    return FormatDuration(*event.completed - *event.started);
  };
  switch (event.state) {
    case StepState::kWaiting:
      return;
    case StepState::kRunning:
      for (const std::string& line : event.logs) {
        const auto since = event.started ? event.time - *event.started : std::chrono::nanoseconds(0);
        const double seconds = std::chrono::duration<double>(since).count();
        char stamp[32];
        std::snprintf(stamp, sizeof stamp, "%.3f ", seconds < 0 ? 0.0 : seconds);
        out_ << prefix << stamp << line << '\n';
      }
      break;
    case StepState::kCached:
      out_ << prefix << "CACHED\n";
      break;
    case StepState::kDone:
      out_ << prefix << "DONE " << duration() << '\n';
      break;
    case StepState::kError:
      out_ << prefix << "ERROR: " << event.error << '\n';
      break;
    case StepState::kCanceled:
      out_ << prefix << "CANCELED\n";
      break;
  }
  out_.flush();
}

void PlainProgress::OnFinish(const SolveSummary& summary) {
  std::lock_guard<std::mutex> lock(mutex_);
  out_ << FormatSummary(summary) << " in " << FormatDuration(summary.elapsed) << '\n';
  out_.flush();
}

}  // namespace mybuild::solver
