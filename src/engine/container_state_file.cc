#include "src/engine/container_state_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "src/base/files.h"
#include "src/base/unique_fd.h"

namespace mybuild::engine {

std::string StateJson(const ContainerState& state) {
  nlohmann::json json = {{"state", state.state},
                         {"exit_code", state.exit_code},
                         {"pid", state.pid},
                         {"monitor_pid", state.monitor_pid},
                         {"started_at", state.started_at},
                         {"finished_at", state.finished_at},
                         {"error", state.error}};
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

StatusOr<ContainerState> ParseState(const std::string& text, const std::string& what) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return DataLoss(what + " is not a JSON object");
  try {
    ContainerState state;
    state.state = json.value("state", "created");
    state.exit_code = json.value("exit_code", 0);
    state.pid = json.value("pid", int64_t{0});
    state.monitor_pid = json.value("monitor_pid", int64_t{0});
    state.started_at = json.value("started_at", "");
    state.finished_at = json.value("finished_at", "");
    state.error = json.value("error", "");
    return state;
  } catch (const nlohmann::json::exception& error) {
    return DataLoss(what + ": " + error.what());
  }
}

Status WriteRecordFile(const std::filesystem::path& path, const std::string& content) {
  const std::filesystem::path temp = path.string() + ".tmp";
  UniqueFd fd(open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd.valid()) return ErrnoError("open " + temp.string());
  MB_RETURN_IF_ERROR(WriteAll(fd.get(), content, temp.string()));
  if (rename(temp.c_str(), path.c_str()) < 0) return ErrnoError("rename " + temp.string());
  return Status::Ok();
}

}  // namespace mybuild::engine
