// `--progress=rawjson`: one JSON object per line and event, keys sorted:
//   {"cached":false,"completed":null,"digest":"sha256:…","error":"","logs":[],"name":"[2/5] RUN make",
//    "started":"2026-01-02T03:04:05.678Z","state":"running","time":"2026-01-02T03:04:05.678Z"}
// Times are UTC RFC 3339 with milliseconds, or null when not set. Bytes that are not UTF-8 in names,
// logs or errors are replaced by U+FFFD. The last line is {"summary":{…}} with the counts of
// progress.h SolveSummary ("total", "ran", "cached", "failed", "canceled", "skipped", "elapsedSeconds").
#ifndef MYBUILD_SOLVER_JSON_PROGRESS_H_
#define MYBUILD_SOLVER_JSON_PROGRESS_H_

#include <mutex>
#include <ostream>
#include <string>

#include "src/solver/progress.h"

namespace mybuild::solver {

class JsonProgress final : public ProgressSink {
 public:
  explicit JsonProgress(std::ostream& out) : out_(out) {}

  void OnEvent(const ProgressEvent& event) override;
  void OnFinish(const SolveSummary& summary) override;

 private:
  std::mutex mutex_;
  std::ostream& out_;
};

// "2026-01-02T03:04:05.678Z".
std::string FormatRfc3339(TimePoint time);

}  // namespace mybuild::solver

#endif  // MYBUILD_SOLVER_JSON_PROGRESS_H_
