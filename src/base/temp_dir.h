// A directory created under a parent with a unique name and removed, with everything in it, on
// destruction. Removal never follows symlinks out of the directory.
#ifndef MYBUILD_BASE_TEMP_DIR_H_
#define MYBUILD_BASE_TEMP_DIR_H_

#include <filesystem>
#include <string>

#include "src/base/status.h"

namespace mybuild {

class TempDir {
 public:
  // Creates PARENT/PREFIXXXXXXX with mode 0700. PARENT defaults to $TMPDIR or /tmp.
  static StatusOr<TempDir> Create(const std::filesystem::path& parent = {},
                                  const std::string& prefix = "mybuild-");
  TempDir() = default;
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;

  const std::filesystem::path& path() const { return path_; }
  // Keeps the directory: the destructor no longer removes it. Returns its path.
  std::filesystem::path Release();

 private:
  explicit TempDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

}  // namespace mybuild

#endif  // MYBUILD_BASE_TEMP_DIR_H_
