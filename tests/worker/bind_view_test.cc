// BindView: a writable stand-in for a directory or file (RUN --mount=type=bind,rw) whose writes
// never reach the source, by overlay and by the copy fallback.
#include "src/worker/bind_view.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "src/base/files.h"
#include "src/base/temp_dir.h"
#include "src/base/unique_fd.h"
#include "src/fileops/path_filter.h"
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
    auto t = TempDir::Create({}, "bind-view-test-");
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
void WriteAndCheck(const Source& s, BindView& w) {
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
  auto w = BindView::Open(fd.get(), s.scratch, {{}, true});
  REQUIRE_MESSAGE(w.ok(), w.status().ToString());
  if (w->method() != BindView::Method::kOverlay) MYBUILD_SKIP("overlayfs cannot be mounted under /tmp here");
  WriteAndCheck(s, *w);
  *w = BindView();  // unmounts and removes the upper dir
  CHECK(fs::is_empty(s.scratch));
}

TEST_CASE("an rw directory without overlayfs is a copy: writes never reach the source") {
  if (::geteuid() != 0) MYBUILD_SKIP("copying owners needs root");
  Source s;
  BindView::ForceCopyForTesting(true);
  UniqueFd fd = s.Open(s.dir);
  REQUIRE(fd.valid());
  auto w = BindView::Open(fd.get(), s.scratch, {{}, true});
  BindView::ForceCopyForTesting(false);
  REQUIRE_MESSAGE(w.ok(), w.status().ToString());
  CHECK(w->method() == BindView::Method::kCopy);
  CHECK(Read(w->path() / "sub/deep") == "deep");
  WriteAndCheck(s, *w);
  *w = BindView();
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
  auto w = BindView::Open(fd.get(), s.scratch, {{}, true});
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
  auto w = BindView::Open(fd.get(), s.scratch, {{}, true});
  REQUIRE(!w.ok());
  CHECK(w.status().code() == StatusCode::kInvalidArgument);
}

fileops::DockerIgnoreFilter Ignore(const std::string& text) {
  auto filter = fileops::DockerIgnoreFilter::FromDockerignore(text);
  REQUIRE(filter.ok());
  return std::move(filter).value();
}

std::vector<std::string> Hidden(const Source& s, const std::string& text, const std::string& prefix = "") {
  UniqueFd fd = s.Open(prefix.empty() ? s.dir : s.dir / prefix);
  REQUIRE(fd.valid());
  auto hidden = HiddenEntries(fd.get(), prefix, Ignore(text));
  REQUIRE_MESSAGE(hidden.ok(), hidden.status().ToString());
  return *hidden;
}

using Strings = std::vector<std::string>;

TEST_CASE("hidden entries: what .dockerignore excludes below a bind source, whole directories when possible") {
  Source s;
  fs::create_directories(s.dir / "node_modules/pkg");
  fs::create_directories(s.dir / "logs/keep");
  Write(s.dir / "node_modules/pkg/index.js", "x");
  Write(s.dir / "logs/a.log", "a");
  Write(s.dir / "logs/keep/b.log", "b");
  Write(s.dir / "sub/x.log", "x");
  Write(s.dir / ".env", "SECRET=1");
  CHECK(Hidden(s, "").empty());
  CHECK(Hidden(s, "node_modules\n.env\n") == Strings{".env", "node_modules"});
  CHECK(Hidden(s, "**/*.log\n") == Strings{"logs/a.log", "logs/keep/b.log", "sub/x.log"});
  // An exception below an excluded directory: only the rest of it is hidden.
  CHECK(Hidden(s, "logs\n!logs/keep\n") == Strings{"logs/a.log"});
  // An exception that matches nothing there: the directory is hidden whole.
  CHECK(Hidden(s, "logs\n!logs/none\n") == Strings{"logs"});
  // Patterns are relative to the context; the entries to the bind source (here "sub").
  CHECK(Hidden(s, "sub/*.log\n", "sub") == Strings{"x.log"});
}

TEST_CASE("a read-only view without the hidden entries, over overlayfs and as a copy") {
  if (::geteuid() != 0) MYBUILD_SKIP("mounting an overlay and mknod need root");
  for (bool copy : {false, true}) {
    CAPTURE(copy);
    Source s;
    fs::create_directories(s.dir / "sub/secret");
    Write(s.dir / "sub/secret/key", "k");
    Write(s.dir / ".env", "SECRET=1");
    REQUIRE(::chmod((s.dir / "sub").c_str(), 0711) == 0);
    BindView::ForceCopyForTesting(copy);
    UniqueFd fd = s.Open(s.dir);
    auto v = BindView::Open(fd.get(), s.scratch, {{".env", "sub/secret"}, false});
    BindView::ForceCopyForTesting(false);
    REQUIRE_MESSAGE(v.ok(), v.status().ToString());
    CHECK((v->method() == BindView::Method::kCopy) == copy);
    CHECK(Read(v->path() / "keep") == "keep");
    CHECK(Read(v->path() / "sub/deep") == "deep");
    CHECK_FALSE(fs::exists(fs::symlink_status(v->path() / ".env")));
    CHECK_FALSE(fs::exists(fs::symlink_status(v->path() / "sub/secret")));
    struct stat st {};
    REQUIRE(::stat((v->path() / "sub").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0711);  // a directory that holds a whiteout keeps the source's metadata
    REQUIRE(::stat(v->path().c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0750);
    CHECK(st.st_uid == 123);
    CHECK(fs::exists(s.dir / ".env"));  // the source keeps everything
    *v = BindView();
    CHECK(fs::is_empty(s.scratch));
  }
}

TEST_CASE("a writable view without the hidden entries: writes and hidden files never meet the source") {
  if (::geteuid() != 0) MYBUILD_SKIP("mounting an overlay and mknod need root");
  Source s;
  Write(s.dir / ".env", "SECRET=1");
  UniqueFd fd = s.Open(s.dir);
  auto v = BindView::Open(fd.get(), s.scratch, {{".env"}, true});
  REQUIRE_MESSAGE(v.ok(), v.status().ToString());
  CHECK_FALSE(fs::exists(v->path() / ".env"));
  Write(v->path() / ".env", "mine");
  WriteAndCheck(s, *v);
  CHECK(Read(s.dir / ".env") == "SECRET=1");
}

}  // namespace
}  // namespace mybuild::worker
