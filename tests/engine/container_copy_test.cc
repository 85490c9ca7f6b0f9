#include "src/engine/container_copy.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "src/base/temp_dir.h"

namespace mybuild::engine {
namespace {

namespace fs = std::filesystem;

CopyPathInfo Missing(std::string resolved, bool parent_is_dir = true) { return {false, false, parent_is_dir, resolved}; }
CopyPathInfo Dir(std::string resolved) { return {true, true, true, resolved}; }
CopyPathInfo File(std::string resolved) { return {true, false, true, resolved}; }

CopyTarget Decide(std::string_view src, bool src_is_dir, std::string_view dest, const CopyPathInfo& info) {
  std::string name = fs::path(std::string(src)).lexically_normal().filename().string();
  if (name.empty() || name == ".") name = fs::path(std::string(src)).lexically_normal().parent_path().filename().string();
  StatusOr<CopyTarget> target = DecideCopyTarget(src, src_is_dir, name, dest, info, std::string(dest));
  REQUIRE_MESSAGE(target.ok(), target.status().ToString());
  return *target;
}

Status DecideError(std::string_view src, bool src_is_dir, std::string_view dest, const CopyPathInfo& info) {
  return DecideCopyTarget(src, src_is_dir, "x", dest, info, std::string(dest)).status();
}

TEST_CASE("container copy: docker cp's rules for files, directories, trailing / and /.") {
  // SRC a file.
  CHECK(Decide("/etc/hosts", false, "/out", Missing("/out")) == CopyTarget{"/", "out"});
  CHECK(Decide("/etc/hosts", false, "/out", File("/out")) == CopyTarget{"/", "out"});
  CHECK(Decide("/etc/hosts", false, "/tmp", Dir("/tmp")) == CopyTarget{"/tmp", "hosts"});
  CHECK(DecideError("/etc/hosts", false, "/out/", Missing("/out")).code() == StatusCode::kNotFound);
  CHECK(DecideError("/etc/hosts", false, "/f/", File("/f")).code() == StatusCode::kInvalidArgument);
  CHECK(DecideError("/etc/hosts", false, "/a/b", Missing("/a/b", false)).code() == StatusCode::kNotFound);
  // SRC a directory.
  CHECK(Decide("/etc", true, "/new", Missing("/new")) == CopyTarget{"/", "new"});
  CHECK(Decide("/etc", true, "/new/", Missing("/new")) == CopyTarget{"/", "new"});
  CHECK(Decide("/etc", true, "/tmp", Dir("/tmp")) == CopyTarget{"/tmp", "etc"});
  CHECK(Decide("/etc/", true, "/tmp", Dir("/tmp")) == CopyTarget{"/tmp", "etc"});
  CHECK(Decide("/etc/.", true, "/tmp", Dir("/tmp")) == CopyTarget{"/tmp", ""});
  CHECK(DecideError("/etc", true, "/f", File("/f")).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("container copy: CONTAINER:PATH or a host path, as docker splits them") {
  CHECK(SplitCopyArgument("web:/etc/hosts").container == "web");
  CHECK(SplitCopyArgument("web:/etc/hosts").path == "/etc/hosts");
  CHECK(SplitCopyArgument("web:etc").path == "etc");
  CHECK(SplitCopyArgument("/tmp/a:b").container.empty());
  CHECK(SplitCopyArgument("./a:b").container.empty());
  CHECK(SplitCopyArgument("plain").container.empty());
}

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Roots {
  TempDir dir = *TempDir::Create();
  fs::path ctr = dir.path() / "ctr";
  fs::path host = dir.path() / "host";
  Roots() {
    fs::create_directories(ctr);
    fs::create_directories(host);
  }
  snapshotter::RootFs CtrRoot() const { return *snapshotter::RootFs::Open(ctr, false, "the container"); }
  snapshotter::RootFs HostRoot() const { return *snapshotter::RootFs::Open(host, false, "the host"); }
};

TEST_CASE("container copy: out of and into a root, links resolved inside it, owners as docker sets them") {
  Roots roots;
  Write(roots.ctr / "app/conf/a.txt", "alpha");
  Write(roots.ctr / "app/b.txt", "beta");
  fs::create_symlink("/etc/passwd", roots.ctr / "app/passwd-link");  // copied as a link, never read
  fs::create_symlink("/app", roots.ctr / "shortcut");                 // absolute: inside the container
  Write(roots.dir.path() / "outside/secret", "host secret");
  snapshotter::RootFs ctr = roots.CtrRoot();
  snapshotter::RootFs host = roots.HostRoot();
  CopyEndpoint out_of{&ctr, "/shortcut/", "c:/shortcut/", {0, 0}};
  CopyEndpoint into_host{&host, "/", "/", {1234, 1234}};
  REQUIRE(CopyBetween(out_of, into_host, {}).ok());
  // "shortcut/" follows the link (inside the root) and is named as written: its resolved name, "app".
  CHECK(Read(roots.host / "app/conf/a.txt") == "alpha");
  CHECK(fs::read_symlink(roots.host / "app/passwd-link") == "/etc/passwd");
  struct stat st {};
  REQUIRE(lstat((roots.host / "app/b.txt").c_str(), &st) == 0);
  CHECK(st.st_uid == 1234);

  // /. copies the content; -a keeps the source's owners.
  CopyEndpoint content{&ctr, "/app/.", "c:/app/.", {0, 0}};
  fs::create_directories(roots.host / "flat");
  CopyEndpoint flat{&host, "/flat", "/flat", {1234, 1234}};
  CopyOptions archive;
  archive.archive = true;
  REQUIRE(CopyBetween(content, flat, archive).ok());
  CHECK(Read(roots.host / "flat/b.txt") == "beta");
  REQUIRE(lstat((roots.host / "flat/b.txt").c_str(), &st) == 0);
  CHECK(st.st_uid == 0);

  // Into the container through a link planted to point out of it: it lands inside.
  fs::create_symlink("/../../outside", roots.ctr / "escape");
  Write(roots.host / "new.txt", "planted");
  CopyEndpoint from_host{&host, "/new.txt", "new.txt", {1234, 1234}};
  CopyEndpoint into_link{&ctr, "/escape/secret", "c:/escape/secret", {0, 0}};
  Status refused = CopyBetween(from_host, into_link, {});  // /outside does not exist in the container
  CHECK(refused.code() == StatusCode::kNotFound);
  fs::create_directories(roots.ctr / "outside");
  REQUIRE(CopyBetween(from_host, into_link, {}).ok());
  CHECK(Read(roots.ctr / "outside/secret") == "planted");
  CHECK(Read(roots.dir.path() / "outside/secret") == "host secret");

  // A missing source, and a file named with a trailing slash.
  CopyEndpoint missing{&ctr, "/nope", "c:/nope", {0, 0}};
  CHECK(CopyBetween(missing, into_host, {}).code() == StatusCode::kNotFound);
  CopyEndpoint file_slash{&ctr, "/app/b.txt/", "c:/app/b.txt/", {0, 0}};
  CHECK(!CopyBetween(file_slash, into_host, {}).ok());
}

TEST_CASE("container copy: a tar stream out and back in") {
  Roots roots;
  Write(roots.ctr / "data/x", "x-content");
  snapshotter::RootFs ctr = roots.CtrRoot();
  snapshotter::RootFs host = roots.HostRoot();
  const fs::path tar = roots.dir.path() / "stream.tar";
  {
    UniqueFd out(open(tar.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    REQUIRE(CopyToTarStream({&ctr, "/data", "c:/data", {0, 0}}, out.get(), {}).ok());
  }
  UniqueFd in(open(tar.c_str(), O_RDONLY | O_CLOEXEC));
  REQUIRE(CopyFromTarStream(in.get(), {&host, "/", "/", {0, 0}}, {}).ok());
  CHECK(Read(roots.host / "data/x") == "x-content");
  UniqueFd again(open(tar.c_str(), O_RDONLY | O_CLOEXEC));
  CHECK(CopyFromTarStream(again.get(), {&host, "/missing", "/missing", {0, 0}}, {}).code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace mybuild::engine
