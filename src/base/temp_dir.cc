#include "src/base/temp_dir.h"

#include <cstdlib>
#include <system_error>

namespace mybuild {

StatusOr<TempDir> TempDir::Create(const std::filesystem::path& parent, const std::string& prefix) {
  std::filesystem::path base = parent;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = (tmp && *tmp) ? tmp : "/tmp";
  }
  std::string pattern = (base / (prefix + "XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) return ErrnoError("mkdtemp " + pattern);
  return TempDir(std::filesystem::path(pattern));
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);  // remove_all does not follow symlinks
}

TempDir::TempDir(TempDir&& other) noexcept : path_(other.Release()) {}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    TempDir old(std::move(path_));
    path_ = other.Release();
  }
  return *this;
}

std::filesystem::path TempDir::Release() {
  std::filesystem::path out = std::move(path_);
  path_.clear();
  return out;
}

}  // namespace mybuild
