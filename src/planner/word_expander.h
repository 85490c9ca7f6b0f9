// Word expansion as the planner needs it: `$v`, `${v:-w}`, quotes and escapes over an ordered list of
// variables. A thin adapter over frontend::ShellLexer (the only file that uses it is word_expander.cc),
// so the rules of which instruction expands what stay in the dispatch code.
#ifndef MYBUILD_PLANNER_WORD_EXPANDER_H_
#define MYBUILD_PLANNER_WORD_EXPANDER_H_

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"
#include "src/frontend/shell_env.h"

namespace mybuild::planner {

// Ordered variables ("NAME=value", setting a name again replaces its value in place).
using EnvList = frontend::EnvList;

struct ExpandResult {
  std::string result;
  std::set<std::string> matched;    // variables that were referenced and defined
  std::set<std::string> unmatched;  // variables that were referenced but not defined
};

class WordExpander {
 public:
  explicit WordExpander(char escape = '\\') : escape_(escape) {}

  // One word: quotes removed, variables substituted (ENV values, paths, USER, …).
  StatusOr<std::string> Word(std::string_view word, const EnvList& env) const;
  // As Word, also reporting which variables were used (FROM, global ARG defaults).
  StatusOr<ExpandResult> WordWithMatches(std::string_view word, const EnvList& env) const;
  // Possibly several words: unquoted whitespace after substitution splits (EXPOSE).
  StatusOr<std::vector<std::string>> Words(std::string_view word, const EnvList& env) const;
  // Heredoc bodies: variables substituted, quotes kept, escape always '\\'.
  StatusOr<std::string> Raw(std::string_view text, const EnvList& env) const;

 private:
  char escape_;
};

}  // namespace mybuild::planner

#endif  // MYBUILD_PLANNER_WORD_EXPANDER_H_
