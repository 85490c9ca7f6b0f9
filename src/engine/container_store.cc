#include "src/engine/container_store.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>

#include "cache/file_lock.h"
#include "src/base/files.h"

namespace mybuild::engine {
namespace {

constexpr uint64_t kMaxRecordBytes = 1 << 20;

nlohmann::json ToJson(const ContainerRecord& record) {
  return {{"id", record.id},       {"name", record.name},         {"image", record.image},
          {"image_digest", record.image_digest}, {"args", record.args}, {"created", record.created},
          {"state", record.state}, {"exit_code", record.exit_code}, {"snapshot", record.snapshot},
          {"pid", record.pid}};
}

StatusOr<ContainerRecord> FromJson(const std::string& text, const std::string& what) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return DataLoss(what + " is not a JSON object");
  try {
    ContainerRecord record;
    record.id = json.at("id").get<std::string>();
    record.name = json.value("name", "");
    record.image = json.value("image", "");
    record.image_digest = json.value("image_digest", "");
    record.args = json.value("args", std::vector<std::string>());
    record.created = json.value("created", "");
    record.state = json.value("state", "created");
    record.exit_code = json.value("exit_code", 0);
    record.snapshot = json.value("snapshot", "");
    record.pid = json.value("pid", int64_t{0});
    return record;
  } catch (const nlohmann::json::exception& error) {
    return DataLoss(what + ": " + error.what());
  }
}

bool IsContainerId(const std::string& id) {
  return id.size() == 64 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// A record is state, not data: written atomically (temp, rename), without waiting for the disk.
Status WriteRecord(const std::filesystem::path& path, const std::string& content) {
  const std::filesystem::path temp = path.string() + ".tmp";
  UniqueFd fd(open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd.valid()) return ErrnoError("open " + temp.string());
  MB_RETURN_IF_ERROR(WriteAll(fd.get(), content, temp.string()));
  if (rename(temp.c_str(), path.c_str()) < 0) return ErrnoError("rename " + temp.string());
  return Status::Ok();
}

}  // namespace

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
  MB_RETURN_IF_ERROR(WriteRecord(container_dir / "config.json", ToJson(record).dump()));
  return record;
}

Status ContainerStore::Update(const ContainerRecord& record) {
  if (!IsContainerId(record.id)) return InvalidArgument("\"" + record.id + "\" is not a container id");
  return WriteRecord(dir_ / record.id / "config.json", ToJson(record).dump());
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
    StatusOr<std::string> text = ReadFile(entry.path() / "config.json", kMaxRecordBytes);
    if (!text.ok()) continue;  // being created or removed right now
    StatusOr<ContainerRecord> record = FromJson(*text, (entry.path() / "config.json").string());
    if (record.ok() && record->id == id) records.push_back(std::move(*record));
  }
  if (error) return Status(StatusCode::kIo, "list " + dir_.string() + ": " + error.message());
  std::sort(records.begin(), records.end(), [](const ContainerRecord& a, const ContainerRecord& b) {
    return std::tie(a.created, a.id) < std::tie(b.created, b.id);
  });
  return records;
}

}  // namespace mybuild::engine
