// A container's state file, ROOT/containers/ID/state.json (container_store.h has the layout):
//   {"state":"created|running|exited","exit_code":N,"pid":N,"monitor_pid":N,
//    "started_at":"RFC 3339","finished_at":"RFC 3339","error":"…"}
// Kept apart from the store so that the small monitor program (src/monitor) can write it without the
// rest of the engine.
#ifndef MYBUILD_ENGINE_CONTAINER_STATE_FILE_H_
#define MYBUILD_ENGINE_CONTAINER_STATE_FILE_H_

#include <cstdint>
#include <filesystem>
#include <string>

#include "src/base/status.h"

namespace mybuild::engine {

struct ContainerState {
  std::string state = "created";  // created | running | exited
  int exit_code = 0;
  int64_t pid = 0;          // the container's PID 1 while running
  int64_t monitor_pid = 0;  // the process holding it while running
  std::string started_at;
  std::string finished_at;
  std::string error;  // why its last start failed, or why its monitor stopped
};

std::string StateJson(const ContainerState& state);
// Errors name `what` (the file).
StatusOr<ContainerState> ParseState(const std::string& text, const std::string& what);

// Writes `content` to `path` atomically (a temp file beside it, then rename), without waiting for the
// disk: records are state, not data.
Status WriteRecordFile(const std::filesystem::path& path, const std::string& content);
inline Status WriteStateFile(const std::filesystem::path& path, const ContainerState& state) {
  return WriteRecordFile(path, StateJson(state));
}

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_STATE_FILE_H_
