#include "src/frontend/heredoc.h"

#include <cstdint>

#include "src/frontend/text_util.h"

namespace mybuild::frontend {
namespace {

// A minimal port of the reference shell lexer's word mode, for an empty environment with unset variables
// left as written. Works on code points; `raw_quotes` keeps quote characters, `raw_escapes` keeps escapes.
class WordLexer {
 public:
  WordLexer(std::string_view text, bool raw_quotes, bool raw_escapes)
      : text_(text), raw_quotes_(raw_quotes), raw_escapes_(raw_escapes) {}

  std::optional<std::vector<std::string>> Run() {
    while (!AtEnd()) {
      const char32_t ch = Peek();
      if (ch == '$') {
        std::string value;
        if (!Dollar(value)) return std::nullopt;
        for (size_t i = 0; i < value.size();) {  // an expansion is split at white space
          const DecodedRune d = DecodeRune(value, i);
          AddChar(d.rune);
          i += d.width;
        }
      } else if (ch == '<') {
        AddRawString(PossibleHeredoc());
      } else if (ch == '\'') {
        std::string value;
        if (!SingleQuote(value)) return std::nullopt;
        AddRawString(value);
      } else if (ch == '"') {
        std::string value;
        if (!DoubleQuote(value)) return std::nullopt;
        AddRawString(value);
      } else {
        char32_t c = Next();
        if (c == '\\') {
          if (raw_escapes_) AddRawChar(c);
          if (AtEnd()) break;
          c = Next();
          AddRawChar(c);
        } else {
          AddChar(c);
        }
      }
    }
    if (!buffer_.empty()) words_.push_back(buffer_);
    return words_;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char32_t Peek() const { return DecodeRune(text_, pos_).rune; }
  char32_t Next() {
    const DecodedRune d = DecodeRune(text_, pos_);
    pos_ += d.width;
    return d.rune;
  }

  void AddChar(char32_t ch) {
    if (IsUnicodeSpace(ch)) {
      if (in_word_ && !buffer_.empty()) {
        words_.push_back(buffer_);
        buffer_.clear();
        in_word_ = false;
      }
      return;
    }
    AddRawChar(ch);
  }
  void AddRawChar(char32_t ch) {
    AppendRune(buffer_, ch);
    in_word_ = true;
  }
  void AddRawString(const std::string& s) {
    buffer_ += s;
    in_word_ = true;
  }

  std::string PossibleHeredoc() {
    Next();
    if (AtEnd() || Peek() != '<') return "<";
    Next();
    std::string result = "<<";
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t' || Peek() == '\r')) AppendRune(result, Next());
    return result;
  }

  bool SingleQuote(std::string& out) {
    const char32_t open = Next();
    if (raw_quotes_) AppendRune(out, open);
    while (true) {
      if (AtEnd()) return false;
      const char32_t ch = Next();
      if (ch == '\'') {
        if (raw_quotes_) AppendRune(out, ch);
        return true;
      }
      AppendRune(out, ch);
    }
  }

  bool DoubleQuote(std::string& out) {
    const char32_t open = Next();
    if (raw_quotes_) AppendRune(out, open);
    while (true) {
      if (AtEnd()) return false;
      const char32_t peek = Peek();
      if (peek == '"') {
        const char32_t ch = Next();
        if (raw_quotes_) AppendRune(out, ch);
        return true;
      }
      if (peek == '$') {
        if (!Dollar(out)) return false;
        continue;
      }
      char32_t ch = Next();
      if (ch == '\\') {
        if (raw_escapes_) AppendRune(out, ch);
        if (AtEnd()) continue;
        const char32_t next = Peek();
        if (next == '"' || next == '$' || next == '\\') ch = Next();
      }
      AppendRune(out, ch);
    }
  }

  // $name, ${…}: with no variable set and unset ones kept, the text is kept as written.
  bool Dollar(std::string& out) {
    Next();
    if (AtEnd() || Peek() != '{') {
      out += '$';
      const size_t start = pos_;
      if (!AtEnd()) {
        const char32_t first = Peek();
        if (first >= '0' && first <= '9') {
          while (!AtEnd() && Peek() >= '0' && Peek() <= '9') Next();
        } else if (first == '@' || first == '*' || first == '#' || first == '?' || first == '-' ||
                   first == '$' || first == '!') {
          Next();
        } else {
          while (!AtEnd()) {
            const char32_t c = Peek();
            const bool name_char = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                   (c >= '0' && c <= '9') || c >= 0x80;
            if (!name_char) break;
            Next();
          }
        }
      }
      out.append(text_.substr(start, pos_ - start));
      return true;
    }
    const size_t start = pos_;
    Next();  // '{'
    if (AtEnd()) return false;
    const char32_t first = Peek();
    if (first == '{' || first == '}' || first == ':') return false;
    while (!AtEnd() && Peek() != '}') Next();
    if (AtEnd()) return false;
    Next();
    out += '$';
    out.append(text_.substr(start, pos_ - start));
    return true;
  }

  std::string_view text_;
  bool raw_quotes_;
  bool raw_escapes_;
  size_t pos_ = 0;
  std::string buffer_;
  bool in_word_ = false;
  std::vector<std::string> words_;
};

size_t CountQuotes(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (c == '\'' || c == '"') ? 1 : 0;
  return n;
}

bool IsRegexSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

}  // namespace

std::optional<std::vector<std::string>> HeredocShellWords(std::string_view text, bool raw_quotes,
                                                          bool raw_escapes) {
  return WordLexer(text, raw_quotes, raw_escapes).Run();
}

StatusOr<std::optional<Heredoc>> ParseHeredocWord(std::string_view word) {
  using Result = std::optional<Heredoc>;
  // ^(\d*)<<(-?)\s*([^<]*)$
  size_t pos = 0;
  while (pos < word.size() && word[pos] >= '0' && word[pos] <= '9') ++pos;
  const std::string_view digits = word.substr(0, pos);
  if (word.substr(pos, 2) != "<<") return Result();
  pos += 2;
  bool chomp = false;
  if (pos < word.size() && word[pos] == '-') {
    chomp = true;
    ++pos;
  }
  while (pos < word.size() && IsRegexSpace(word[pos])) ++pos;
  const std::string_view rest = word.substr(pos);
  if (rest.find('<') != std::string_view::npos) return Result();
  if (rest.empty()) return Result();

  const auto words = HeredocShellWords(rest, /*raw_quotes=*/false, /*raw_escapes=*/false);
  if (!words) return InvalidArgument("unterminated quote in heredoc word " + std::string(word));
  if (words->size() != 1) return Result();
  const auto raw = HeredocShellWords(rest, /*raw_quotes=*/true, /*raw_escapes=*/false);
  if (!raw || raw->size() != 1) {
    return InvalidArgument("internal lexing of heredoc produced inconsistent results: " + std::string(rest));
  }
  Heredoc heredoc;
  heredoc.name = (*words)[0];
  heredoc.expand = CountQuotes((*words)[0]) == CountQuotes((*raw)[0]);
  heredoc.chomp = chomp;
  uint64_t fd = 0;
  bool overflow = false;
  for (char c : digits) {
    if (fd > (UINT64_MAX - 9) / 10) overflow = true;
    fd = fd * 10 + static_cast<uint64_t>(c - '0');
  }
  heredoc.file_descriptor = overflow || fd > 0x7FFFFFFF ? 0 : static_cast<int>(fd);
  return Result(std::move(heredoc));
}

StatusOr<std::vector<Heredoc>> HeredocsFromLine(std::string_view line) {
  std::vector<Heredoc> heredocs;
  const auto words = HeredocShellWords(line, /*raw_quotes=*/true, /*raw_escapes=*/true);
  if (!words) return heredocs;
  for (const std::string& word : *words) {
    MB_ASSIGN_OR_RETURN(std::optional<Heredoc> heredoc, ParseHeredocWord(word));
    if (heredoc) heredocs.push_back(std::move(*heredoc));
  }
  return heredocs;
}

std::string ChompHeredocContent(std::string_view content) {
  std::string out;
  out.reserve(content.size());
  bool line_start = true;
  for (char c : content) {
    if (line_start && c == '\t') continue;
    line_start = c == '\n';
    out.push_back(c);
  }
  return out;
}

}  // namespace mybuild::frontend
