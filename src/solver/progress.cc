#include "src/solver/progress.h"

#include <cstdio>

namespace mybuild::solver {

const char* StepStateName(StepState state) {
  switch (state) {
    case StepState::kWaiting:
      return "waiting";
    case StepState::kRunning:
      return "running";
    case StepState::kCached:
      return "cached";
    case StepState::kDone:
      return "done";
    case StepState::kError:
      return "error";
    case StepState::kCanceled:
      return "canceled";
  }
  return "unknown";
}

std::string FormatSummary(const SolveSummary& summary) {
  std::string out = std::to_string(summary.total) + (summary.total == 1 ? " step: " : " steps: ") +
                    std::to_string(summary.ran) + " ran, " + std::to_string(summary.cached) + " cached";
  if (summary.failed > 0) out += ", " + std::to_string(summary.failed) + " failed";
  if (summary.canceled > 0) out += ", " + std::to_string(summary.canceled) + " canceled";
  if (summary.skipped > 0) out += ", " + std::to_string(summary.skipped) + " skipped";
  return out;
}

std::string FormatDuration(std::chrono::nanoseconds duration) {
  if (duration.count() < 0) duration = std::chrono::nanoseconds(0);
  const long long tenths = duration.count() / 100'000'000;
  char buffer[32];
  if (tenths < 600) {
    std::snprintf(buffer, sizeof buffer, "%lld.%llds", tenths / 10, tenths % 10);
  } else {
    const long long seconds = tenths / 10;
    std::snprintf(buffer, sizeof buffer, "%lldm%02llds", seconds / 60, seconds % 60);
  }
  return buffer;
}

void StepLog::Write(std::string_view text) {
  ProgressEvent event;
  event.digest = digest_;
  event.name = name_;
  event.state = StepState::kRunning;
  event.started = started_;
  event.time = Clock::now();
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    event.logs.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  if (event.logs.empty()) return;
  sink_.OnEvent(event);
}

}  // namespace mybuild::solver
