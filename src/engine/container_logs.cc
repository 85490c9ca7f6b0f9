#include "src/engine/container_logs.h"

#include <chrono>
#include <deque>
#include <thread>

namespace mybuild::engine {

Status ReadContainerLogs(const ContainerStore& store, const std::string& id, std::optional<size_t> tail, bool follow,
                         const std::function<void(const LogEntry&)>& emit) {
  StatusOr<LogReader> reader = LogReader::Open(store.LogPath(id));
  if (!reader.ok() && reader.status().code() == StatusCode::kNotFound) return Status::Ok();
  MB_RETURN_IF_ERROR(reader.status());
  {
    MB_ASSIGN_OR_RETURN(std::vector<LogEntry> entries, reader->ReadAvailable());
    size_t first = tail && *tail < entries.size() ? entries.size() - *tail : 0;
    for (size_t i = first; i < entries.size(); ++i) emit(entries[i]);
  }
  if (!follow) return Status::Ok();
  for (;;) {
    // Checked before reading: what the monitor wrote before it let go is read below.
    bool running = store.MonitorAlive(id);
    MB_ASSIGN_OR_RETURN(std::vector<LogEntry> entries, reader->ReadAvailable());
    for (const LogEntry& entry : entries) emit(entry);
    if (!running) return Status::Ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace mybuild::engine
