#include "src/solver/cache_index.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <ctime>

#include <nlohmann/json.hpp>

#include "src/base/files.h"

namespace mybuild::solver {
namespace {

constexpr int kSchemaVersion = 1;
constexpr uint64_t kMaxRecordBytes = 1 << 20;

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
  nlohmann::json record = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!record.is_object()) return std::optional<StepResult>();
  auto version = record.find("schemaVersion");
  auto stored_key = record.find("key");
  auto result = record.find("result");
  if (version == record.end() || !version->is_number_integer() || version->get<int>() != kSchemaVersion ||
      stored_key == record.end() || !stored_key->is_string() || stored_key->get<std::string>() != key.ToString() ||
      result == record.end() || !result->is_string()) {
    return std::optional<StepResult>();
  }
  return std::optional<StepResult>(StepResult{result->get<std::string>()});
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
