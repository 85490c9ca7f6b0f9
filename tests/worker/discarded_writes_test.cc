// DiscardedWrites: a writable stand-in for a directory or file (RUN --mount=type=bind,rw) whose writes
// never reach the source, by overlay and by the copy fallback.
#include "src/worker/discarded_writes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "src/base/files.h"
#include "src/base/temp_dir.h"
#include "src/base/unique_fd.h"
#include "tests/test_support.h"

namespace mybuild::worker {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void Write(const fs::path& path, const std::string& content) { std::ofstream(path) << content; }

struct Source {
  TempDir tmp;
  fs::path dir;
  fs::path scratch;

  Source() {
    auto t = TempDir::Create({}, "discarded-writes-test-");
    REQUIRE(t.ok());
    tmp = std::move(t).value();
    dir = tmp.path() / "src,with:odd";
    scratch = tmp.path() / "scratch";
    fs::create_directories(dir / "sub");
    fs::create_directories(scratch);
    Write(dir / "keep", "keep");
    Write(dir / "sub/deep", "deep");
    REQUIRE(::chmod(dir.c_str(), 0750) == 0);
    REQUIRE(::chown(dir.c_str(), 123, 456) == 0);
  }

  UniqueFd Open(const fs::path& path) const { return UniqueFd(::open(path.c_str(), O_PATH | O_CLOEXEC)); }
};

// Writes through `w`, then checks what the writer saw and that the source is as it was.
void WriteAndCheck(const Source& s, DiscardedWrites& w) {
  struct stat seen {};
  REQUIRE(::stat(w.path().c_str(), &seen) == 0);
  CHECK((seen.st_mode & 07777) == 0750);
  CHECK(seen.st_uid == 123);
  CHECK(seen.st_gid == 456);
  CHECK(Read(w.path() / "keep") == "keep");
  Write(w.path() / "keep", "changed");
  Write(w.path() / "new", "new");
  fs::remove_all(w.path() / "sub");
  CHECK(Read(w.path() / "keep") == "changed");
  CHECK(!fs::exists(w.path() / "sub"));

  CHECK(Read(s.dir / "keep") == "keep");
  CHECK(Read(s.dir / "sub/deep") == "deep");
  CHECK(!fs::exists(s.dir / "new"));
}

TEST_CASE("an rw directory over overlayfs: writes are visible through it and never reach the source") {
  if (::geteuid() != 0) MYBUILD_SKIP("mounting an overlay needs root");
  Source s;
  UniqueFd fd = s.Open(s.dir);
  REQUIRE(fd.valid());
  auto w = DiscardedWrites::Open(fd.get(), s.scratch);
  REQUIRE_MESSAGE(w.ok(), w.status().ToString());
  if (w->method() != DiscardedWrites::Method::kOverlay) MYBUILD_SKIP("overlayfs cannot be mounted under /tmp here");
  WriteAndCheck(s, *w);
  *w = DiscardedWrites();  // unmounts and removes the upper dir
  CHECK(fs::is_empty(s.scratch));
}

TEST_CASE("an rw directory without overlayfs is a copy: writes never reach the source") {
  if (::geteuid() != 0) MYBUILD_SKIP("copying owners needs root");
  Source s;
  DiscardedWrites::ForceCopyForTesting(true);
  UniqueFd fd = s.Open(s.dir);
  REQUIRE(fd.valid());
  auto w = DiscardedWrites::Open(fd.get(), s.scratch);
  DiscardedWrites::ForceCopyForTesting(false);
  REQUIRE_MESSAGE(w.ok(), w.status().ToString());
  CHECK(w->method() == DiscardedWrites::Method::kCopy);
  CHECK(Read(w->path() / "sub/deep") == "deep");
  WriteAndCheck(s, *w);
  *w = DiscardedWrites();
  CHECK(fs::is_empty(s.scratch));
}

TEST_CASE("an rw file is a copy with the source's content, mode, owner and mtime") {
  if (::geteuid() != 0) MYBUILD_SKIP("copying owners needs root");
  Source s;
  fs::path file = s.dir / "keep";
  REQUIRE(::chmod(file.c_str(), 0604) == 0);
  REQUIRE(::chown(file.c_str(), 7, 8) == 0);
  struct timespec times[2] = {{1000, 5}, {2000, 6}};
  REQUIRE(::utimensat(AT_FDCWD, file.c_str(), times, 0) == 0);
  UniqueFd fd = s.Open(file);
  REQUIRE(fd.valid());
  auto w = DiscardedWrites::Open(fd.get(), s.scratch);
  REQUIRE_MESSAGE(w.ok(), w.status().ToString());
  struct stat st {};
  REQUIRE(::stat(w->path().c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0604);
  CHECK(st.st_uid == 7);
  CHECK(st.st_gid == 8);
  CHECK(st.st_mtim.tv_sec == 2000);
  CHECK(st.st_mtim.tv_nsec == 6);
  Write(w->path(), "changed");
  CHECK(Read(file) == "keep");
}

TEST_CASE("an rw bind of something that is neither a directory nor a file is refused") {
  Source s;
  fs::path fifo = s.dir / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  UniqueFd fd = s.Open(fifo);
  REQUIRE(fd.valid());
  auto w = DiscardedWrites::Open(fd.get(), s.scratch);
  REQUIRE(!w.ok());
  CHECK(w.status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mybuild::worker
