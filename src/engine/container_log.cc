#include "src/engine/container_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "src/base/files.h"
#include "src/engine/container_time.h"

namespace mybuild::engine {

std::string FormatLogLine(const LogEntry& entry) {
  nlohmann::json json = {{"log", entry.text},
                         {"stream", entry.stream == LogStream::kStderr ? "stderr" : "stdout"},
                         {"time", entry.time}};
  // Output is bytes, not always UTF-8: invalid sequences become U+FFFD rather than failing the log.
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

StatusOr<LogEntry> ParseLogLine(std::string_view line) {
  nlohmann::json json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("log") || !json["log"].is_string()) {
    return DataLoss("a log line is not {\"log\":…,\"stream\":…,\"time\":…}");
  }
  LogEntry entry;
  entry.text = json["log"].get<std::string>();
  entry.stream = json.value("stream", "stdout") == "stderr" ? LogStream::kStderr : LogStream::kStdout;
  entry.time = json.value("time", "");
  return entry;
}

StatusOr<LogWriter> LogWriter::Open(const std::filesystem::path& path) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd.valid()) return ErrnoError("open " + path.string());
  return LogWriter(std::move(fd), path.string());
}

Status LogWriter::Emit(LogStream stream, std::string_view text) {
  LogEntry entry{stream, std::string(text), FormatTimeNanos(NowNanos())};
  return WriteAll(fd_.get(), FormatLogLine(entry), path_);
}

Status LogWriter::Write(LogStream stream, std::string_view bytes) {
  std::string& partial = partial_[stream == LogStream::kStderr ? 1 : 0];
  while (!bytes.empty()) {
    size_t newline = bytes.find('\n');
    size_t room = kMaxLogLine - partial.size();
    if (newline != std::string_view::npos && newline < room) {
      partial.append(bytes.substr(0, newline + 1));
      bytes.remove_prefix(newline + 1);
      MB_RETURN_IF_ERROR(Emit(stream, partial));
      partial.clear();
    } else if (bytes.size() >= room) {
      partial.append(bytes.substr(0, room));
      bytes.remove_prefix(room);
      MB_RETURN_IF_ERROR(Emit(stream, partial));
      partial.clear();
    } else {
      partial.append(bytes);
      break;
    }
  }
  if (partial.capacity() > kMaxLogLine * 2) partial.shrink_to_fit();
  return Status::Ok();
}

Status LogWriter::Flush(LogStream stream) {
  std::string& partial = partial_[stream == LogStream::kStderr ? 1 : 0];
  if (partial.empty()) return Status::Ok();
  Status written = Emit(stream, partial);
  partial.clear();
  return written;
}

StatusOr<LogReader> LogReader::Open(const std::filesystem::path& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return ErrnoError("open " + path.string());
  return LogReader(std::move(fd), path.string());
}

StatusOr<std::vector<LogEntry>> LogReader::ReadAvailable() {
  char buffer[65536];
  for (;;) {
    ssize_t n = read(fd_.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("read " + path_);
    if (n == 0) break;
    pending_.append(buffer, static_cast<size_t>(n));
  }
  std::vector<LogEntry> entries;
  size_t start = 0;
  for (size_t newline; (newline = pending_.find('\n', start)) != std::string::npos; start = newline + 1) {
    StatusOr<LogEntry> entry = ParseLogLine(std::string_view(pending_).substr(start, newline - start));
    if (!entry.ok()) return entry.status().WithContext(path_);
    entries.push_back(std::move(*entry));
  }
  pending_.erase(0, start);
  return entries;
}

}  // namespace mybuild::engine
