#include "src/frontend/shell_lexer.h"

#include <cstdint>
#include <optional>
#include <utility>

#include "src/base/message_quote.h"
#include "src/frontend/go_quote.h"
#include "src/frontend/pattern_unicode.h"
#include "src/frontend/shell_pattern.h"

namespace mybuild::frontend {
namespace {

using Rune = int32_t;
constexpr Rune kEof = -1;

// Reads a word one code point at a time. Invalid UTF-8 bytes come out one by one as U+FFFD, but
// last() always returns the original bytes, so that text is copied unchanged.
class RuneScanner {
 public:
  explicit RuneScanner(std::string_view text) : text_(text) {}

  Rune Peek() const {
    if (pos_ >= text_.size()) return kEof;
    return static_cast<Rune>(DecodeRune(text_, pos_).rune);
  }

  Rune Next() {
    if (pos_ >= text_.size()) {
      last_ = {};
      return kEof;
    }
    const DecodedRune r = DecodeRune(text_, pos_);
    last_ = text_.substr(pos_, r.width);
    pos_ += r.width;
    return static_cast<Rune>(r.rune);
  }

  // The bytes of the rune the last Next() returned ("" at the end).
  std::string_view last() const { return last_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  std::string_view last_;
};

bool IsSpaceRune(Rune r) { return r >= 0 && IsUnicodeSpace(static_cast<char32_t>(r)); }

bool IsSpecialParameter(Rune r) {
  switch (r) {
    case '@': case '*': case '#': case '?': case '-': case '$': case '!': case '0':
      return true;
    default:
      return false;
  }
}

std::string RuneText(Rune r) {
  std::string out;
  AppendRune(out, r < 0 ? kRuneError : static_cast<char32_t>(r));
  return out;
}

// Collects the words of ProcessWords while the text is expanded.
class WordSplitter {
 public:
  // Unquoted text: a blank ends the current word.
  void AddChar(Rune r, std::string_view bytes) {
    const bool blank = IsSpaceRune(r);
    if (blank && in_word_) {
      if (!word_.empty()) {
        words_.push_back(std::move(word_));
        word_.clear();
        in_word_ = false;
      }
    } else if (!blank) {
      AddRaw(bytes);
    }
  }
  // Quoted or escaped text: always part of the current word (even when empty).
  void AddRaw(std::string_view bytes) {
    word_.append(bytes);
    in_word_ = true;
  }
  // The value of an unquoted expansion: split like unquoted text.
  void AddString(std::string_view text) {
    for (size_t pos = 0; pos < text.size();) {
      const DecodedRune r = DecodeRune(text, pos);
      AddChar(static_cast<Rune>(r.rune), text.substr(pos, r.width));
      pos += r.width;
    }
  }
  std::vector<std::string> Take() {
    if (!word_.empty()) {
      words_.push_back(std::move(word_));
      word_.clear();
      in_word_ = false;
    }
    return std::move(words_);
  }

 private:
  std::string word_;
  std::vector<std::string> words_;
  bool in_word_ = false;
};

// One expansion of one word: the reader state, the environment and the names looked up.
class Expander {
 public:
  Expander(char32_t escape, const ShellLexerOptions& options, const EnvList& env, std::string_view word)
      : escape_(static_cast<Rune>(escape)),
        options_(options),
        env_(env),
        scanner_(word),
        raw_escapes_(options.raw_escapes) {}

  StatusOr<ProcessResult> Run(std::string_view word) {
    StatusOr<Piece> piece = ProcessStopOn(kEof, options_.raw_escapes);
    if (!piece.ok()) {
      return Status(piece.status().code(),
                    "failed to process " + GoQuote(CutForMessage(word)) + ": " + piece.status().message());
    }
    ProcessResult out;
    out.result = std::move(piece->text);
    out.words = std::move(piece->words);
    out.matched = std::move(matched_);
    out.unmatched = std::move(unmatched_);
    return out;
  }

 private:
  struct Piece {
    std::string text;
    std::vector<std::string> words;
  };

  // Reads up to (and consuming) `stop`, or to the end of the word when stop is kEof.
  StatusOr<Piece> ProcessStopOn(Rune stop, bool raw_escapes) {
    if (depth_ >= ShellLexer::kMaxNesting) {
      return InvalidArgument("expansions nested deeper than " + std::to_string(ShellLexer::kMaxNesting) +
                             " levels");
    }
    ++depth_;
    const bool saved_raw_escapes = raw_escapes_;
    raw_escapes_ = raw_escapes;
    StatusOr<Piece> out = ProcessStopOnImpl(stop);
    raw_escapes_ = saved_raw_escapes;
    --depth_;
    return out;
  }

