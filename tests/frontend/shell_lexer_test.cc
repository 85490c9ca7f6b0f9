// ShellLexer and ShellPattern behaviour beyond the conformance tables: options, the backtick escape,
// error texts, limits, and a fixed-seed fuzz run.
#include "src/frontend/shell_lexer.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "src/frontend/shell_pattern.h"

namespace mybuild::frontend {
namespace {

std::string Expand(const ShellLexer& lexer, std::string_view word, const EnvList& env) {
  StatusOr<std::string> got = lexer.ProcessWord(word, env);
  REQUIRE_MESSAGE(got.ok(), got.status().message());
  return *got;
}

std::string ErrorOf(const ShellLexer& lexer, std::string_view word, const EnvList& env) {
  StatusOr<std::string> got = lexer.ProcessWord(word, env);
  REQUIRE_FALSE(got.ok());
  CHECK(got.status().code() == StatusCode::kInvalidArgument);
  return got.status().message();
}

TEST_CASE("EnvList: later entries override, names are case-sensitive, unset differs from empty") {
  EnvList env = EnvList::FromStrings({"A=1", "B", "a=x", "A=2", "C=x=y"});
  CHECK(env.Get("A") == "2");
  CHECK(env.Get("a") == "x");
  CHECK(env.Get("B") == "");
  CHECK(env.Get("C") == "x=y");
  CHECK_FALSE(env.Get("D").has_value());
  CHECK(env.ToStrings() == std::vector<std::string>{"A=2", "B=", "a=x", "C=x=y"});
  env.Set("B", "3");
  CHECK(env.Get("B") == "3");
  CHECK(env.size() == 4);
}

TEST_CASE("ShellLexer: error messages name the word and the variable") {
  const ShellLexer lexer;
  const EnvList env = {{"EMPTY", ""}};
  CHECK(ErrorOf(lexer, "${v:?}", env) == "failed to process \"${v:?}\": v: is not allowed to be unset");
  CHECK(ErrorOf(lexer, "${EMPTY:?}", env) == "failed to process \"${EMPTY:?}\": EMPTY: is not allowed to be empty");
  CHECK(ErrorOf(lexer, "${v?need v}", env) == "failed to process \"${v?need v}\": v: need v");
  CHECK(ErrorOf(lexer, "${v:=x}", env) == "failed to process \"${v:=x}\": unsupported modifier (:=) in substitution");
  CHECK(ErrorOf(lexer, "${}", env) == "failed to process \"${}\": syntax error: bad substitution");
  CHECK(ErrorOf(lexer, "${v", env) == "failed to process \"${v\": syntax error: missing '}'");
  CHECK(ErrorOf(lexer, "${v:-x", env) == "failed to process \"${v:-x\": syntax error: missing '}'");
  CHECK(ErrorOf(lexer, "${v/x", env) == "failed to process \"${v/x\": syntax error: missing '/' in ${}");
  CHECK(ErrorOf(lexer, "'a", env) ==
        "failed to process \"'a\": unexpected end of statement while looking for matching single-quote");
  CHECK(ErrorOf(lexer, "\"a", env) ==
        "failed to process \"\\\"a\": unexpected end of statement while looking for matching double-quote");
  CHECK(ErrorOf(lexer, "${v#\\x}", env) ==
        "failed to process \"${v#\\\\x}\": invalid pattern (\\x) in substitution: invalid escape '\\x'");
  CHECK(ErrorOf(lexer, "${v:#x}", env) == "failed to process \"${v:#x}\": unsupported modifier (:#) in substitution");
}

TEST_CASE("ShellLexer: the backtick escape character") {
  const ShellLexer lexer('`');
  const EnvList env = {{"PWD", "/home"}};
  CHECK(Expand(lexer, "C:\\path\\$PWD", env) == "C:\\path\\/home");
  CHECK(Expand(lexer, "a`$PWD", env) == "a$PWD");
  CHECK(Expand(lexer, "a``b", env) == "a`b");
  CHECK(Expand(lexer, "\"a`\"b\"", env) == "a\"b");
  CHECK(Expand(lexer, "\"a`tb\"", env) == "a`tb");
  CHECK(Expand(lexer, "trailing`", env) == "trailing");
  // Patterns keep using the backslash, whatever the Dockerfile's escape character.
  CHECK(Expand(lexer, "${PWD#\\/}", env) == "home");
}

TEST_CASE("ShellLexer: raw quotes, raw escapes and skip-unset options") {
  const EnvList env = {{"X", "x"}};
  ShellLexerOptions raw_quotes;
  raw_quotes.raw_quotes = true;
  CHECK(Expand(ShellLexer('\\', raw_quotes), "'a'\"$X\"", env) == "'a'\"x\"");

  ShellLexerOptions raw_escapes;
  raw_escapes.raw_escapes = true;
  CHECK(Expand(ShellLexer('\\', raw_escapes), "a\\ b\\$X", env) == "a\\ b\\$X");
  // Like the reference, an escape that escapes nothing inside "..." is written twice in raw mode.
  CHECK(Expand(ShellLexer('\\', raw_escapes), "\"a\\tb\"", env) == "a\\\\tb");

  ShellLexerOptions skip_unset;
  skip_unset.skip_unset_env = true;
  const ShellLexer keep(ShellLexer('\\', skip_unset));
  CHECK(Expand(keep, "$X $U ${U} ${U:-d} ${U/a/b} ${X:-d}", env) == "x $U ${U} ${U:-d} ${U/a/b} x");

  ShellLexerOptions no_quotes;
  no_quotes.skip_process_quotes = true;
  CHECK(Expand(ShellLexer('\\', no_quotes), "'$X' \"$X\"", env) == "'x' \"x\"");
}

TEST_CASE("ShellLexer: word splitting") {
  const ShellLexer lexer;
  const EnvList env = {{"S", " a  b "}, {"E", ""}};
  auto words = [&](std::string_view word) {
    StatusOr<std::vector<std::string>> got = lexer.ProcessWords(word, env);
    REQUIRE_MESSAGE(got.ok(), got.status().message());
    return *got;
  };
  CHECK(words("x${S}y") == std::vector<std::string>{"x", "a", "b", "y"});
  CHECK(words("x\"${S}\"y") == std::vector<std::string>{"x a  b y"});
  CHECK(words("  one\ttwo  ") == std::vector<std::string>{"one", "two"});
  CHECK(words("\"\" $E ''").empty());
  CHECK(words("a\\ b c") == std::vector<std::string>{"a b", "c"});
  CHECK(words("a${X:-b}c d") == std::vector<std::string>{"abc", "d"});  // see the header's note
  CHECK(words("cat << EOF") == std::vector<std::string>{"cat", "<< EOF"});
  CHECK(words("8080/tcp 9090") == std::vector<std::string>{"8080/tcp", "9090"});
}

TEST_CASE("ShellLexer: matched and unmatched names") {
  const ShellLexer lexer;
  StatusOr<ProcessResult> got = lexer.ProcessWordWithMatches("$A ${B:-$C} ${D+x} $1 $@", {{"A", "a"}, {"C", "c"}});
  REQUIRE(got.ok());
  CHECK(got->result == "a c   ");
  CHECK(got->matched == std::set<std::string>{"A", "C"});
  CHECK(got->unmatched == std::set<std::string>{"1", "@", "B", "D"});
}

TEST_CASE("ShellLexer: pattern operators") {
  const ShellLexer lexer;
  const EnvList env = {{"F", "dir/sub/file.tar.gz"}, {"N", "a\nb"}, {"K", "한국어"}};
  CHECK(Expand(lexer, "${F#*/}", env) == "sub/file.tar.gz");
  CHECK(Expand(lexer, "${F##*/}", env) == "file.tar.gz");
  CHECK(Expand(lexer, "${F%.*}", env) == "dir/sub/file.tar");
  CHECK(Expand(lexer, "${F%%.*}", env) == "dir/sub/file");
  CHECK(Expand(lexer, "${F/sub/x}", env) == "dir/x/file.tar.gz");
  CHECK(Expand(lexer, "${F//\\//_}", env) == "dir_sub_file.tar.gz");
  CHECK(Expand(lexer, "${F/#/x}", env) == "dir/sub/file.tar.gz");  // '#' is literal here
  CHECK(Expand(lexer, "${F/[/x}", env) == "dir/sub/file.tar.gz");  // so is '['
  // '*' and '?' never match a newline (Go's '.').
  CHECK(Expand(lexer, "${N#*}", env) == "a\nb");
  CHECK(Expand(lexer, "${N##*}", env) == "\nb");
  CHECK(Expand(lexer, "${N#??}", env) == "a\nb");
  // Multi-byte characters are single characters.
  CHECK(Expand(lexer, "${K#?}", env) == "국어");
  CHECK(Expand(lexer, "${K%?}", env) == "한국");
  // Replace-all: "$$" and "$0" in the replacement follow Go's template rules.
  CHECK(Expand(lexer, "${F//\\//$R}", {{"F", "a/b"}, {"R", "$$"}}) == "a$b");
  CHECK(Expand(lexer, "${F//\\//<$R>}", {{"F", "a/b"}, {"R", "$0"}}) == "a</>b");
  CHECK(Expand(lexer, "${F/\\//<$R>}", {{"F", "a/b"}, {"R", "$0"}}) == "a<$0>b");
  CHECK(Expand(lexer, "${F//?/x}", {{"F", "abc"}}) == "xxx");
  CHECK(Expand(lexer, "${F//*/x}", {{"F", "abc"}}) == "x");
}

// The reference's TestConvertShellPatternToRegex (7 rows) and TestReverseString/TestReversePattern
// (2 + 5 rows) test Go-internal helpers. There is no regex here; the same patterns are checked
// through ShellPattern's matching, and reversal through ${v%p}.
TEST_CASE("ShellPattern: the reference's pattern-conversion rows as matching behaviour") {
  auto anchored_match = [](std::string_view pattern, std::string_view text) -> std::optional<size_t> {
    StatusOr<ShellPattern> parsed = ShellPattern::Parse(pattern);
    REQUIRE_MESSAGE(parsed.ok(), parsed.status().message());
    StatusOr<std::optional<ShellPattern::Match>> found = parsed->Find(text, 0, true, true);
    REQUIRE(found.ok());
    if (!found->has_value()) return std::nullopt;
    return (*found)->end;
  };
  CHECK(anchored_match("*", "abc") == 3);
  CHECK(anchored_match("?", "abc") == 1);
  CHECK(anchored_match("\\*", "*x") == 1);
  CHECK_FALSE(anchored_match("\\*", "x").has_value());
  const std::string literal = "(()[]{}^$.*?|\\";
  CHECK(anchored_match("(()[]{\\}^$.\\*\\?|\\\\", literal + "tail") == literal.size());
  for (const char* invalid : {"\\", "\\x", "\\\\\\"}) {
    CAPTURE(invalid);
    CHECK_FALSE(ShellPattern::Parse(invalid).ok());
  }
  int rows = 7;
  const ShellLexer lexer;
  CHECK(Expand(lexer, "${V%🚀🖖}", {{"V", "👽🚀🖖"}}) == "👽");
  CHECK(Expand(lexer, "${V%\\*c}", {{"V", "ab*c"}}) == "ab");
  CHECK(Expand(lexer, "${V%\\\\b}", {{"V", "a\\b"}}) == "a");
  rows += 7;
  CHECK(rows == 14);
}

TEST_CASE("ShellPattern: shortest and longest matches, unanchored search") {
  StatusOr<ShellPattern> pattern = ShellPattern::Parse("a*b");
  REQUIRE(pattern.ok());
  auto find = [&](std::string_view text, bool anchored, bool greedy) {
    StatusOr<std::optional<ShellPattern::Match>> found = pattern->Find(text, 0, anchored, greedy);
    REQUIRE(found.ok());
    return *found;
  };
  CHECK(find("xaxbxb", false, true)->begin == 1);
  CHECK(find("xaxbxb", false, true)->end == 6);
  CHECK(find("xaxbxb", false, false)->end == 4);
  CHECK_FALSE(find("xaxbxb", true, true).has_value());
}

TEST_CASE("ShellLexer: nesting is bounded, large inputs finish") {
  const ShellLexer lexer;
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "${X:-";
  CHECK(ErrorOf(lexer, deep, {}).find("nested deeper than") != std::string::npos);
  // The message quotes a cut of the word, not all of it (issue 12: a 600 KB word was echoed whole).
  std::string huge_deep;
  while (huge_deep.size() < 600 * 1024) huge_deep += "${X:-";
  const std::string huge_error = ErrorOf(lexer, huge_deep, {});
  CHECK(huge_error.find("nested deeper than") != std::string::npos);
  CHECK(huge_error.size() < 300);
  CHECK(huge_error.find("...\": ") != std::string::npos);
  const std::string unset_error = ErrorOf(lexer, "${V:?" + std::string(100000, 'm') + "}", {});
  CHECK(unset_error.size() < 300);
  CHECK(unset_error.find("V: mmm") != std::string::npos);

  std::string ok;
  for (int i = 0; i < 100; ++i) ok += "${X:-";
  ok += "v";
  for (int i = 0; i < 100; ++i) ok += "}";
  CHECK(Expand(lexer, ok, {}) == "v");

  // A pathological pattern is linear per character, not exponential.
  const std::string value(2000, 'a');
  CHECK(Expand(lexer, "${V##*a*a*a*a*a*a*a*a*b}", {{"V", value}}) == value);
  const std::string huge(1 << 20, 'a');
  StatusOr<std::string> bounded = lexer.ProcessWord("${V//" + std::string(200, '?') + "/x}", {{"V", huge}});
  CHECK_FALSE(bounded.ok());
  CHECK(bounded.status().code() == StatusCode::kResourceExhausted);
}

TEST_CASE("ShellLexer: fixed-seed fuzz never crashes and is deterministic") {
  std::mt19937 random(20261129);
  const std::vector<std::string> pieces = {"$", "{", "}", ":", "-", "+", "?", "#", "%", "/", "\\", "`", "'", "\"",
                                           "a", "X", "_", "1", " ", "\t", "\n", "*", "[", "<", "\xff", "한", "=", "@"};
  const EnvList env = {{"X", "x y*"}, {"a", ""}, {"_", "/p/q/"}};
  int ok = 0, failed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string word;
    const int length = static_cast<int>(random() % 24);
    for (int j = 0; j < length; ++j) word += pieces[random() % pieces.size()];
    for (char escape : {'\\', '`'}) {
      const ShellLexer lexer(escape);
      StatusOr<ProcessResult> first = lexer.ProcessWordWithMatches(word, env);
      StatusOr<ProcessResult> second = lexer.ProcessWordWithMatches(word, env);
      REQUIRE(first.ok() == second.ok());
      if (first.ok()) {
        CHECK(first->result == second->result);
        CHECK(first->words == second->words);
        ++ok;
      } else {
        CHECK(first.status().message() == second.status().message());
        CHECK(first.status().message().rfind("failed to process ", 0) == 0);
        ++failed;
      }
    }
  }
  CHECK(ok > 1000);
  CHECK(failed > 1000);
}

}  // namespace
}  // namespace mybuild::frontend
