#include "src/solver/cache_index.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <ctime>
#include <system_error>

#include <nlohmann/json.hpp>

#include "src/base/files.h"

namespace mybuild::solver {
namespace {

constexpr int kSchemaVersion = 1;
constexpr uint64_t kMaxRecordBytes = 1 << 20;

struct ParsedRecord {
  StepResult result;
  int64_t created = 0;
};

// The record in `text` when it is one (schema version, the key `key`, a string result); else nullopt.
std::optional<ParsedRecord> ParseRecord(const std::string& text, const Digest& key) {
  nlohmann::json record = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!record.is_object()) return std::nullopt;
  auto version = record.find("schemaVersion");
  auto stored_key = record.find("key");
  auto result = record.find("result");
  if (version == record.end() || !version->is_number_integer() || version->get<int>() != kSchemaVersion ||
      stored_key == record.end() || !stored_key->is_string() || stored_key->get<std::string>() != key.ToString() ||
      result == record.end() || !result->is_string()) {
    return std::nullopt;
  }
  ParsedRecord parsed{StepResult{result->get<std::string>()}, 0};
  auto created = record.find("created");
  if (created != record.end() && created->is_number_integer()) parsed.created = created->get<int64_t>();
  return parsed;
}

}  // namespace

StatusOr<FileCacheIndex> FileCacheIndex::Open(const std::filesystem::path& root) {
  std::filesystem::path dir = root / "cache";
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return ErrnoError("mkdir " + dir.string());
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return ErrnoError("stat " + dir.string());
  if (!S_ISDIR(st.st_mode)) return FailedPrecondition(dir.string() + " is not a directory, expected the cache index");
  return FileCacheIndex(std::move(dir));
}

std::filesystem::path FileCacheIndex::PathFor(const Digest& key) const { return dir_ / (key.hex() + ".json"); }

StatusOr<std::optional<StepResult>> FileCacheIndex::Lookup(const Digest& key) {
  const std::filesystem::path path = PathFor(key);
  StatusOr<std::string> text = ReadFile(path, kMaxRecordBytes);
  if (!text.ok()) {
    switch (text.status().code()) {
      case StatusCode::kNotFound:           // no record
      case StatusCode::kInvalidArgument:    // a directory in the way
      case StatusCode::kResourceExhausted:  // not a record we wrote
        return std::optional<StepResult>();
      default:
        return text.status().WithContext("reading cache record");
    }
  }
  std::optional<ParsedRecord> record = ParseRecord(*text, key);
  if (!record) return std::optional<StepResult>();
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);  // last used: now (see the header)
  return std::optional<StepResult>(std::move(record->result));
}

StatusOr<std::vector<CacheRecordFile>> FileCacheIndex::List() const {
  std::vector<CacheRecordFile> out;
  std::error_code error;
  for (const std::filesystem::directory_entry& entry : std::filesystem::directory_iterator(dir_, error)) {
    CacheRecordFile file;
    file.file_name = entry.path().filename().string();
    struct stat st {};
    if (::lstat(entry.path().c_str(), &st) != 0) continue;
    file.last_used = static_cast<int64_t>(st.st_mtime);
    file.size = static_cast<uint64_t>(st.st_size);
    const std::string& name = file.file_name;
    const bool record_name = name.size() == 64 + 5 && name.compare(64, 5, ".json") == 0 &&
                             name.find_first_not_of("0123456789abcdef") == 64;
    if (record_name && S_ISREG(st.st_mode)) {
      const Digest key = Digest::FromHex(name.substr(0, 64));
      StatusOr<std::string> text = ReadFile(entry.path(), kMaxRecordBytes);
      std::optional<ParsedRecord> record = text.ok() ? ParseRecord(*text, key) : std::nullopt;
      if (record) {
        file.key = key;
        file.result = std::move(record->result);
        file.created = record->created;
      }
    }
    out.push_back(std::move(file));
  }
  if (error) return Status(StatusCode::kIo, "list " + dir_.string() + ": " + error.message());
  std::sort(out.begin(), out.end(),
            [](const CacheRecordFile& a, const CacheRecordFile& b) { return a.file_name < b.file_name; });
  return out;
}

Status FileCacheIndex::RemoveFile(const std::string& file_name) const {
  if (file_name.empty() || file_name == "." || file_name == ".." || file_name.find('/') != std::string::npos) {
    return InvalidArgument("not a file of the cache index: \"" + file_name + "\"");
  }
  const std::filesystem::path path = dir_ / file_name;
  std::error_code error;
  std::filesystem::remove_all(path, error);  // a directory in the way goes too; symlinks are not followed
  if (error) return Status(StatusCode::kIo, "remove " + path.string() + ": " + error.message());
  return Status::Ok();
}

Status FileCacheIndex::Record(const Digest& key, const StepResult& result) {
  nlohmann::json record = {
      {"schemaVersion", kSchemaVersion},
      {"key", key.ToString()},
      {"result", result.ref},
      {"created", static_cast<int64_t>(std::time(nullptr))},
  };
  std::string text;
  try {
    text = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
  } catch (const nlohmann::json::exception&) {
    return InvalidArgument("cache record for " + key.ToString() + ": result is not valid UTF-8");
  }
  text.push_back('\n');
  return WriteFileAtomically(PathFor(key), text, 0600);
}

StatusOr<std::optional<StepResult>> InMemoryCacheIndex::Lookup(const Digest& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = records_.find(key);
  if (it == records_.end()) return std::optional<StepResult>();
  return std::optional<StepResult>(it->second);
}

Status InMemoryCacheIndex::Record(const Digest& key, const StepResult& result) {
  std::lock_guard<std::mutex> lock(mutex_);
  records_[key] = result;
  return Status::Ok();
}

size_t InMemoryCacheIndex::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return records_.size();
}

}  // namespace mybuild::solver
