// Shell-like word expansion, as the reference builder (BuildKit's shell.Lex) applies it to the words of
// ENV, ARG, LABEL, COPY/ADD, WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL, FROM and flag values.
//
// A word is read left to right:
//   '...'            literal text (the escape character has no effect inside)
//   "..."            literal text except $-expansions; the escape character only escapes " $ and
//                    itself, and is kept before any other character ("a\tb" stays a\tb)
//   ESC c            the character c, literally (outside quotes); a trailing lone ESC is dropped
//   $name  ${name}   the variable's value ("" when unset); a '$' not followed by a name is literal
//   ${name:-w} ${name-w}   w when name is unset (':' also: or empty), else the value
//   ${name:+w} ${name+w}   w when name is set (':' also: and not empty), else ""
//   ${name:?m} ${name?m}   the value, or the error "name: m" when unset (':' also: or empty); without
//                          m the message is "is not allowed to be unset" / "is not allowed to be empty"
//   ${name#p} ${name##p}   the value without its shortest / longest prefix matching p
//   ${name%p} ${name%%p}   the value without its shortest / longest suffix matching p
//   ${name/p/r} ${name//p/r}   the first / every match of p replaced by r
// w, m, p and r are themselves expanded (nesting is allowed); p is a wildcard pattern as described
// in shell_pattern.h. Names are letters, digits and '_'; $1... and the special parameters
// $@ $* $# $? $- $$ $! $0 are recognised but never set. ${name:=w}, ${}, ${:...}, ${name:#p},
// ${name:%p} and any other modifier are errors, as are unbalanced quotes and braces.
//
// ESC is the Dockerfile's escape character ('\\' by default, '`' with "# escape=`"). The wildcard
// patterns always use '\\'.
//
// Errors are InvalidArgument Status values whose message reads `failed to process "WORD": why`, the
// same text as the reference; callers attach the Dockerfile location. Expansion never throws and
// takes time linear in the word plus the size of the values it substitutes (pattern operations are
// bounded, see shell_pattern.h); nesting deeper than kMaxNesting levels is an error.
//
// Known difference from the reference at BuildKit 73ed682: there, the word splitter of ProcessWords
// shares one buffer between nesting levels, so a nested ${x:-...} discards the part of the current
// word before it ("a${X:-b}" gives ["b"]). We keep the intended result (["ab"]), which is also what
// ProcessWord returns.
#ifndef MYBUILD_FRONTEND_SHELL_LEXER_H_
#define MYBUILD_FRONTEND_SHELL_LEXER_H_

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"
#include "src/frontend/shell_env.h"

namespace mybuild::frontend {

struct ShellLexerOptions {
  bool raw_quotes = false;           // keep the quote characters in the result
  bool raw_escapes = false;          // keep the escape characters in the result
  bool skip_unset_env = false;       // leave $name / ${name...} as written when name is unset
  bool skip_process_quotes = false;  // treat quote characters as ordinary characters
};

struct ProcessResult {
  std::string result;               // the expanded word, no splitting
  std::vector<std::string> words;   // the expanded word split at unquoted blanks
  std::set<std::string> matched;    // variable names looked up and found
  std::set<std::string> unmatched;  // variable names looked up and not set
};

class ShellLexer {
 public:
  static constexpr int kMaxNesting = 128;

  explicit ShellLexer(char escape = '\\', ShellLexerOptions options = {})
      : escape_(static_cast<unsigned char>(escape)), options_(options) {}

  // One word: quotes removed, variables expanded, no word splitting (blanks are kept).
  StatusOr<std::string> ProcessWord(std::string_view word, const EnvList& env) const;

  // The expanded word split into words: blanks produced by unquoted text or by an unquoted expansion
  // separate words (and never produce empty words); quoted blanks are kept. "" alone gives no word.
  StatusOr<std::vector<std::string>> ProcessWords(std::string_view word, const EnvList& env) const;

  // ProcessWord plus the words and the sets of variable names that were (not) found, e.g. to warn
  // about undefined build args.
  StatusOr<ProcessResult> ProcessWordWithMatches(std::string_view word, const EnvList& env) const;

  char32_t escape() const { return escape_; }
  const ShellLexerOptions& options() const { return options_; }

 private:
  char32_t escape_;
  ShellLexerOptions options_;
};

}  // namespace mybuild::frontend

#endif  // MYBUILD_FRONTEND_SHELL_LEXER_H_
