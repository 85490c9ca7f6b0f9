#include "src/solver/json_progress.h"

#include <ctime>

#include <nlohmann/json.hpp>

namespace mybuild::solver {
namespace {

nlohmann::json TimeOrNull(const std::optional<TimePoint>& time) {
  if (!time) return nullptr;
  return FormatRfc3339(*time);
}

std::string Dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string FormatRfc3339(TimePoint time) {
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  long long fraction = millis % 1000;
  if (fraction < 0) {
    fraction += 1000;
    --seconds;
  }
  std::tm utc {};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, fraction);
  return buffer;
}

void JsonProgress::OnEvent(const ProgressEvent& event) {
  nlohmann::json line = {
      {"digest", event.digest.ToString()},
      {"name", event.name},
      {"state", StepStateName(event.state)},
      {"cached", event.state == StepState::kCached},
      {"time", FormatRfc3339(event.time)},
      {"started", TimeOrNull(event.started)},
      {"completed", TimeOrNull(event.completed)},
      {"logs", event.logs},
      {"error", event.error},
  };
  std::string text = Dump(line);
  std::lock_guard<std::mutex> lock(mutex_);
  out_ << text << '\n';
  out_.flush();
}

void JsonProgress::OnFinish(const SolveSummary& summary) {
  nlohmann::json line = {{"summary",
                          {{"total", summary.total},
                           {"ran", summary.ran},
                           {"cached", summary.cached},
                           {"failed", summary.failed},
                           {"canceled", summary.canceled},
                           {"skipped", summary.skipped},
                           {"elapsedSeconds", std::chrono::duration<double>(summary.elapsed).count()}}}};
  std::string text = Dump(line);
  std::lock_guard<std::mutex> lock(mutex_);
  out_ << text << '\n';
  out_.flush();
}

}  // namespace mybuild::solver
