#include <doctest/doctest.h>

#include "src/fileops/copier.h"
#include "tests/fileops/fake_git_client.h"
#include "tests/fileops/fixture.h"

namespace mybuild::fileops {
namespace {

using namespace mybuild::fileops::testing;

const std::string kCommit1 = "1111111111111111111111111111111111111111";
const std::string kCommit2 = "2222222222222222222222222222222222222222";

struct GitFixture {
  CopyFixture f;
  FakeGitClient git;
  GitFixture() {
    git.refs[""] = ResolvedGitRef{kCommit1, "HEAD"};
    git.refs["v1"] = ResolvedGitRef{kCommit1, "refs/tags/v1"};
    git.refs["main"] = ResolvedGitRef{kCommit2, "refs/heads/main"};
  }
  StatusOr<CopyStats> Add(const std::string& url, const std::string& dest, CopySpec spec = {}) {
    spec.sources = {CopySource::Url(url)};
    spec.dest = dest;
    spec.is_add = true;
    spec.location = SourceLocation{"Dockerfile", 3, 1};
    return f.Run(spec, nullptr, nullptr, {}, &git);
  }
};

TEST_CASE("ADD <git>#ref copies the checkout's tree into dest, without .git, mtimes = the commit time") {
  GitFixture g;
  auto r = g.Add("https://host/repo.git#v1", "/src");
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(g.git.resolved == std::vector<std::string>{"v1"});
  CHECK(g.git.checked_out == std::vector<std::string>{kCommit1});
  const fs::path src = g.f.rootfs / "src";
  CHECK(ReadText(src / "README") == "commit " + kCommit1 + "\n");
  CHECK(ReadText(src / "sub/deep/b.txt") == "b\n");
  CHECK(ModeOf(src / "README") == 0644);
  CHECK(ModeOf(src / "run.sh") == 0755);
  CHECK_FALSE(fs::exists(src / ".git"));
  // A symlink is copied as a link, verbatim, never followed.
  REQUIRE(IsLink(src / "sub/escape"));
  CHECK(fs::read_symlink(src / "sub/escape") == "../../../../etc/passwd");
  for (const char* rel : {"README", "run.sh", "sub", "sub/deep", "sub/deep/b.txt", "sub/escape"}) {
    CAPTURE(rel);
    CHECK(LstatPath(src / rel)->st_mtim.tv_sec == FakeGitClient::kCommitTime);
    CHECK(LstatPath(src / rel)->st_uid == 0);
  }
  CHECK(r->files == 4);
  CHECK(r->symlinks == 1);
}

TEST_CASE("ADD <git>#ref:subdir copies only that directory's content") {
  GitFixture g;
  auto r = g.Add("https://host/repo.git#main:sub", "/dest/");
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(ReadText(g.f.rootfs / "dest/a.txt") == "a\n");
  CHECK(ReadText(g.f.rootfs / "dest/deep/b.txt") == "b\n");
  CHECK_FALSE(fs::exists(g.f.rootfs / "dest/README"));
  CHECK(g.git.checked_out == std::vector<std::string>{kCommit2});
}

TEST_CASE("ADD --keep-git-dir keeps .git, --chown and --chmod apply to the checkout") {
  GitFixture g;
  CopySpec spec;
  spec.keep_git_dir = true;
  spec.chown = "1000:1001";
  spec.chmod = "0700";
  auto r = g.Add("https://host/repo.git", "/src", spec);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(ReadText(g.f.rootfs / "src/.git/HEAD") == kCommit1 + "\n");
  CHECK(LstatPath(g.f.rootfs / "src/README")->st_uid == 1000);
  CHECK(LstatPath(g.f.rootfs / "src/README")->st_gid == 1001);
  CHECK(ModeOf(g.f.rootfs / "src/README") == 0700);
  CHECK(ModeOf(g.f.rootfs / "src/sub") == 0700);
}

TEST_CASE("ADD <git>: a commit pinned by the worker is checked out without resolving again") {
  GitFixture g;
  CopySpec spec;
  spec.git_pinned = ResolvedGitRef{kCommit2, "refs/heads/main"};
  auto r = g.Add("https://host/repo.git#main", "/src", spec);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(g.git.resolved.empty());
  CHECK(g.git.checked_out == std::vector<std::string>{kCommit2});
}

TEST_CASE("ADD --checksum of a git source is the commit id (or a prefix), a mismatch fails") {
  GitFixture g;
  CopySpec spec;
  spec.git_checksum = kCommit1.substr(0, 12);
  auto ok = g.Add("https://host/repo.git#v1", "/src", spec);
  REQUIRE_MESSAGE(ok.ok(), ok.status().ToString());
  spec.git_checksum = kCommit2;
  auto bad = g.Add("https://host/repo.git#v1", "/other", spec);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kDataLoss);
  CHECK(bad.status().message().find(kCommit1) != std::string::npos);
  CHECK_FALSE(fs::exists(g.f.rootfs / "other"));
}

TEST_CASE("ADD <git>: unknown ref, unreachable repo, missing subdir, bad ref: clear errors with the location") {
  GitFixture g;
  auto unknown = g.Add("https://host/repo.git#nope", "/src");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().code() == StatusCode::kNotFound);
  CHECK(unknown.status().message().find("nope") != std::string::npos);
  CHECK(unknown.status().location().has_value());

  auto missing = g.Add("https://host/repo.git#v1:nothere", "/src");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(missing.status().message().find("nothere") != std::string::npos);
  auto file_as_dir = g.Add("https://host/repo.git#v1:README", "/src");
  CHECK_FALSE(file_as_dir.ok());

  auto option = g.Add("https://host/repo.git#--upload-pack=x", "/src");
  REQUIRE_FALSE(option.ok());
  CHECK(option.status().code() == StatusCode::kInvalidArgument);

  g.git.unreachable = true;
  auto down = g.Add("https://host/repo.git#v1", "/src");
  REQUIRE_FALSE(down.ok());
  CHECK(down.status().code() == StatusCode::kUnavailable);

  CopySpec spec;
  spec.sources = {CopySource::Url("https://host/repo.git")};
  spec.dest = "/src";
  spec.is_add = true;
  CHECK_FALSE(g.f.Run(spec).ok());  // no git client
}

TEST_CASE("ADD <git> onto an existing file fails, COPY refuses a git URL") {
  GitFixture g;
  WriteText(g.f.rootfs / "taken", "file");
  auto r = g.Add("https://host/repo.git", "/taken");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("non-directory") != std::string::npos);

  CopySpec copy;
  copy.sources = {CopySource::Url("https://host/repo.git")};
  copy.dest = "/x";
  auto c = g.f.Run(copy, nullptr, nullptr, {}, &g.git);
  REQUIRE_FALSE(c.ok());
  CHECK(g.git.checked_out.empty());
}

}  // namespace
}  // namespace mybuild::fileops
