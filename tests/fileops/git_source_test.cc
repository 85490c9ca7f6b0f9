#include <doctest/doctest.h>

#include "src/fileops/git_source.h"
#include "src/fileops/url_fetcher.h"

namespace mybuild::fileops {
namespace {

TEST_CASE("git sources: remote, #ref and #ref:subdir") {
  auto plain = ParseGitSource("https://host/owner/repo.git");
  REQUIRE(plain.ok());
  CHECK(*plain == GitSource{"https://host/owner/repo.git", "", ""});

  auto tag = ParseGitSource("http://127.0.0.1:8000/repo.git#v1.2.3");
  REQUIRE(tag.ok());
  CHECK(*tag == GitSource{"http://127.0.0.1:8000/repo.git", "v1.2.3", ""});

  auto sub = ParseGitSource("https://host/repo.git#feature/x:docs/guide/");
  REQUIRE(sub.ok());
  CHECK(*sub == GitSource{"https://host/repo.git", "feature/x", "docs/guide"});

  auto head_sub = ParseGitSource("https://host/repo.git#:/./sub//dir");
  REQUIRE(head_sub.ok());
  CHECK(*head_sub == GitSource{"https://host/repo.git", "", "sub/dir"});

  auto full = ParseGitSource("https://host/repo.git#refs/heads/main:.");
  REQUIRE(full.ok());
  CHECK(*full == GitSource{"https://host/repo.git", "refs/heads/main", ""});
}

TEST_CASE("git sources: scp-like, ssh and git URLs keep their colons in the remote") {
  auto scp = ParseGitSource("git@github.com:moby/buildkit.git#v0.10.1:frontend");
  REQUIRE(scp.ok());
  CHECK(*scp == GitSource{"git@github.com:moby/buildkit.git", "v0.10.1", "frontend"});
  auto ssh = ParseGitSource("ssh://git@host:2222/srv/repo.git#main");
  REQUIRE(ssh.ok());
  CHECK(*ssh == GitSource{"ssh://git@host:2222/srv/repo.git", "main", ""});
  auto git = ParseGitSource("git://host/repo");
  REQUIRE(git.ok());
  CHECK(git->remote == "git://host/repo");
}

TEST_CASE("git sources: refs and subdirs that could become options or leave the checkout are refused") {
  const char* bad[] = {
      "https://h/r.git#-uimport",      "https://h/r.git#--upload-pack=touch",  "https://h/r.git#a..b",
      "https://h/r.git#main:../x",     "https://h/r.git#main:a/../../x",       "https://h/r.git#main:-x",
      "https://h/r.git#a b",           "https://h/r.git#HEAD~1",               "https://h/r.git#a^",
      "https://h/r.git#x.lock",        "https://h/r.git#/main",                "https://h/r.git#.hidden",
      "https://h/r.git#main:a\nb",     "-https://h/r.git",                     "https://h/r .git",
  };
  for (const char* text : bad) {
    CAPTURE(text);
    auto parsed = ParseGitSource(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("git sources: commit ids and what counts as a git URL") {
  CHECK(IsFullCommitSha("0123456789abcdef0123456789abcdef01234567"));
  CHECK(IsFullCommitSha(std::string(64, 'a')));
  CHECK_FALSE(IsFullCommitSha("0123456"));
  CHECK_FALSE(IsFullCommitSha("0123456789ABCDEF0123456789abcdef01234567"));
  CHECK(IsGitUrl("http://127.0.0.1:8000/repo.git#v1:sub"));
  CHECK(IsGitUrl("https://host/repo.git"));
  CHECK(IsGitUrl("ssh://host/repo"));
  CHECK_FALSE(IsGitUrl("https://host/repo.git.tar"));
  CHECK_FALSE(IsGitUrl("https://host/archive.tar#x.git"));
}

}  // namespace
}  // namespace mybuild::fileops
