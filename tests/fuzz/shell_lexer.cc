// Fuzz target "shell_lexer": word expansion (ShellLexer) of any word, with any options.
//
// Input: byte 0 chooses the settings (bit 0: escape '`' instead of '\\'; bits 1-4: raw_quotes,
// raw_escapes, skip_unset_env, skip_process_quotes). The rest is the word; when it holds a NUL byte, the
// text before the first NUL is extra environment ("NAME=value" lines) and the text after it the word.
// The environment always has the variables of BuildKit's envVarTest (PWD, SHELL, KOREAN, NULL).
//
// Checks: expansion returns a value or an error with a message, never crashes; the variable names it
// reports as found are set and those reported missing are not; a word without '$' looks up no variable
// and expands to at most three times its length (quote and escape removal only shorten it; an invalid
// UTF-8 byte becomes U+FFFD, three bytes, as in the reference).
#include <string>
#include <vector>

#include "src/frontend/shell_lexer.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mybuild::frontend;
  if (size == 0) return 0;
  const uint8_t settings = data[0];
  std::string_view word = mybuild::fuzz::AsText(data + 1, size - 1);

  EnvList env{{"PWD", "/home"}, {"SHELL", "bash"}, {"KOREAN", "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4"}, {"NULL", ""}};
  if (const size_t nul = word.find('\0'); nul != std::string_view::npos) {
    std::string_view lines = word.substr(0, nul);
    word.remove_prefix(nul + 1);
    std::vector<std::string> entries;
    while (!lines.empty()) {
      const size_t end = lines.find('\n');
      entries.emplace_back(lines.substr(0, end));
      lines.remove_prefix(end == std::string_view::npos ? lines.size() : end + 1);
    }
    const EnvList extra = EnvList::FromStrings(entries);
    for (const auto& [name, value] : extra.entries()) env.Set(name, value);
  }

  ShellLexerOptions options;
  options.raw_quotes = settings & 2;
  options.raw_escapes = settings & 4;
  options.skip_unset_env = settings & 8;
  options.skip_process_quotes = settings & 16;
  const ShellLexer lexer((settings & 1) ? '`' : '\\', options);

  mybuild::StatusOr<ProcessResult> result = lexer.ProcessWordWithMatches(word, env);
  if (!result.ok()) {
    FUZZ_CHECK(!result.status().message().empty());
    return 0;
  }
  for (const std::string& name : result->matched) {
    FUZZ_CHECK(env.Get(name).has_value(), "reported as found: " + name);
    FUZZ_CHECK(result->unmatched.count(name) == 0, "found and missing: " + name);
  }
  for (const std::string& name : result->unmatched) FUZZ_CHECK(!env.Get(name).has_value(), "reported as missing: " + name);
  if (word.find('$') == std::string_view::npos) {
    FUZZ_CHECK(result->result.size() <= 3 * word.size(), "expanded to " + result->result);
    FUZZ_CHECK(result->matched.empty() && result->unmatched.empty());
  }
  return 0;
}
