#include "src/fileops/path_match.h"

#include <doctest/doctest.h>

#include "src/fileops/chmod_spec.h"
#include "src/fileops/path_filter.h"

namespace mybuild::fileops {
namespace {

struct MatchCase {
  const char* pattern;
  const char* name;
  bool match;
  bool error;
};

TEST_CASE("GlobMatch follows Go's filepath.Match") {
  // From Go's path/filepath match_test.go, plus a few of ours.
  const MatchCase cases[] = {
      {"abc", "abc", true, false},
      {"*", "abc", true, false},
      {"*c", "abc", true, false},
      {"a*", "a", true, false},
      {"a*", "abc", true, false},
      {"a*", "ab/c", false, false},
      {"a*/b", "abc/b", true, false},
      {"a*/b", "a/c/b", false, false},
      {"a*b*c*d*e*/f", "axbxcxdxe/f", true, false},
      {"a*b*c*d*e*/f", "axbxcxdxexxx/f", true, false},
      {"a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false, false},
      {"a*b*c*d*e*/f", "axbxcxdxexxx/fff", false, false},
      {"a*b?c*x", "abxbbxdbxebxczzx", true, false},
      {"a*b?c*x", "abxbbxdbxebxczzy", false, false},
      {"ab[c]", "abc", true, false},
      {"ab[b-d]", "abc", true, false},
      {"ab[e-g]", "abc", false, false},
      {"ab[^c]", "abc", false, false},
      {"ab[^b-d]", "abc", false, false},
      {"ab[^e-g]", "abc", true, false},
      {"a\\*b", "a*b", true, false},
      {"a\\*b", "ab", false, false},
      {"a?b", "a☺b", true, false},
      {"a[^a]b", "a☺b", true, false},
      {"a???b", "a☺b", false, false},
      {"a[^a][^a][^a]b", "a☺b", false, false},
      {"[a-ζ]*", "α", true, false},
      {"*[a-ζ]", "A", false, false},
      {"a?b", "a/b", false, false},
      {"a*b", "a/b", false, false},
      {"[\\]a]", "]", true, false},
      {"[\\-]", "-", true, false},
      {"[x\\-]", "x", true, false},
      {"[x\\-]", "-", true, false},
      {"[x\\-]", "z", false, false},
      {"[\\-x]", "x", true, false},
      {"[\\-x]", "a", false, false},
      {"[]a]", "]", false, true},
      {"[-]", "-", false, true},
      {"[x-]", "x", false, true},
      {"[-x]", "x", false, true},
      {"\\", "a", false, true},
      {"[a-b-c]", "a", false, true},
      {"[", "a", false, true},
      {"[^", "a", false, true},
      {"[^bc", "a", false, true},
      {"a[", "a", false, true},
      {"a[", "ab", false, true},
      {"a[", "x", false, true},
      {"a/b[", "x", false, true},
      {"*x", "xxx", true, false},
      {"file?.txt", "file1.txt", true, false},
      {"*.txt", ".hidden.txt", true, false},
  };
  for (const MatchCase& c : cases) {
    CAPTURE(c.pattern);
    CAPTURE(c.name);
    StatusOr<bool> got = GlobMatch(c.pattern, c.name);
    if (c.error) {
      CHECK_FALSE(got.ok());
    } else {
      REQUIRE(got.ok());
      CHECK(*got == c.match);
    }
  }
}

TEST_CASE("HasWildcards skips escaped characters") {
  CHECK(HasWildcards("a*"));
  CHECK(HasWildcards("dir/[ab]"));
  CHECK(HasWildcards("a?"));
  CHECK_FALSE(HasWildcards("a\\*"));
  CHECK_FALSE(HasWildcards("plain/path"));
}

TEST_CASE("dockerignore patterns: parents, **, exceptions, last match wins") {
  auto filter = DockerIgnoreFilter::FromDockerignore(
      "# comment\n"
      "*.log\n"
      "build\n"
      "**/tmp\n"
      "docs/**\n"
      "secret/*\n"
      "!secret/keep.txt\n"
      "/abs.txt\n"
      "\n");
  REQUIRE(filter.ok());
  CHECK(filter->Excluded("a.log"));
  CHECK_FALSE(filter->Excluded("dir/a.log"));  // * does not cross '/'
  CHECK(filter->Excluded("build"));
  CHECK(filter->Excluded("build/out/x.o"));  // below an excluded directory
  CHECK(filter->Excluded("tmp"));
  CHECK(filter->Excluded("a/b/tmp"));
  CHECK(filter->Excluded("a/b/tmp/file"));
  CHECK(filter->Excluded("docs/x/y"));
  CHECK_FALSE(filter->Excluded("docs"));
  CHECK(filter->Excluded("secret/other"));
  CHECK_FALSE(filter->Excluded("secret/keep.txt"));
  CHECK_FALSE(filter->Excluded("secret"));
  CHECK(filter->Excluded("abs.txt"));
  CHECK_FALSE(filter->Excluded("src/main.c"));

  auto dir_ex = DockerIgnoreFilter::FromPatterns({"vendor", "!vendor/keep"});
  REQUIRE(dir_ex.ok());
  CHECK(dir_ex->Excluded("vendor"));
  CHECK(dir_ex->MayReincludeBelow("vendor"));
  CHECK_FALSE(dir_ex->Excluded("vendor/keep"));
  CHECK(dir_ex->Excluded("vendor/other"));
  auto plain = DockerIgnoreFilter::FromPatterns({"vendor"});
  CHECK_FALSE(plain->MayReincludeBelow("vendor"));

  CHECK_FALSE(DockerIgnoreFilter::FromPatterns({"a["}).ok());
  CHECK_FALSE(DockerIgnoreFilter::FromPatterns({"!"}).ok());
}

TEST_CASE("--chmod: octal and symbolic forms") {
  struct Case {
    const char* spec;
    uint32_t before;
    bool dir;
    uint32_t after;
  };
  const Case cases[] = {
      {"0755", 0600, false, 0755},
      {"644", 0777, false, 0644},
      {"4755", 0, false, 04755},
      {"u+x", 0644, false, 0744},
      {"go-w", 0666, false, 0644},
      {"a=rX", 0600, false, 0444},
      {"a=rX", 0700, false, 0555},
      {"a=rX", 0600, true, 0555},
      {"+x", 0644, false, 0755},
      {"u=rwx,g=rx,o=", 0666, false, 0750},
      {"g=u", 0740, false, 0770},
      {"o+t", 0755, true, 01755},
      {"u+s", 0755, false, 04755},
      {"u-x+w", 0500, false, 0600},
      {"a-rwx", 0777, false, 0},
  };
  for (const Case& c : cases) {
    CAPTURE(c.spec);
    auto spec = ChmodSpec::Parse(c.spec);
    REQUIRE(spec.ok());
    CHECK(spec->Apply(c.before, c.dir) == c.after);
  }
  for (const char* bad : {"", "8", "07777777", "u", "u+z", "x+r", "u+x,", "0x755", "rwx"}) {
    CAPTURE(bad);
    auto spec = ChmodSpec::Parse(bad);
    REQUIRE_FALSE(spec.ok());
    CHECK(spec.status().message().find("--chmod") != std::string::npos);
  }
}

}  // namespace
}  // namespace mybuild::fileops
