// .dockerignore reading and matching. The tables follow the reference's documented examples and the
// behaviour of moby/patternmatcher (its TestMatches, TestMatch and ignorefile TestReadAll cases).
#include "src/frontend/dockerignore.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "src/base/slash_path.h"

namespace mybuild::frontend {
namespace {

DockerIgnore Make(const std::vector<std::string>& patterns) {
  StatusOr<DockerIgnore> made = DockerIgnore::FromPatterns(patterns);
  REQUIRE_MESSAGE(made.ok(), made.status().message());
  return *made;
}

DockerIgnore ParseFile(std::string_view content) {
  StatusOr<DockerIgnore> made = DockerIgnore::Parse(content);
  REQUIRE_MESSAGE(made.ok(), made.status().message());
  return *made;
}

TEST_CASE("ReadDockerignorePatterns: comments, blanks, exceptions, cleaning (ignorefile TestReadAll)") {
  const std::string content =
      "test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n!\n! ";
  CHECK(ReadDockerignorePatterns(content) ==
        std::vector<std::string>{"test1", "test2", "a/file/here", "lastfile", "!inverted/abs/path", "!", "!"});
  CHECK(ReadDockerignorePatterns("").empty());
  CHECK(ReadDockerignorePatterns("\xEF\xBB\xBF# c\r\n  a/./b//  \r\n\t#x\n./c/..\n/\n") ==
        std::vector<std::string>{"a/b", "#x", ".", "/"});
  // "!" alone is refused when the patterns are compiled, as in the reference.
  CHECK_FALSE(DockerIgnore::Parse("a\n!\n").ok());
}

struct MatchCase {
  const char* pattern;
  const char* path;
  bool match;
};

// patternmatcher TestMatches (single pattern, parent directories count).
const MatchCase kMatchesCases[] = {
    {"**", "file", true}, {"**", "file/", true}, {"**/", "file", true}, {"**/", "file/", true},
    {"**", "/", true}, {"**/", "/", true}, {"**", "dir/file", true}, {"**/", "dir/file", true},
    {"**", "dir/file/", true}, {"**/", "dir/file/", true}, {"**/**", "dir/file", true},
    {"**/**", "dir/file/", true}, {"dir/**", "dir/file", true}, {"dir/**", "dir/file/", true},
    {"dir/**", "dir/dir2/file", true}, {"dir/**", "dir/dir2/file/", true}, {"**/dir", "dir", true},
    {"**/dir", "dir/file", true}, {"**/dir2/*", "dir/dir2/file", true}, {"**/dir2/*", "dir/dir2/file/", true},
    {"**/dir2/**", "dir/dir2/dir3/file", true}, {"**/dir2/**", "dir/dir2/dir3/file/", true},
    {"**file", "file", true}, {"**file", "dir/file", true}, {"**/file", "dir/file", true},
    {"**file", "dir/dir/file", true}, {"**/file", "dir/dir/file", true}, {"**/file*", "dir/dir/file", true},
    {"**/file*", "dir/dir/file.txt", true}, {"**/file*txt", "dir/dir/file.txt", true},
    {"**/file*.txt", "dir/dir/file.txt", true}, {"**/file*.txt*", "dir/dir/file.txt", true},
    {"**/**/*.txt", "dir/dir/file.txt", true}, {"**/**/*.txt2", "dir/dir/file.txt", false},
    {"**/*.txt", "file.txt", true}, {"**/**/*.txt", "file.txt", true}, {"a**/*.txt", "a/file.txt", true},
    {"a**/*.txt", "a/dir/file.txt", true}, {"a**/*.txt", "a/dir/dir/file.txt", true},
    {"a/*.txt", "a/dir/file.txt", false}, {"a/*.txt", "a/file.txt", true}, {"a/*.txt**", "a/file.txt", true},
    {"a[b-d]e", "ae", false}, {"a[b-d]e", "ace", true}, {"a[b-d]e", "aae", false}, {"a[^b-d]e", "aze", true},
    {".*", ".foo", true}, {".*", "foo", false}, {"abc.def", "abcdef", false}, {"abc.def", "abc.def", true},
    {"abc.def", "abcZdef", false}, {"abc?def", "abcZdef", true}, {"abc?def", "abcdef", false},
    {"a\\\\", "a\\", true}, {"**/foo/bar", "foo/bar", true}, {"**/foo/bar", "dir/foo/bar", true},
    {"**/foo/bar", "dir/dir2/foo/bar", true}, {"abc/**", "abc", false}, {"abc/**", "abc/def", true},
    {"abc/**", "abc/def/ghi", true}, {"**/.foo", ".foo", true}, {"**/.foo", "bar.foo", false},
    {"a(b)c/def", "a(b)c/def", true}, {"a(b)c/def", "a(b)c/xyz", false}, {"a.|)$(}+{bc", "a.|)$(}+{bc", true},
    {"dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
     "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true},
    {"dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true}, {"a\\*b", "a*b", true},
};

TEST_CASE("DockerIgnore: patternmatcher TestMatches rows") {
  int passed = 0;
  for (const MatchCase& c : kMatchesCases) {
    CAPTURE(c.pattern);
    CAPTURE(c.path);
    const bool got = Make({c.pattern}).Excluded(c.path);
    CHECK(got == c.match);
    if (got == c.match) ++passed;
  }
  CHECK(passed == static_cast<int>(std::size(kMatchesCases)));
  CHECK(passed == 68);
}

// patternmatcher TestMatch: Go's filepath.Match table through the matcher.
struct FilepathCase {
  const char* pattern;
  const char* path;
  bool match;
  bool bad_pattern;
};
const FilepathCase kFilepathCases[] = {
    {"abc", "abc", true, false}, {"*", "abc", true, false}, {"*c", "abc", true, false}, {"a*", "a", true, false},
    {"a*", "abc", true, false}, {"a*", "ab/c", true, false}, {"a*/b", "abc/b", true, false},
    {"a*/b", "a/c/b", false, false}, {"a*b*c*d*e*/f", "axbxcxdxe/f", true, false},
    {"a*b*c*d*e*/f", "axbxcxdxexxx/f", true, false}, {"a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false, false},
    {"a*b*c*d*e*/f", "axbxcxdxexxx/fff", false, false}, {"a*b?c*x", "abxbbxdbxebxczzx", true, false},
    {"a*b?c*x", "abxbbxdbxebxczzy", false, false}, {"ab[c]", "abc", true, false}, {"ab[b-d]", "abc", true, false},
    {"ab[e-g]", "abc", false, false}, {"ab[^c]", "abc", false, false}, {"ab[^b-d]", "abc", false, false},
    {"ab[^e-g]", "abc", true, false}, {"a\\*b", "a*b", true, false}, {"a\\*b", "ab", false, false},
    {"a?b", "a☺b", true, false}, {"a[^a]b", "a☺b", true, false}, {"a???b", "a☺b", false, false},
    {"a[^a][^a][^a]b", "a☺b", false, false}, {"[a-ζ]*", "α", true, false}, {"*[a-ζ]", "A", false, false},
    {"a?b", "a/b", false, false}, {"a*b", "a/b", false, false}, {"[\\]a]", "]", true, false},
    {"[\\-]", "-", true, false}, {"[x\\-]", "x", true, false}, {"[x\\-]", "-", true, false},
    {"[x\\-]", "z", false, false}, {"[\\-x]", "x", true, false}, {"[\\-x]", "-", true, false},
    {"[\\-x]", "a", false, false}, {"[]a]", "]", false, true}, {"[-]", "-", false, true},
    {"[x-]", "x", false, true}, {"[x-]", "-", false, true}, {"[x-]", "z", false, true}, {"[-x]", "x", false, true},
    {"[-x]", "-", false, true}, {"[-x]", "a", false, true}, {"\\", "a", false, true},
    {"[a-b-c]", "a", false, true}, {"[", "a", false, true}, {"[^", "a", false, true}, {"[^bc", "a", false, true},
    {"a[", "a", false, true}, {"a[", "ab", false, true}, {"*x", "xxx", true, false},
};

TEST_CASE("DockerIgnore: patternmatcher TestMatch rows (filepath.Match syntax)") {
  int passed = 0;
  for (const FilepathCase& c : kFilepathCases) {
    CAPTURE(c.pattern);
    CAPTURE(c.path);
    StatusOr<DockerIgnore> made = DockerIgnore::FromPatterns({c.pattern});
    if (c.bad_pattern) {
      CHECK_FALSE(made.ok());
      if (!made.ok()) ++passed;
      continue;
    }
    REQUIRE_MESSAGE(made.ok(), made.status().message());
    CHECK(made->Excluded(c.path) == c.match);
    if (made->Excluded(c.path) == c.match) ++passed;
  }
  CHECK(passed == static_cast<int>(std::size(kFilepathCases)));
  CHECK(passed == 54);
}

TEST_CASE("DockerIgnore: several patterns, the last match wins") {
  CHECK(Make({"*"}).Excluded("fileutils.go"));
  CHECK(Make({"*.go"}).Excluded("fileutils.go"));
  CHECK(Make({"!fileutils.go", "*.go"}).Excluded("fileutils.go"));
  CHECK_FALSE(Make({"*.go", "!fileutils.go"}).Excluded("fileutils.go"));
  CHECK_FALSE(Make({"docs", "!docs/README.md"}).Excluded("docs/README.md"));
  CHECK_FALSE(Make({"docs/", "!docs/README.md"}).Excluded("docs/README.md"));
  CHECK_FALSE(Make({"docs/*", "!docs/README.md"}).Excluded("docs/README.md"));
  CHECK_FALSE(Make({"*.go"}).Excluded("."));
  CHECK_FALSE(Make({}).Excluded("/any/path/there"));
  CHECK_FALSE(DockerIgnore::FromPatterns({"!"}).ok());
  CHECK_FALSE(DockerIgnore::FromPatterns({"["}).ok());
  CHECK_FALSE(Make({"**", "!util/docker/web"}).Excluded("util/docker/web/foo"));
  CHECK(Make({"**", "!util/docker/web", "util/docker/web/foo"}).Excluded("util/docker/web/foo"));
  CHECK_FALSE(Make({"**", "!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl"})
                  .Excluded("dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl"));
  CHECK_FALSE(Make({"**", "!dist/*.whl"}).Excluded("dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl"));
}

TEST_CASE("DockerIgnore: the examples of the Dockerfile reference") {
  const DockerIgnore ignore = ParseFile(
      "# comment\n"
      "*/temp*\n"
      "*/*/temp*\n"
      "temp?\n");
  CHECK(ignore.Excluded("somedir/temporary.txt"));
  CHECK(ignore.Excluded("somedir/temp"));
  CHECK(ignore.Excluded("somedir/temp/file"));  // a matching directory takes its contents along
  CHECK_FALSE(ignore.Excluded("temporary.txt"));
  CHECK(ignore.Excluded("somedir/subdir/temporary.txt"));
  CHECK_FALSE(ignore.Excluded("a/b/c/temporary.txt"));
  CHECK(ignore.Excluded("tempa"));
  CHECK(ignore.Excluded("tempb"));
  CHECK_FALSE(ignore.Excluded("temp"));
  CHECK_FALSE(ignore.Excluded("tempab"));
  CHECK_FALSE(ignore.Excluded("comment"));

  const DockerIgnore go = ParseFile("**/*.go\n");
  CHECK(go.Excluded("main.go"));
  CHECK(go.Excluded("cmd/tool/main.go"));
  CHECK_FALSE(go.Excluded("cmd/tool/main.go2"));

  const DockerIgnore markdown = ParseFile("*.md\n!README.md\n");
  CHECK(markdown.Excluded("CHANGES.md"));
  CHECK_FALSE(markdown.Excluded("README.md"));
  CHECK_FALSE(markdown.Excluded("docs/CHANGES.md"));  // '*' does not cross '/'

  const DockerIgnore order = ParseFile("*.md\nREADME-secret.md\n!README*.md\n");
  CHECK_FALSE(order.Excluded("README-secret.md"));
  const DockerIgnore order2 = ParseFile("*.md\n!README*.md\nREADME-secret.md\n");
  CHECK(order2.Excluded("README-secret.md"));
  CHECK_FALSE(order2.Excluded("README-public.md"));

  const DockerIgnore docs = ParseFile("docs\n");
  CHECK(docs.Excluded("docs"));
  CHECK(docs.Excluded("docs/a/b"));
  CHECK(docs.Excluded("./docs/a/../b"));
  CHECK_FALSE(docs.Excluded("docsx"));
  CHECK_FALSE(docs.Excluded("a/docs"));

  const DockerIgnore rooted = ParseFile("/build\n./dist/\n");
  CHECK(rooted.Excluded("build/x"));
  CHECK(rooted.Excluded("dist"));
  CHECK_FALSE(rooted.Excluded("src/build"));

  const DockerIgnore everything = ParseFile("*\n!src\nsrc/**/*.tmp\n");
  CHECK(everything.Excluded("Dockerfile"));
  CHECK_FALSE(everything.Excluded("src"));
  CHECK_FALSE(everything.Excluded("src/a/b.c"));
  CHECK(everything.Excluded("src/a/b.tmp"));
  CHECK(everything.Excluded("src/b.tmp"));
}

TEST_CASE("DockerIgnore: exceptions inside excluded directories and walk pruning") {
  const DockerIgnore ignore = ParseFile("node_modules\nbuild\n!build/keep/**\n!**/*.keep\nlogs/*\n!logs/.gitkeep\n");
  CHECK(ignore.has_exclusions());
  CHECK(ignore.Excluded("build"));
  CHECK(ignore.Excluded("build/out.o"));
  CHECK_FALSE(ignore.Excluded("build/keep/a"));
  CHECK_FALSE(ignore.Excluded("node_modules/x/y.keep"));
  CHECK(ignore.Excluded("node_modules/x/y.js"));
  CHECK_FALSE(ignore.Excluded("logs/.gitkeep"));
  CHECK(ignore.Excluded("logs/today.log"));

  CHECK(ignore.MayReincludeBelow("build"));  // build/keep/** and **/*.keep
  CHECK(ignore.MayReincludeBelow("logs"));
  CHECK(ignore.MayReincludeBelow("node_modules"));  // **/*.keep could match anywhere

  const DockerIgnore simple = ParseFile("node_modules\n*.log\n!important.log\n!docs/keep.md\n");
  CHECK_FALSE(simple.MayReincludeBelow("node_modules"));
  CHECK(simple.MayReincludeBelow("docs"));
  CHECK_FALSE(simple.MayReincludeBelow("docs/sub"));
  CHECK_FALSE(simple.MayReincludeBelow("doc"));
  CHECK(simple.MayReincludeBelow("."));

  const DockerIgnore wildcard = ParseFile("*\n!*/src/*.c\n");
  CHECK(wildcard.MayReincludeBelow("lib"));
  CHECK(wildcard.MayReincludeBelow("lib/src"));
  CHECK_FALSE(wildcard.MayReincludeBelow("lib/doc"));
  CHECK_FALSE(wildcard.MayReincludeBelow("lib/src/deep"));
  CHECK_FALSE(wildcard.Excluded("lib/src/a.c"));
  CHECK(wildcard.Excluded("lib/src/a.h"));

  const DockerIgnore prefix = ParseFile("vendor\n!vendor/keep/**\n");
  CHECK(prefix.MayReincludeBelow("vendor"));
  CHECK(prefix.MayReincludeBelow("vendor/keep"));
  CHECK_FALSE(prefix.MayReincludeBelow("vendor/keep/deeper"));  // not excluded: the walk is not asked
  CHECK_FALSE(prefix.MayReincludeBelow("vendor/other"));

  CHECK_FALSE(ParseFile("a\nb\n").MayReincludeBelow("a"));
}

// BuildKit sends the context through fsutil's walk, which matches directory by directory
// (patternmatcher.MatchesUsingParentResults) and enters an excluded directory by its own rule.
TEST_CASE("DockerIgnore: the answers of fsutil's walk (BuildKit's context transfer)") {
  // A pattern that matched a directory holds below it; one that did not is tried on the path itself.
  const DockerIgnore parent = Make({"a/b", "!a"});
  CHECK_FALSE(parent.Excluded("a"));
  CHECK(parent.Excluded("a/b"));  // "!a" was not tried at "a" (it could not change the answer there)
  CHECK(parent.Excluded("a/b/c"));
  CHECK_FALSE(parent.Excluded("a/c"));
  CHECK_FALSE(Make({"a/b", "!a/**"}).Excluded("a/b"));  // "a/**" matches "a/b" itself
  // A pattern skipped at a directory is not remembered as matching it.
  const DockerIgnore skipped = Make({"x", "!x/y", "x"});
  CHECK(skipped.Excluded("x"));
  CHECK_FALSE(skipped.Excluded("x/y"));
  CHECK(skipped.Excluded("x/z"));
  // The issue's case: an exception with a wildcard makes the walk enter every excluded directory.
  const DockerIgnore wildcard = Make({"subdir", "!*/sub1*"});
  CHECK(wildcard.Excluded("subdir"));
  CHECK(wildcard.MayReincludeBelow("subdir"));
  CHECK_FALSE(wildcard.Excluded("subdir/sub1.txt"));
  CHECK(wildcard.Excluded("subdir/sub2.txt"));
  // Literal exceptions only: an excluded directory is entered when an exception starts with "dir/"
  // (after dropping a trailing "/**" or "/*").
  const DockerIgnore literal = Make({"foo*", "!foo/bar2"});
  CHECK(literal.MayReincludeBelow("foo"));
  CHECK_FALSE(literal.MayReincludeBelow("foo3"));
  CHECK_FALSE(literal.Excluded("foo/bar2"));
  CHECK(literal.Excluded("foo/bar3"));
  const DockerIgnore trailing = Make({"vendor", "!vendor/keep/*"});
  CHECK(trailing.MayReincludeBelow("vendor"));
  CHECK(trailing.MayReincludeBelow("vendor/keep"));
  CHECK_FALSE(trailing.MayReincludeBelow("vendor/other"));
  // A re-included directory takes its children along; other excluded directories are not entered.
  const DockerIgnore keep = Make({"*", "!keep"});
  CHECK_FALSE(keep.Excluded("keep/sub/y"));
  CHECK(keep.Excluded("other/o"));
  CHECK_FALSE(keep.MayReincludeBelow("other"));
  CHECK_FALSE(Make({"a"}).MayReincludeBelow("a"));  // no exception: never entered
}

TEST_CASE("DockerIgnore: hostile patterns and paths stay fast and never crash") {
  std::string pattern;
  for (int i = 0; i < 200; ++i) pattern += "*a";
  std::string path(5000, 'a');
  const DockerIgnore ignore = Make({pattern, "**/**/**/**/**/**/**/x", "[^/]z"});
  CHECK_FALSE(ignore.Excluded(path + "b"));
  std::string deep;
  for (int i = 0; i < 500; ++i) deep += "d/";
  CHECK_FALSE(ignore.Excluded(deep + "y"));
  CHECK(ignore.Excluded(deep + "x"));
  CHECK_FALSE(DockerIgnore::FromPatterns({"a\\"}).ok());  // a trailing escape is refused
}

TEST_CASE("DockerIgnore: fixed-seed fuzz of patterns and paths") {
  std::mt19937 random(4242);
  const std::vector<std::string> pieces = {"*", "**", "?", "[", "]", "^", "-", "\\", "/", "a", "b", ".", "..",
                                           "!", " ", "#", "\n", "\xff", "☺", "{", "$"};
  int compiled = 0, refused = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string content;
    const int lines = 1 + static_cast<int>(random() % 4);
    for (int line = 0; line < lines; ++line) {
      const int length = static_cast<int>(random() % 10);
      for (int j = 0; j < length; ++j) content += pieces[random() % pieces.size()];
      content += "\n";
    }
    StatusOr<DockerIgnore> ignore = DockerIgnore::Parse(content);
    if (!ignore.ok()) {
      ++refused;
      continue;
    }
    ++compiled;
    for (int k = 0; k < 5; ++k) {
      std::string path;
      const int length = static_cast<int>(random() % 12);
      for (int j = 0; j < length; ++j) path += pieces[random() % pieces.size()];
      path = CleanSlashPath(path);
      CAPTURE(content);
      CAPTURE(path);
      const bool excluded = ignore->Excluded(path);
      CHECK(excluded == ignore->Excluded(path));
      // Pruning must never hide a re-included path: if some path below an excluded directory is
      // included, MayReincludeBelow must have said so.
      if (excluded) continue;
      for (size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        const std::string dir = path.substr(0, slash);
        CAPTURE(dir);
        if (ignore->Excluded(dir)) CHECK(ignore->MayReincludeBelow(dir));
      }
    }
  }
  CHECK(compiled > 500);
  CHECK(refused > 100);
}

}  // namespace
}  // namespace mybuild::frontend
