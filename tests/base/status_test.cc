#include "src/base/status.h"

#include <doctest/doctest.h>

#include "src/base/digest.h"
#include "src/base/files.h"
#include "src/base/temp_dir.h"

namespace mybuild {
namespace {

StatusOr<int> Half(int value) {
  if (value % 2 != 0) return InvalidArgument("odd", SourceLocation{"Dockerfile", 3, 7});
  return value / 2;
}

StatusOr<int> Quarter(int value) {
  MB_ASSIGN_OR_RETURN(int half, Half(value));
  MB_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST_CASE("errors carry their Dockerfile location through the macros") {
  CHECK(*Quarter(8) == 2);
  StatusOr<int> failed = Quarter(6);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().code() == StatusCode::kInvalidArgument);
  CHECK(failed.status().ToString() == "Dockerfile:3:7: odd");
}

TEST_CASE("digest parsing refuses anything but sha256 with 64 lowercase hex digits") {
  CHECK(Digest::Of("").ToString() ==
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Digest::Parse("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855").ok());
  CHECK_FALSE(Digest::Parse("sha256:../../x").ok());
  CHECK_FALSE(Digest::Parse("sha512:abcd").ok());
  CHECK_FALSE(Digest::Parse("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855").ok());
}

TEST_CASE("atomic writes replace a file whole and temp dirs clean up") {
  std::filesystem::path kept;
  {
    StatusOr<TempDir> dir = TempDir::Create();
    REQUIRE(dir.ok());
    kept = dir->path();
    std::filesystem::path file = kept / "state.json";
    REQUIRE(WriteFileAtomically(file, "one").ok());
    REQUIRE(WriteFileAtomically(file, "two").ok());
    CHECK(*ReadFile(file) == "two");
    CHECK(ReadFile(file, 2).status().code() == StatusCode::kResourceExhausted);
    CHECK(ReadFile(kept / "missing").status().code() == StatusCode::kNotFound);
  }
  CHECK_FALSE(std::filesystem::exists(kept));
}

}  // namespace
}  // namespace mybuild
