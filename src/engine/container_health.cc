#include "src/engine/container_health.h"

#include <chrono>
#include <thread>

#include "src/base/files.h"

namespace mybuild::engine {

std::optional<HealthState> ReadHealth(const ContainerStore& store, const ContainerRecord& record) {
  const auto& check = record.settings.healthcheck;
  if (!check || check->test.empty() || check->test[0] == "NONE") return std::nullopt;
  const std::filesystem::path path = store.ContainerDir(record.id) / "health.json";
  StatusOr<std::optional<std::string>> text = ReadFileIfPresent(path, 1 << 16);
  if (!text.ok() || !*text) return std::nullopt;
  StatusOr<HealthState> state = ParseHealth(**text, path.string());
  return state.ok() ? std::optional<HealthState>(*state) : std::nullopt;
}

Status WaitHealthy(ContainerStore& store, const std::string& id) {
  for (;;) {
    MB_ASSIGN_OR_RETURN(ContainerRecord record, store.Load(id));
    const std::string name = record.name.empty() ? id.substr(0, 12) : record.name;
    const auto& check = record.settings.healthcheck;
    if (!check || check->test.empty() || check->test[0] == "NONE") return NotFound("container " + name + " has no healthcheck");
    const bool running = record.state.state == "running" && store.MonitorAlive(id);
    std::optional<HealthState> health = ReadHealth(store, record);
    if (health && health->status == "healthy" && running) return Status::Ok();
    if (health && health->status == "unhealthy") return FailedPrecondition("container " + name + " is unhealthy");
    if (!running && record.state.state != "created") {
      return FailedPrecondition("container " + name + " exited (" + std::to_string(record.state.exit_code) + ") before it was healthy");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace mybuild::engine
