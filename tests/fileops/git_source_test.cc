#include <doctest/doctest.h>

#include <utility>

#include "src/fileops/git_source.h"
#include "src/fileops/url_fetcher.h"

namespace mybuild::fileops {
namespace {

TEST_CASE("git sources: remote, #ref and #ref:subdir, scp-like, ssh and git URLs") {
  const std::pair<const char*, GitSource> cases[] = {
      {"https://host/owner/repo.git", {"https://host/owner/repo.git", "", ""}},
      {"http://127.0.0.1:8000/repo.git#v1.2.3", {"http://127.0.0.1:8000/repo.git", "v1.2.3", ""}},
      {"https://host/repo.git#feature/x:docs/guide/", {"https://host/repo.git", "feature/x", "docs/guide"}},
      {"https://host/repo.git#:/./sub//dir", {"https://host/repo.git", "", "sub/dir"}},
      {"https://host/repo.git#refs/heads/main:.", {"https://host/repo.git", "refs/heads/main", ""}},
      // The colons of scp-like and ssh remotes stay in the remote; only the fragment's colon splits.
      {"git@github.com:moby/buildkit.git#v0.10.1:frontend", {"git@github.com:moby/buildkit.git", "v0.10.1", "frontend"}},
      {"ssh://git@host:2222/srv/repo.git#main", {"ssh://git@host:2222/srv/repo.git", "main", ""}},
      {"git://host/repo", {"git://host/repo", "", ""}},
  };
  for (const auto& [text, expected] : cases) {
    CAPTURE(text);
    auto parsed = ParseGitSource(text);
    REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
    CHECK(parsed->remote == expected.remote);
    CHECK(parsed->ref == expected.ref);
    CHECK(parsed->subdir == expected.subdir);
  }
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
