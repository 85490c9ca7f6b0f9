// ReadFileIfPresent / ReadFileBeneathIfPresent: only a missing file is "absent"; every other failure is an
// error (issue 12: an oversized .dockerignore was silently taken for none).
#include <doctest/doctest.h>

#include <filesystem>

#include "src/base/files.h"
#include "src/base/temp_dir.h"

namespace mybuild {
namespace {

TEST_CASE("optional files: missing is absent, too large / a directory / a symlink out is an error") {
  StatusOr<TempDir> temp = TempDir::Create();
  REQUIRE(temp.ok());
  const std::filesystem::path dir = temp->path() / "ctx";
  std::filesystem::create_directory(dir);
  REQUIRE(WriteFileAtomically(temp->path() / "outside", "host secret").ok());

  StatusOr<std::optional<std::string>> missing = ReadFileIfPresent(dir / "none", 16);
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());
  StatusOr<std::optional<std::string>> missing_beneath = ReadFileBeneathIfPresent(dir, "none", 16);
  REQUIRE(missing_beneath.ok());
  CHECK_FALSE(missing_beneath->has_value());

  REQUIRE(WriteFileAtomically(dir / "small", "abc").ok());
  CHECK(**ReadFileIfPresent(dir / "small", 16) == "abc");
  CHECK(**ReadFileBeneathIfPresent(dir, "small", 16) == "abc");

  REQUIRE(WriteFileAtomically(dir / "big", std::string(17, 'x')).ok());
  CHECK(ReadFileIfPresent(dir / "big", 16).status().code() == StatusCode::kResourceExhausted);
  CHECK(ReadFileBeneathIfPresent(dir, "big", 16).status().code() == StatusCode::kResourceExhausted);

  std::filesystem::create_directory(dir / "sub");
  StatusOr<std::optional<std::string>> directory = ReadFileBeneathIfPresent(dir, "sub", 16);
  REQUIRE_FALSE(directory.ok());
  CHECK(directory.status().message().find("is a directory") != std::string::npos);
  CHECK_FALSE(ReadFileIfPresent(dir / "sub", 16).ok());

  std::filesystem::create_symlink("../outside", dir / "relative-out");
  std::filesystem::create_symlink(temp->path() / "outside", dir / "absolute-out");
  std::filesystem::create_symlink("small", dir / "inside");
  for (const char* name : {"relative-out", "absolute-out"}) {
    StatusOr<std::optional<std::string>> out = ReadFileBeneathIfPresent(dir, name, 64);
    REQUIRE_FALSE(out.ok());
    CHECK(out.status().message().find("leads out of") != std::string::npos);
  }
  CHECK(**ReadFileBeneathIfPresent(dir, "inside", 16) == "abc");
}

}  // namespace
}  // namespace mybuild
