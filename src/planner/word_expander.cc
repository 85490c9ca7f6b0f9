// The one place where the planner uses frontend::ShellLexer.
#include "src/planner/word_expander.h"

#include "src/frontend/shell_lexer.h"

namespace mybuild::planner {

StatusOr<std::string> WordExpander::Word(std::string_view word, const EnvList& env) const {
  return frontend::ShellLexer(escape_).ProcessWord(word, env);
}

StatusOr<ExpandResult> WordExpander::WordWithMatches(std::string_view word, const EnvList& env) const {
  MB_ASSIGN_OR_RETURN(frontend::ProcessResult processed,
                      frontend::ShellLexer(escape_).ProcessWordWithMatches(word, env));
  ExpandResult result;
  result.result = std::move(processed.result);
  result.matched = std::move(processed.matched);
  result.unmatched = std::move(processed.unmatched);
  return result;
}

StatusOr<std::vector<std::string>> WordExpander::Words(std::string_view word, const EnvList& env) const {
  return frontend::ShellLexer(escape_).ProcessWords(word, env);
}

StatusOr<std::string> WordExpander::Raw(std::string_view text, const EnvList& env) const {
  frontend::ShellLexerOptions options;
  options.skip_process_quotes = true;
  return frontend::ShellLexer('\\', options).ProcessWord(text, env);
}

}  // namespace mybuild::planner
