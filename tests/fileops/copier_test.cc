#include "src/fileops/copier.h"
#include "src/fileops/copy_destination.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <vector>

#include "src/fileops/path_filter.h"
#include "tests/fileops/fixture.h"

namespace mybuild::fileops {
namespace {

using namespace mybuild::fileops::testing;

void StandardContext(CopyFixture& f) {
  f.Ctx("a.txt", "A");
  f.Ctx("b.txt", "B");
  f.Ctx("c.md", "C");
  f.Ctx("dir/one", "1");
  f.Ctx("dir/sub/two", "2");
}

struct PathCase {
  const char* name;
  std::vector<std::string> sources;
  std::string dest;
  std::string workdir;
  std::vector<std::string> existing_dirs;   // created in the rootfs first
  std::vector<std::string> existing_files;  // created in the rootfs first (content "old")
  std::map<std::string, std::string> files; // expected rootfs files -> content
  std::vector<std::string> absent;          // must not exist afterwards
};

TEST_CASE("COPY path rules: source, dest, workdir and existing destination") {
  const PathCase cases[] = {
      {"file to new name", {"a.txt"}, "/dest", "/", {}, {}, {{"dest", "A"}}, {"dest/a.txt"}},
      {"file into dir by slash", {"a.txt"}, "/dest/", "/", {}, {}, {{"dest/a.txt", "A"}}, {}},
      {"file into existing dir", {"a.txt"}, "/dest", "/", {"dest"}, {}, {{"dest/a.txt", "A"}}, {}},
      {"file over existing file", {"a.txt"}, "/dest", "/", {}, {"dest"}, {{"dest", "A"}}, {}},
      {"relative dest uses workdir", {"a.txt"}, "rel", "/w", {}, {}, {{"w/rel", "A"}}, {}},
      {"dot dest is the workdir", {"a.txt"}, ".", "/w", {"w"}, {}, {{"w/a.txt", "A"}}, {}},
      {"dot dest creates the workdir", {"a.txt"}, ".", "/w/x", {}, {}, {{"w/x/a.txt", "A"}}, {}},
      {"relative dir dest", {"a.txt"}, "sub/", "/w", {}, {}, {{"w/sub/a.txt", "A"}}, {}},
      {"dir copies its contents", {"dir"}, "/dest", "/", {}, {}, {{"dest/one", "1"}, {"dest/sub/two", "2"}}, {"dest/dir"}},
      {"dir with slash dest", {"dir/"}, "/dest/", "/", {}, {}, {{"dest/one", "1"}, {"dest/sub/two", "2"}}, {}},
      {"dir into existing dir", {"dir"}, "/dest", "/", {"dest"}, {}, {{"dest/one", "1"}}, {"dest/dir"}},
      {"missing parents created", {"a.txt"}, "/x/y/z/", "/", {}, {}, {{"x/y/z/a.txt", "A"}}, {}},
      {"leading slash in source", {"/a.txt"}, "/d/", "/", {}, {}, {{"d/a.txt", "A"}}, {}},
      {"dot-dot inside the context", {"dir/../a.txt"}, "/d/", "/", {}, {}, {{"d/a.txt", "A"}}, {}},
      {"whole context", {"."}, "/app/", "/", {}, {},
       {{"app/a.txt", "A"}, {"app/b.txt", "B"}, {"app/dir/one", "1"}, {"app/dir/sub/two", "2"}}, {}},
      {"two sources into dir", {"a.txt", "b.txt"}, "/d/", "/", {}, {}, {{"d/a.txt", "A"}, {"d/b.txt", "B"}}, {}},
      {"two sources into existing dir", {"a.txt", "b.txt"}, "/d", "/", {"d"}, {}, {{"d/a.txt", "A"}, {"d/b.txt", "B"}}, {}},
      {"wildcard star", {"*.txt"}, "/d/", "/", {}, {}, {{"d/a.txt", "A"}, {"d/b.txt", "B"}}, {"d/c.md"}},
      {"wildcard class", {"[a]*"}, "/d/", "/", {}, {}, {{"d/a.txt", "A"}}, {"d/b.txt"}},
      {"wildcard question", {"?.md"}, "/d/", "/", {}, {}, {{"d/c.md", "C"}}, {}},
      {"wildcard in a middle component", {"dir/*/two"}, "/d/", "/", {}, {}, {{"d/two", "2"}}, {}},
      {"wildcard matching a dir copies contents", {"di?"}, "/d/", "/", {}, {}, {{"d/one", "1"}}, {"d/dir"}},
      {"one wildcard match to a file name", {"c.*"}, "/renamed", "/", {}, {}, {{"renamed", "C"}}, {}},
      // A wildcard matching nothing is no error (BuildKit's AllowEmptyWildcard), wherever it comes.
      {"empty wildcard before a match", {"missing*", "a.txt"}, "/d/", "/", {}, {}, {{"d/a.txt", "A"}}, {}},
      {"empty wildcard after a match", {"*.md", "dir/*.txt", "x?z"}, "/d/", "/", {}, {}, {{"d/c.md", "C"}}, {}},
      {"wildcard below a file", {"a.txt/*", "b.txt"}, "/d/", "/", {}, {}, {{"d/b.txt", "B"}}, {"d/a.txt"}},
      // "**" is "*" in a component (Go's filepath.Match): "**/**" is every entry two levels down, dir/one
      // and dir/sub (a directory: its contents are copied).
      {"double-star components", {"**/**"}, "/d/", "/", {}, {}, {{"d/one", "1"}, {"d/two", "2"}}, {"d/dir"}},
  };
  for (const PathCase& c : cases) {
    CAPTURE(c.name);
    CopyFixture f;
    StandardContext(f);
    for (const auto& d : c.existing_dirs) fs::create_directories(f.rootfs / d);
    for (const auto& p : c.existing_files) WriteText(f.rootfs / p, "old");
    auto result = f.Run(Copy(c.sources, c.dest, c.workdir));
    REQUIRE_MESSAGE(result.ok(), result.status().ToString());
    for (const auto& [path, content] : c.files) {
      CAPTURE(path);
      CHECK(IsFile(f.rootfs / path));
      CHECK(ReadText(f.rootfs / path) == content);
    }
    for (const auto& path : c.absent) {
      CAPTURE(path);
      CHECK_FALSE(LstatPath(f.rootfs / path).has_value());
    }
  }
}

TEST_CASE("COPY sources: backslashes as BuildKit's copier takes them") {
  // In a component with a wildcard, \* matches a literal * (Go's filepath.Match).
  CopyFixture f;
  f.Ctx("lit*star", "S");
  f.Ctx("litXstar", "X");
  f.Ctx("lit?mark", "Q");
  auto pattern = f.Run(Copy({"lit\\**", "lit\\?mar?"}, "/d/"));
  REQUIRE_MESSAGE(pattern.ok(), pattern.status().ToString());
  CHECK(ReadText(f.rootfs / "d/lit*star") == "S");
  CHECK(ReadText(f.rootfs / "d/lit?mark") == "Q");
  CHECK_FALSE(LstatPath(f.rootfs / "d/litXstar").has_value());
  // A source without an unescaped wildcard is a literal name, backslash included (fsutil's
  // ResolveWildcards returns it as written; BuildKit's cache key looks it up as written too).
  CopyFixture g;
  g.Ctx("lit*star", "S");
  g.Ctx("lit\\*star", "B");
  g.Ctx("br\\[ack]et/in", "I");
  auto literal = g.Run(Copy({"lit\\*star", "br\\[ack]et/*"}, "/d/"));
  REQUIRE_MESSAGE(literal.ok(), literal.status().ToString());
  CHECK(ReadText(g.rootfs / "d/lit\\*star") == "B");
  CHECK(ReadText(g.rootfs / "d/in") == "I");
  CHECK_FALSE(LstatPath(g.rootfs / "d/lit*star").has_value());
  CopyFixture h;
  h.Ctx("lit*star", "S");
  auto missing = h.Run(Copy({"lit\\*star"}, "/d/"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message() == "failed to compute cache key: \"/lit\\*star\": not found");
}

TEST_CASE("COPY errors: missing sources, escapes, several sources to a file, type clashes") {
  CopyFixture f;
  StandardContext(f);

  auto missing = f.Run(Copy({"nope.txt"}, "/d/"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(missing.status().message() == "failed to compute cache key: \"/nope.txt\": not found");

  // Wildcards matching nothing copy nothing, even alone, and make no destination (as BuildKit, whose
  // copy returns before creating it).
  auto no_match = f.Run(Copy({"*.rs", "dir/?.go"}, "/none/"));
  REQUIRE_MESSAGE(no_match.ok(), no_match.status().ToString());
  CHECK_FALSE(LstatPath(f.rootfs / "none").has_value());
  // ... but the directory a wildcard searches must exist.
  auto no_dir = f.Run(Copy({"a.txt", "nodir/*.txt"}, "/d/"));
  REQUIRE_FALSE(no_dir.ok());
  CHECK(no_dir.status().message() == "lstat \"/nodir\": no such file or directory");
  // An empty wildcard does not excuse a missing plain source.
  auto plain_missing = f.Run(Copy({"*.rs", "a.txt", "nope.txt"}, "/d/"));
  REQUIRE_FALSE(plain_missing.ok());
  CHECK(plain_missing.status().message() == "failed to compute cache key: \"/nope.txt\": not found");

  auto escape = f.Run(Copy({"../a.txt"}, "/d/"));
  REQUIRE_FALSE(escape.ok());
  CHECK(escape.status().code() == StatusCode::kInvalidArgument);
  CHECK(escape.status().message().find("outside of the build context") != std::string::npos);

  auto several = f.Run(Copy({"a.txt", "b.txt"}, "/file"));
  REQUIRE_FALSE(several.ok());
  CHECK(several.status().message().find("must be a directory and end with a /") != std::string::npos);
  auto several_wild = f.Run(Copy({"*.txt"}, "/file"));
  REQUIRE_FALSE(several_wild.ok());
  CHECK_FALSE(LstatPath(f.rootfs / "file").has_value());

  auto bad_pattern = f.Run(Copy({"a["}, "/d/"));
  CHECK_FALSE(bad_pattern.ok());

  // A file over an existing directory, a directory over an existing file.
  fs::create_directories(f.rootfs / "t/one");
  auto clash = f.Run(Copy({"dir"}, "/t/"));
  REQUIRE_FALSE(clash.ok());
  CHECK(clash.status().message().find("cannot replace directory") != std::string::npos);
  WriteText(f.rootfs / "u/sub", "file");
  auto clash2 = f.Run(Copy({"dir"}, "/u/"));
  REQUIRE_FALSE(clash2.ok());
  CHECK(clash2.status().message().find("non-directory") != std::string::npos);

  // Errors carry the instruction's location.
  CopySpec located = Copy({"nope"}, "/d/");
  located.location = SourceLocation{"Dockerfile", 7, 1};
  auto with_loc = f.Run(located);
  REQUIRE_FALSE(with_loc.ok());
  CHECK(with_loc.status().ToString().rfind("Dockerfile:7:1: ", 0) == 0);
}

TEST_CASE("COPY keeps symlinks below a source, follows a named one, and never reads outside") {
  CopyFixture f;
  StandardContext(f);
  fs::create_directories(f.tmp.path() / "outside");
  WriteText(f.tmp.path() / "outside/secret", "SECRET");
  fs::create_symlink("a.txt", f.context / "named");
  fs::create_symlink((f.tmp.path() / "outside").string(), f.context / "dir/abs");  // absolute, out of context
  fs::create_symlink("../../outside/secret", f.context / "dir/rel");
  fs::create_symlink((f.tmp.path() / "outside").string(), f.context / "hostdir");
  fs::create_symlink("/dir", f.context / "linkdir");  // absolute, resolves inside the context

  auto r = f.Run(Copy({"dir", "named"}, "/d/"));
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(IsLink(f.rootfs / "d/abs"));
  CHECK(fs::read_symlink(f.rootfs / "d/abs") == f.tmp.path() / "outside");
  CHECK(IsLink(f.rootfs / "d/rel"));
  CHECK(fs::read_symlink(f.rootfs / "d/rel") == "../../outside/secret");
  // The symlink named as a source is followed: a regular file with the target's content.
  CHECK(IsFile(f.rootfs / "d/named"));
  CHECK(ReadText(f.rootfs / "d/named") == "A");

  // A named symlink to a directory copies the directory's contents; a wildcard match is followed too.
  REQUIRE_OK(f.Run(Copy({"linkdir"}, "/ld/")));
  CHECK(ReadText(f.rootfs / "ld/one") == "1");
  CHECK(IsLink(f.rootfs / "ld/abs"));
  REQUIRE_OK(f.Run(Copy({"name?"}, "/wl/")));
  CHECK(IsFile(f.rootfs / "wl/named"));

  // A named link that points out of the context resolves inside the context: nothing of the host is read.
  auto out = f.Run(Copy({"hostdir/secret"}, "/e/"));
  REQUIRE_FALSE(out.ok());
  CHECK(out.status().code() == StatusCode::kNotFound);
  auto out2 = f.Run(Copy({"hostdir"}, "/e/"));
  CHECK_FALSE(out2.ok());
  CHECK_FALSE(fs::exists(f.rootfs / "e/secret"));
}

TEST_CASE("COPY preserves hardlinks within one copy and mtimes from the source") {
  CopyFixture f;
  f.Ctx("h/one", "same");
  fs::create_hard_link(f.context / "h/one", f.context / "h/two");
  f.Ctx("h/sub/file", "f");
  struct timespec times[2] = {{1000000000, 123}, {1000000000, 123}};
  REQUIRE(::utimensat(AT_FDCWD, (f.context / "h/sub/file").c_str(), times, AT_SYMLINK_NOFOLLOW) == 0);
  struct timespec dir_times[2] = {{1200000000, 0}, {1200000000, 0}};
  REQUIRE(::utimensat(AT_FDCWD, (f.context / "h/sub").c_str(), dir_times, 0) == 0);

  auto r = f.Run(Copy({"h"}, "/d/"));
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  auto one = LstatPath(f.rootfs / "d/one");
  auto two = LstatPath(f.rootfs / "d/two");
  REQUIRE(one);
  REQUIRE(two);
  CHECK(one->st_ino == two->st_ino);
  CHECK(one->st_nlink == 2);
  CHECK(r->hardlinks == 1);
  auto file = LstatPath(f.rootfs / "d/sub/file");
  CHECK(file->st_mtim.tv_sec == 1000000000);
  CHECK(file->st_mtim.tv_nsec == 123);
  CHECK(LstatPath(f.rootfs / "d/sub")->st_mtim.tv_sec == 1200000000);
}

TEST_CASE("COPY ownership: 0:0 by default, --chown numeric and by name, created parents owned too") {
  CopyFixture f;
  f.Ctx("file", "x", 0640);
  f.Ctx("tree/inner/leaf", "y", 0600);
  REQUIRE(::chown((f.context / "file").c_str(), 4321, 4321) == 0);
  WriteText(f.rootfs / "etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n");
  WriteText(f.rootfs / "etc/group", "root:x:0:\ngrp:x:2000:\n");

  auto r = f.Run(Copy({"file"}, "/plain/"));
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  auto st = LstatPath(f.rootfs / "plain/file");
  CHECK(st->st_uid == 0);
  CHECK(st->st_gid == 0);
  CHECK((st->st_mode & 07777) == 0640);

  CopySpec numeric = Copy({"file", "tree"}, "/n/a/b/");
  numeric.chown = "42";
  r = f.Run(numeric);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  for (const char* p : {"n", "n/a", "n/a/b", "n/a/b/file", "n/a/b/inner", "n/a/b/inner/leaf"}) {
    CAPTURE(p);
    auto s = LstatPath(f.rootfs / p);
    REQUIRE(s);
    CHECK(s->st_uid == 42);
    CHECK(s->st_gid == 42);  // a uid without a group also sets the gid (Docker's documented rule)
  }
  CHECK(ModeOf(f.rootfs / "n/a") == 0755);

  CopySpec by_name = Copy({"file"}, "/u/");
  by_name.chown = "app";
  REQUIRE_OK(f.Run(by_name));
  CHECK(LstatPath(f.rootfs / "u/file")->st_uid == 1000);
  CHECK(LstatPath(f.rootfs / "u/file")->st_gid == 1000);

  CopySpec with_group = Copy({"file"}, "/g/");
  with_group.chown = "app:grp";
  REQUIRE_OK(f.Run(with_group));
  CHECK(LstatPath(f.rootfs / "g/file")->st_uid == 1000);
  CHECK(LstatPath(f.rootfs / "g/file")->st_gid == 2000);

  CopySpec resolved = Copy({"file"}, "/r/");
  resolved.owner = Owner{7, 8};
  REQUIRE_OK(f.Run(resolved));
  CHECK(LstatPath(f.rootfs / "r/file")->st_uid == 7);
  CHECK(LstatPath(f.rootfs / "r/file")->st_gid == 8);

  CopySpec unknown = Copy({"file"}, "/x/");
  unknown.chown = "nobody";
  auto bad = f.Run(unknown);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("nobody") != std::string::npos);
}

TEST_CASE("COPY --from a stage keeps the stage's ownership unless --chown") {
  CopyFixture f;
  fs::path stage = f.tmp.path() / "stage";
  WriteText(stage / "opt/app/bin", "#!", 0755);
  REQUIRE(::chown((stage / "opt/app/bin").c_str(), 1234, 5678) == 0);
  REQUIRE(::lchown((stage / "opt/app").c_str(), 11, 12) == 0);
  CopySpec spec = Copy({"/opt/app"}, "/app");
  spec.root_kind = SourceRootKind::kStage;
  auto r = f.Run(spec, nullptr, nullptr, stage);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  auto st = LstatPath(f.rootfs / "app/bin");
  CHECK(st->st_uid == 1234);
  CHECK(st->st_gid == 5678);
  CHECK((st->st_mode & 07777) == 0755);
}

TEST_CASE("COPY --chmod applies to files and directories copied") {
  CopyFixture f;
  f.Ctx("t/x.sh", "run", 0644);
  f.Ctx("t/d/y", "y", 0600);
  CopySpec octal = Copy({"t"}, "/o/");
  octal.chmod = "0750";
  REQUIRE_OK(f.Run(octal));
  CHECK(ModeOf(f.rootfs / "o/x.sh") == 0750);
  CHECK(ModeOf(f.rootfs / "o/d") == 0750);
  CHECK(ModeOf(f.rootfs / "o/d/y") == 0750);

  CopySpec symbolic = Copy({"t"}, "/s/");
  symbolic.chmod = "a=rX,u+w";
  REQUIRE_OK(f.Run(symbolic));
  CHECK(ModeOf(f.rootfs / "s/x.sh") == 0644);
  CHECK(ModeOf(f.rootfs / "s/d") == 0755);
  CHECK(ModeOf(f.rootfs / "s/d/y") == 0644);

  CopySpec bad = Copy({"t"}, "/b/");
  bad.chmod = "u+q";
  auto r = f.Run(bad);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK_FALSE(fs::exists(f.rootfs / "b"));
}

TEST_CASE("COPY --parents keeps paths below the root or the /./ pivot") {
  CopyFixture f;
  f.Ctx("a/b/c.txt", "C");
  f.Ctx("a/x/c.txt", "X");
  f.Ctx("a/b/d/e", "E");

  CopySpec plain = Copy({"a/b/c.txt"}, "/p/");
  plain.parents = true;
  REQUIRE_OK(f.Run(plain));
  CHECK(ReadText(f.rootfs / "p/a/b/c.txt") == "C");

  CopySpec pivot = Copy({"./a/./b/c.txt"}, "/q/");
  pivot.parents = true;
  REQUIRE_OK(f.Run(pivot));
  CHECK(ReadText(f.rootfs / "q/b/c.txt") == "C");
  CHECK_FALSE(fs::exists(f.rootfs / "q/a"));

  CopySpec wild = Copy({"a/*/c.txt"}, "/w/");
  wild.parents = true;
  REQUIRE_OK(f.Run(wild));
  CHECK(ReadText(f.rootfs / "w/a/b/c.txt") == "C");
  CHECK(ReadText(f.rootfs / "w/a/x/c.txt") == "X");

  CopySpec dir = Copy({"a/b/d"}, "/dd/");
  dir.parents = true;
  REQUIRE_OK(f.Run(dir));
  CHECK(ReadText(f.rootfs / "dd/a/b/d/e") == "E");
}

TEST_CASE("COPY --exclude and .dockerignore select what is copied") {
  CopyFixture f;
  StandardContext(f);
  f.Ctx("dir/sub/keep.me", "K");
  f.Ctx("logs/x.log", "L");

  CopySpec excl = Copy({"."}, "/e/");
  excl.excludes = {"*.md", "dir/sub"};
  REQUIRE_OK(f.Run(excl));
  CHECK(fs::exists(f.rootfs / "e/a.txt"));
  CHECK_FALSE(fs::exists(f.rootfs / "e/c.md"));
  CHECK(fs::exists(f.rootfs / "e/dir/one"));
  CHECK_FALSE(fs::exists(f.rootfs / "e/dir/sub"));

  // Below a named directory, --exclude patterns are relative to that directory (as in BuildKit).
  CopySpec under = Copy({"dir"}, "/b/");
  under.excludes = {"sub", "one"};
  REQUIRE_OK(f.Run(under));
  CHECK_FALSE(fs::exists(f.rootfs / "b/one"));
  CHECK_FALSE(fs::exists(f.rootfs / "b/sub"));
  CopySpec rooted = Copy({"dir"}, "/r/");
  rooted.excludes = {"dir/sub"};  // a root-relative pattern does not reach below the source
  REQUIRE_OK(f.Run(rooted));
  CHECK(fs::exists(f.rootfs / "r/sub/keep.me"));

  CopySpec wild = Copy({"*"}, "/w/");
  wild.excludes = {"*.txt"};
  REQUIRE_OK(f.Run(wild));
  CHECK_FALSE(fs::exists(f.rootfs / "w/a.txt"));
  CHECK(fs::exists(f.rootfs / "w/c.md"));

  auto ignore = DockerIgnoreFilter::FromDockerignore("*.md\ndir/sub\n!dir/sub/keep.me\nlogs\n");
  REQUIRE(ignore.ok());
  REQUIRE_OK(f.Run(Copy({"."}, "/i/"), &*ignore));
  CHECK(fs::exists(f.rootfs / "i/a.txt"));
  CHECK_FALSE(fs::exists(f.rootfs / "i/c.md"));
  CHECK_FALSE(fs::exists(f.rootfs / "i/logs"));
  CHECK_FALSE(fs::exists(f.rootfs / "i/dir/sub/two"));
  CHECK(ReadText(f.rootfs / "i/dir/sub/keep.me") == "K");  // re-included below an ignored dir

  // Loaded from the context root: the same result.
  WriteText(f.context / ".dockerignore", "*.md\ndir/sub\n!dir/sub/keep.me\nlogs\n.dockerignore\n");
  auto context = snapshotter::RootFs::Open(f.context);
  auto loaded = DockerIgnoreFilter::Load(*context);
  REQUIRE_OK(loaded);
  REQUIRE_OK(f.Run(Copy({"."}, "/l/"), &*loaded));
  CHECK_FALSE(fs::exists(f.rootfs / "l/c.md"));
  CHECK_FALSE(fs::exists(f.rootfs / "l/.dockerignore"));
  CHECK(fs::exists(f.rootfs / "l/dir/sub/keep.me"));
  auto none = DockerIgnoreFilter::Load(*context, "missing.ignore");
  REQUIRE_OK(none);
  CHECK(none->empty());

  auto named = f.Run(Copy({"c.md"}, "/n/"), &*ignore);
  REQUIRE_FALSE(named.ok());
  CHECK(named.status().message() == "failed to compute cache key: \"/c.md\": not found");
  auto below = f.Run(Copy({"logs/x.log"}, "/n/"), &*ignore);
  CHECK_FALSE(below.ok());

  // A wildcard matches an ignored directory that the context holds as the parent of a re-included
  // entry (dir/sub, sent for keep.me), never one with nothing re-included below it (logs).
  REQUIRE_OK(f.Run(Copy({"dir/s*", "lo*"}, "/g/"), &*ignore));
  CHECK(ReadText(f.rootfs / "g/keep.me") == "K");
  CHECK_FALSE(fs::exists(f.rootfs / "g/two"));
  CHECK_FALSE(fs::exists(f.rootfs / "g/x.log"));

  // .dockerignore does not apply to stage sources.
  CopySpec stage = Copy({"c.md"}, "/s/");
  stage.root_kind = SourceRootKind::kStage;
  REQUIRE_OK(f.Run(stage, &*ignore));
  CHECK(fs::exists(f.rootfs / "s/c.md"));
}

TEST_CASE("COPY <<EOF heredocs create files") {
  CopyFixture f;
  CopySpec spec;
  spec.sources.push_back(CopySource::Heredoc("EOF", "hello\n"));
  spec.dest = "/h/";
  REQUIRE_OK(f.Run(spec));
  CHECK(ReadText(f.rootfs / "h/EOF") == "hello\n");
  CHECK(ModeOf(f.rootfs / "h/EOF") == 0644);
  CHECK(LstatPath(f.rootfs / "h/EOF")->st_mtim.tv_sec == 0);

  CopySpec named;
  named.sources.push_back(CopySource::Heredoc("EOF", "#!/bin/sh\n"));
  named.dest = "/usr/local/bin/run";
  named.chmod = "755";
  REQUIRE_OK(f.Run(named));
  CHECK(ReadText(f.rootfs / "usr/local/bin/run") == "#!/bin/sh\n");
  CHECK(ModeOf(f.rootfs / "usr/local/bin/run") == 0755);
}

// The marker oracle: nothing outside the rootfs changes, whatever the rootfs's links say.
void HostileDestinationScenario() {
  CopyFixture f;
  StandardContext(f);
  fs::path outside = f.tmp.path() / "outside";
  fs::create_directories(outside);
  WriteText(outside / "marker", "MARKER");
  auto listing = [&] {
    std::vector<std::string> names;
    for (auto& e : fs::recursive_directory_iterator(outside)) names.push_back(e.path().string());
    return names;
  };
  const auto before = listing();

  // /dest -> /<host path of outside>: inside the rootfs that path exists as a directory.
  fs::create_symlink(outside, f.rootfs / "dest");
  fs::create_directories(f.rootfs / outside.relative_path());
  // /up -> ../../…/<outside>: more ".." than depth, dangling inside the rootfs.
  fs::create_symlink("../../../../../../../../" + outside.relative_path().string() + "/gone", f.rootfs / "up");
  fs::create_directories(f.rootfs / "w");
  fs::create_symlink(outside / "marker", f.rootfs / "w/a.txt");  // a file target that is a link out
  fs::create_symlink(outside, f.rootfs / "w/dir");                 // a directory target that is a link out

  REQUIRE_OK(f.Run(Copy({"a.txt", "dir"}, "/dest/")));
  // Through a dangling link: refused or created inside the rootfs; either way nothing outside.
  // Through a dangling link: followed inside the rootfs, as BuildKit does.
  REQUIRE_OK(f.Run(Copy({"b.txt"}, "/up/sub/")));
  CHECK(IsFile(f.rootfs / outside.relative_path() / "gone/sub/b.txt"));
  REQUIRE_OK(f.Run(Copy({"a.txt"}, "/w/")));
  CopySpec into_link_dir;
  into_link_dir.sources.push_back(CopySource::Path("dir"));
  into_link_dir.dest = "/w/";
  (void)f.Run(into_link_dir);
  CopySpec parents = Copy({"dir/one"}, "/w/");
  parents.parents = true;  // w/dir/one: w/dir is a link out of the root
  (void)f.Run(parents);
  CopySpec chowned = Copy({"dir"}, "/dest/");
  chowned.owner = Owner{99, 99};
  chowned.chmod = "777";
  REQUIRE_OK(f.Run(chowned));

  CHECK(listing() == before);
  CHECK(ReadText(outside / "marker") == "MARKER");
  auto marker = LstatPath(outside / "marker");
  CHECK(marker->st_uid == 0);
  CHECK((marker->st_mode & 07777) == 0644);
  // The writes landed inside the rootfs, where the links resolve when the rootfs is the root.
  CHECK(ReadText(f.rootfs / outside.relative_path() / "a.txt") == "A");
  CHECK(IsFile(f.rootfs / "w/a.txt"));  // the link itself was replaced
  CHECK(ReadText(f.rootfs / "w/a.txt") == "A");
}

TEST_CASE("COPY destination: its symlinks are followed inside the rootfs, as BuildKit's RootPath") {
  CopyFixture f;
  fs::create_directories(f.rootfs / "directory");
  fs::create_directories(f.rootfs / "a");
  fs::create_symlink("directory", f.rootfs / "maybe-directory");
  fs::create_symlink("../directory", f.rootfs / "a/up");
  fs::create_symlink("symlink-target", f.rootfs / "dangling");
  fs::create_symlink("/../../outside", f.rootfs / "escape");
  WriteText(f.rootfs / "afile", "old");
  fs::create_symlink("afile", f.rootfs / "filelink");
  fs::create_symlink("loop2", f.rootfs / "loop1");
  fs::create_symlink("loop1", f.rootfs / "loop2");
  auto root = snapshotter::RootFs::Open(f.rootfs);
  REQUIRE(root.ok());
  auto resolve = [&](const std::string& path) {
    StatusOr<std::string> out = ResolveDestinationInRoot(*root, path);
    REQUIRE_OK(out);
    return *out;
  };
  CHECK(resolve("/maybe-directory") == "/directory");
  CHECK(resolve("/maybe-directory/x/y") == "/directory/x/y");
  CHECK(resolve("/a/up/z") == "/directory/z");
  CHECK(resolve("/dangling/sub") == "/symlink-target/sub");
  CHECK(resolve("/escape/x") == "/outside/x");
  CHECK(resolve("/filelink") == "/afile");
  CHECK(resolve("/missing/../maybe-directory") == "/directory");
  CHECK(resolve("/") == "/");
  StatusOr<std::string> loop = ResolveDestinationInRoot(*root, "/loop1/x");
  CHECK(loop.status().code() == StatusCode::kInvalidArgument);

  f.Ctx("file.txt", "new");
  f.Ctx("tree/file", "t");
  REQUIRE_OK(f.Run(Copy({"file.txt"}, "/dangling/sub/")));
  CHECK(ReadText(f.rootfs / "symlink-target/sub/file.txt") == "new");
  CHECK(IsLink(f.rootfs / "dangling"));
  REQUIRE_OK(f.Run(Copy({"file.txt"}, "/filelink")));
  CHECK(ReadText(f.rootfs / "afile") == "new");
  CHECK(IsLink(f.rootfs / "filelink"));
  REQUIRE_OK(f.Run(Copy({"tree"}, "/maybe-directory")));
  CHECK(ReadText(f.rootfs / "directory/file") == "t");
  // Below the destination, links are not followed: a directory onto one is refused.
  fs::create_directories(f.context / "over/maybe-directory");
  auto onto_link = f.Run(Copy({"over"}, "/"));
  REQUIRE_FALSE(onto_link.ok());
  CHECK(onto_link.status().message().find("to non-directory \"/maybe-directory\"") != std::string::npos);
}

TEST_CASE("hostile destination: symlinks in the rootfs never lead a write outside it") {
  SUBCASE("openat2") {
    snapshotter::RootFs::ForceFallbackForTesting(false);
    HostileDestinationScenario();
  }
  SUBCASE("portable walk") {
    snapshotter::RootFs::ForceFallbackForTesting(true);
    HostileDestinationScenario();
    snapshotter::RootFs::ForceFallbackForTesting(false);
  }
}

TEST_CASE("hostile stage source: links in a stage rootfs resolve inside it") {
  CopyFixture f;
  fs::path outside = f.tmp.path() / "outside";
  WriteText(outside / "secret", "SECRET");
  fs::path stage = f.tmp.path() / "stage";
  fs::create_directories(stage / "opt");
  fs::create_symlink("/", stage / "opt/root");                 // absolute link to "/"
  fs::create_symlink("../../../../../../..", stage / "opt/up");  // more ".." than depth
  WriteText(stage / "etc/hostname", "stage-host");
  for (const std::string& src : std::vector<std::string>{"/opt/root" + outside.string() + "/secret", "/opt/up" + outside.string() + "/secret"}) {
    CAPTURE(src);
    CopySpec spec = Copy({src}, "/got/");
    spec.root_kind = SourceRootKind::kStage;
    auto r = f.Run(spec, nullptr, nullptr, stage);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kNotFound);
  }
  CopySpec inside = Copy({"/opt/root/etc/hostname"}, "/got/");
  inside.root_kind = SourceRootKind::kStage;
  REQUIRE_OK(f.Run(inside, nullptr, nullptr, stage));
  CHECK(ReadText(f.rootfs / "got/hostname") == "stage-host");
  CHECK_FALSE(fs::exists(f.rootfs / "got/secret"));
}

}  // namespace
}  // namespace mybuild::fileops
