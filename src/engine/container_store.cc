#include "src/engine/container_store.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>

#include "src/base/files.h"

namespace mybuild::engine {
namespace {

constexpr uint64_t kMaxRecordBytes = 1 << 20;

nlohmann::json ConfigToJson(const ContainerRecord& record) {
  return {{"id", record.id},
          {"name", record.name},
          {"image", record.image},
          {"image_digest", record.image_digest},
          {"args", record.args},
          {"created", record.created},
          {"snapshot", record.snapshot},
          {"labels", record.labels},
          {"settings", SettingsToJson(record.settings)}};
}

StatusOr<nlohmann::json> ParseObject(const std::filesystem::path& path) {
  MB_ASSIGN_OR_RETURN(std::string text, ReadFile(path, kMaxRecordBytes));
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return DataLoss(path.string() + " is not a JSON object");
  return json;
}

StatusOr<ContainerRecord> ConfigFromJson(const nlohmann::json& json, const std::string& what) {
  try {
    ContainerRecord record;
    record.id = json.at("id").get<std::string>();
    record.name = json.value("name", "");
    record.image = json.value("image", "");
    record.image_digest = json.value("image_digest", "");
    record.args = json.value("args", std::vector<std::string>());
    record.created = json.value("created", "");
    record.snapshot = json.value("snapshot", "");
    record.labels = json.value("labels", std::map<std::string, std::string>());
    MB_ASSIGN_OR_RETURN(record.settings, SettingsFromJson(json.at("settings"), what));
    return record;
  } catch (const nlohmann::json::exception& error) {
    return DataLoss(what + ": " + error.what());
  }
}

}  // namespace

bool IsContainerId(std::string_view id) {
  return id.size() == 64 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

StatusOr<std::string> NewContainerId() {
  unsigned char bytes[32];
  size_t done = 0;
  while (done < sizeof bytes) {
    ssize_t n = getrandom(bytes + done, sizeof bytes - done, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("getrandom");
    done += static_cast<size_t>(n);
  }
  static const char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char byte : bytes) {
    id.push_back(kHex[byte >> 4]);
    id.push_back(kHex[byte & 15]);
  }
  return id;
}

StatusOr<ContainerStore> ContainerStore::Open(const std::filesystem::path& root) {
  std::filesystem::path dir = root / "containers";
  if (mkdir(dir.c_str(), 0700) < 0 && errno != EEXIST) return ErrnoError("mkdir " + dir.string());
  return ContainerStore(dir);
}

StatusOr<ContainerRecord> ContainerStore::Create(ContainerRecord record) {
  MB_ASSIGN_OR_RETURN(cache::FileLock lock, cache::FileLock::Acquire(dir_ / "lock", cache::FileLock::Mode::kExclusive));
  if (!record.name.empty()) {
    MB_ASSIGN_OR_RETURN(std::vector<ContainerRecord> existing, List());
    for (const ContainerRecord& other : existing) {
      if (other.name == record.name) {
        return AlreadyExists("the container name \"" + record.name + "\" is already in use by container " +
                             other.id.substr(0, 12) + " (remove it or choose another --name)");
      }
    }
  }
  if (record.id.empty()) {
    MB_ASSIGN_OR_RETURN(record.id, NewContainerId());
  }
  if (record.snapshot.empty()) record.snapshot = "container-" + record.id;
  const std::filesystem::path container_dir = dir_ / record.id;
  if (mkdir(container_dir.c_str(), 0700) < 0) return ErrnoError("mkdir " + container_dir.string());
  MB_RETURN_IF_ERROR(WriteStateFile(container_dir / "state.json", record.state));
  MB_RETURN_IF_ERROR(WriteRecordFile(container_dir / "config.json", ConfigToJson(record).dump()));
  return record;
}

Status ContainerStore::WriteState(const std::string& id, const ContainerState& state) {
  if (!IsContainerId(id)) return InvalidArgument("\"" + id + "\" is not a container id");
  return WriteStateFile(dir_ / id / "state.json", state);
}

StatusOr<ContainerRecord> ContainerStore::Load(const std::string& id) const {
  if (!IsContainerId(id)) return InvalidArgument("\"" + id + "\" is not a container id");
  const std::filesystem::path config_path = dir_ / id / "config.json";
  StatusOr<nlohmann::json> config = ParseObject(config_path);
  if (!config.ok() && config.status().code() == StatusCode::kNotFound) return NotFound("no such container: " + id);
  MB_RETURN_IF_ERROR(config.status());
  MB_ASSIGN_OR_RETURN(ContainerRecord record, ConfigFromJson(*config, config_path.string()));
  if (record.id != id) return DataLoss(config_path.string() + " names another container (" + record.id + ")");
  const std::filesystem::path state_path = dir_ / id / "state.json";
  MB_ASSIGN_OR_RETURN(std::string state, ReadFile(state_path, kMaxRecordBytes));
  MB_ASSIGN_OR_RETURN(record.state, ParseState(state, state_path.string()));
  return record;
}

Status ContainerStore::Remove(const std::string& id) {
  if (!IsContainerId(id)) return InvalidArgument("\"" + id + "\" is not a container id");
  MB_ASSIGN_OR_RETURN(cache::FileLock lock, cache::FileLock::Acquire(dir_ / "lock", cache::FileLock::Mode::kExclusive));
  std::error_code error;
  std::filesystem::remove_all(dir_ / id, error);
  if (error) return Status(StatusCode::kIo, "remove " + (dir_ / id).string() + ": " + error.message());
  return Status::Ok();
}

StatusOr<std::vector<ContainerRecord>> ContainerStore::List() const {
  std::vector<ContainerRecord> records;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, error)) {
    const std::string id = entry.path().filename().string();
    if (!IsContainerId(id)) continue;
    StatusOr<ContainerRecord> record = Load(id);
    if (record.ok()) records.push_back(std::move(*record));  // else being created or removed right now
  }
  if (error) return Status(StatusCode::kIo, "list " + dir_.string() + ": " + error.message());
  std::sort(records.begin(), records.end(), [](const ContainerRecord& a, const ContainerRecord& b) {
    return std::tie(a.created, a.id) < std::tie(b.created, b.id);
  });
  return records;
}

StatusOr<cache::FileLock> ContainerStore::Lock(const std::string& id) const {
  if (!IsContainerId(id)) return InvalidArgument("\"" + id + "\" is not a container id");
  return cache::FileLock::Acquire(dir_ / id / "lock", cache::FileLock::Mode::kExclusive);
}

bool ContainerStore::MonitorAlive(const std::string& id) const {
  if (!IsContainerId(id)) return false;
  StatusOr<std::optional<cache::FileLock>> probe =
      cache::FileLock::TryAcquire(MonitorLockPath(id), cache::FileLock::Mode::kShared);
  return probe.ok() && !probe->has_value();
}

}  // namespace mybuild::engine