  StatusOr<Piece> ProcessStopOnImpl(Rune stop) {
    Piece piece;
    WordSplitter words;
    while (scanner_.Peek() != kEof) {
      Rune ch = scanner_.Peek();
      if (stop != kEof && ch == stop) {
        scanner_.Next();
        piece.words = words.Take();
        return piece;
      }
      if (ch == '$') {
        MB_ASSIGN_OR_RETURN(std::string value, ProcessDollar());
        piece.text += value;
        words.AddString(value);
        continue;
      }
      if (ch == '<') {
        const std::string text = ProcessPossibleHeredoc();
        piece.text += text;
        words.AddRaw(text);
        continue;
      }
      if (!options_.skip_process_quotes && (ch == '\'' || ch == '"')) {
        MB_ASSIGN_OR_RETURN(std::string text, ch == '\'' ? ProcessSingleQuote() : ProcessDoubleQuote());
        piece.text += text;
        words.AddRaw(text);
        continue;
      }
      ch = scanner_.Next();
      if (ch == escape_) {
        if (raw_escapes_) {
          words.AddRaw(scanner_.last());
          piece.text += scanner_.last();
        }
        ch = scanner_.Next();
        if (ch == kEof) break;  // a trailing escape is dropped
        words.AddRaw(scanner_.last());
      } else {
        words.AddChar(ch, scanner_.last());
      }
      piece.text += scanner_.last();
    }
    if (stop != kEof) {
      return InvalidArgument("unexpected end of statement while looking for matching " + RuneText(stop));
    }
    piece.words = words.Take();
    return piece;
  }

  StatusOr<std::string> ProcessSingleQuote() {
    std::string out;
    scanner_.Next();
    if (options_.raw_quotes) out += scanner_.last();
    while (true) {
      const Rune ch = scanner_.Next();
      if (ch == kEof) return InvalidArgument("unexpected end of statement while looking for matching single-quote");
      if (ch == '\'') {
        if (options_.raw_quotes) out += scanner_.last();
        return out;
      }
      out += scanner_.last();
    }
  }

  StatusOr<std::string> ProcessDoubleQuote() {
    std::string out;
    scanner_.Next();
    if (options_.raw_quotes) out += scanner_.last();
    while (true) {
      const Rune peek = scanner_.Peek();
      if (peek == kEof) return InvalidArgument("unexpected end of statement while looking for matching double-quote");
      if (peek == '"') {
        scanner_.Next();
        if (options_.raw_quotes) out += scanner_.last();
        return out;
      }
      if (peek == '$') {
        MB_ASSIGN_OR_RETURN(std::string value, ProcessDollar());
        out += value;
        continue;
      }
      const Rune ch = scanner_.Next();
      if (ch == escape_) {
        if (raw_escapes_) out += scanner_.last();
        const Rune next = scanner_.Peek();
        if (next == kEof) continue;  // reported as the missing closing quote
        if (next == '"' || next == '$' || next == escape_) scanner_.Next();
      }
      // Either the escaped character, or the escape itself when it escapes nothing ("a\tb" stays).
      out += scanner_.last();
    }
  }

  // After '$'.
  StatusOr<std::string> ProcessDollar() {
    scanner_.Next();
    if (scanner_.Peek() != '{') {
      const std::string name = ProcessName();
      if (name.empty()) return std::string("$");
      std::optional<std::string> value = GetEnv(name);
      if (!value && options_.skip_unset_env) return "$" + name;
      return value.value_or("");
    }
    scanner_.Next();
    switch (scanner_.Peek()) {
      case kEof:
        return InvalidArgument("syntax error: missing '}'");
      case '{':
      case '}':
      case ':':
        return InvalidArgument("syntax error: bad substitution");
      default:
        break;
    }
    const std::string name = ProcessName();
    Rune ch = scanner_.Next();
    if (ch == kEof) return InvalidArgument("syntax error: missing '}'");
    std::string modifier(scanner_.last());

    if (ch == '}') {
      std::optional<std::string> value = GetEnv(name);
      if (!value && options_.skip_unset_env) return "${" + name + "}";
      return value.value_or("");
    }
    if (ch == '/') return ProcessReplace(name);

    bool null_is_unset = false;
    if (ch == ':') {
      null_is_unset = true;
      ch = scanner_.Next();
      modifier += scanner_.last();
    } else if (ch != '+' && ch != '-' && ch != '?' && ch != '#' && ch != '%') {
      return UnsupportedModifier(modifier);
    }
    const bool is_pattern = ch == '#' || ch == '%';
    if (null_is_unset && is_pattern) return UnsupportedModifier(modifier);
    StatusOr<Piece> word = ProcessStopOn('}', is_pattern);
    if (!word.ok()) {
      if (scanner_.Peek() == kEof) return InvalidArgument("syntax error: missing '}'");
      return word.status();
    }
    std::string argument = std::move(word->text);

    std::optional<std::string> value = GetEnv(name);
    if (!value && options_.skip_unset_env) return "${" + name + modifier + argument + "}";
    const bool empty_or_unset = !value || (null_is_unset && value->empty());
    switch (ch) {
      case '-':
        return empty_or_unset ? argument : *value;
      case '+':
        return empty_or_unset ? std::string() : argument;
      case '?':
        if (!value) {
          return InvalidArgument(CutForMessage(name) + ": " +
                                 (argument.empty() ? "is not allowed to be unset" : CutForMessage(argument)));
        }
        if (null_is_unset && value->empty()) {
          return InvalidArgument(CutForMessage(name) + ": " +
                                 (argument.empty() ? "is not allowed to be empty" : CutForMessage(argument)));
        }
        return *value;
      case '#':
      case '%': {
        // A doubled operator (## or %%) asks for the longest match.
        const bool greedy = !argument.empty() && static_cast<Rune>(argument[0]) == ch;
        const std::string_view pattern = std::string_view(argument).substr(greedy ? 1 : 0);
        const std::string subject = value.value_or("");
        return ch == '%' ? TrimShellPatternSuffix(pattern, subject, greedy)
                         : TrimShellPatternPrefix(pattern, subject, greedy);
      }
      default:
        return UnsupportedModifier(modifier);
    }
  }

