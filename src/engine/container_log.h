// A container's output as docker's json-file log driver keeps it: one JSON object per line,
//   {"log":"the line, with its \n","stream":"stdout|stderr","time":"RFC 3339 with nanoseconds"}
// A line is one entry; a line longer than kMaxLogLine, and the last bytes before the end of a stream,
// are entries without the "\n". The writer holds at most one partial line per stream.
#ifndef MYBUILD_ENGINE_CONTAINER_LOG_H_
#define MYBUILD_ENGINE_CONTAINER_LOG_H_

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"
#include "src/base/unique_fd.h"

namespace mybuild::engine {

inline constexpr size_t kMaxLogLine = 16 * 1024;

enum class LogStream { kStdout, kStderr };

struct LogEntry {
  LogStream stream = LogStream::kStdout;
  std::string text;
  std::string time;
};

class LogWriter {
 public:
  // Appends to `path` (created 0600 when missing).
  static StatusOr<LogWriter> Open(const std::filesystem::path& path);
  // Output as it comes: complete lines are written at once, the rest waits for its end.
  Status Write(LogStream stream, std::string_view bytes);
  // The end of `stream`: its partial line becomes an entry.
  Status Flush(LogStream stream);

 private:
  LogWriter(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  Status Emit(LogStream stream, std::string_view text);
  UniqueFd fd_;
  std::string path_;
  std::string partial_[2];
};

// Reads a log as it grows: each ReadAvailable() returns the entries completed since the last call
// (a line the writer has not finished yet waits for the next call).
class LogReader {
 public:
  static StatusOr<LogReader> Open(const std::filesystem::path& path);
  StatusOr<std::vector<LogEntry>> ReadAvailable();

 private:
  LogReader(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  UniqueFd fd_;
  std::string path_;
  std::string pending_;
};

// One log line as an entry; an error names the line's problem.
StatusOr<LogEntry> ParseLogLine(std::string_view line);
std::string FormatLogLine(const LogEntry& entry);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_LOG_H_