  // After "${name/".
  StatusOr<std::string> ProcessReplace(const std::string& name) {
    const bool all = scanner_.Peek() == '/';
    if (all) scanner_.Next();
    StatusOr<Piece> pattern = ProcessStopOn('/', true);
    if (!pattern.ok()) {
      if (scanner_.Peek() == kEof) return InvalidArgument("syntax error: missing '/' in ${}");
      return pattern.status();
    }
    StatusOr<Piece> replacement = ProcessStopOn('}', true);
    if (!replacement.ok()) {
      if (scanner_.Peek() == kEof) return InvalidArgument("syntax error: missing '}'");
      return replacement.status();
    }
    std::optional<std::string> value = GetEnv(name);
    if (!value && options_.skip_unset_env) {
      return "${" + name + "/" + pattern->text + "/" + replacement->text + "}";
    }
    return ReplaceShellPattern(pattern->text, value.value_or(""), replacement->text, all);
  }

  static Status UnsupportedModifier(const std::string& modifier) {
    return InvalidArgument("unsupported modifier (" + modifier + ") in substitution");
  }

  // "<<" and the blanks after it stay together, so that a heredoc marker is one word.
  std::string ProcessPossibleHeredoc() {
    scanner_.Next();
    if (scanner_.Peek() != '<') return "<";
    scanner_.Next();
    std::string out = "<<";
    for (Rune r = scanner_.Peek(); r == ' ' || r == '\t' || r == '\r'; r = scanner_.Peek()) {
      scanner_.Next();
      out += scanner_.last();
    }
    return out;
  }

  // A variable name: letters, digits and '_'; or a run of digits (positional); or one special
  // parameter character.
  std::string ProcessName() {
    std::string name;
    while (scanner_.Peek() != kEof) {
      const Rune ch = scanner_.Peek();
      const auto r = static_cast<char32_t>(ch);
      if (name.empty() && IsUnicodeDigit(r)) {
        while (scanner_.Peek() != kEof && IsUnicodeDigit(static_cast<char32_t>(scanner_.Peek()))) {
          scanner_.Next();
          name += scanner_.last();
        }
        return name;
      }
      if (name.empty() && IsSpecialParameter(ch)) {
        scanner_.Next();
        return std::string(scanner_.last());
      }
      if (!IsUnicodeLetter(r) && !IsUnicodeDigit(r) && ch != '_') break;
      scanner_.Next();
      name += scanner_.last();
    }
    return name;
  }

  std::optional<std::string> GetEnv(const std::string& name) {
    std::optional<std::string_view> value = env_.Get(name);
    if (value) {
      matched_.insert(name);
      return std::string(*value);
    }
    unmatched_.insert(name);
    return std::nullopt;
  }

  const Rune escape_;
  const ShellLexerOptions& options_;
  const EnvList& env_;
  RuneScanner scanner_;
  bool raw_escapes_;
  int depth_ = 0;
  std::set<std::string> matched_;
  std::set<std::string> unmatched_;
};

}  // namespace

StatusOr<ProcessResult> ShellLexer::ProcessWordWithMatches(std::string_view word, const EnvList& env) const {
  Expander expander(escape_, options_, env, word);
  return expander.Run(word);
}

StatusOr<std::string> ShellLexer::ProcessWord(std::string_view word, const EnvList& env) const {
  MB_ASSIGN_OR_RETURN(ProcessResult result, ProcessWordWithMatches(word, env));
  return std::move(result.result);
}

StatusOr<std::vector<std::string>> ShellLexer::ProcessWords(std::string_view word, const EnvList& env) const {
  MB_ASSIGN_OR_RETURN(ProcessResult result, ProcessWordWithMatches(word, env));
  return std::move(result.words);
}

}  // namespace mybuild::frontend
