#include "src/registry/auth_challenge.h"

#include <cctype>

namespace mybuild::registry {
namespace {

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~/:").find(c) != std::string_view::npos;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A cursor over the header text.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  void SkipSpace() {
    while (!AtEnd() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  bool Consume(char c) {
    SkipSpace();
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  std::string Token() {
    SkipSpace();
    size_t begin = pos_;
    while (!AtEnd() && IsTokenChar(text_[pos_])) ++pos_;
    return std::string(text_.substr(begin, pos_ - begin));
  }
  // A quoted-string (with backslash escapes) or a bare token; false when the quote is never closed.
  bool Value(std::string& out) {
    SkipSpace();
    if (Peek() != '"') {
      out = Token();
      return true;
    }
    ++pos_;
    out.clear();
    while (!AtEnd()) {
      char c = text_[pos_++];
      if (c == '"') return true;
      if (c == '\\' && !AtEnd()) c = text_[pos_++];
      out += c;
    }
    return false;
  }
  size_t pos() const { return pos_; }
  void Reset(size_t pos) { pos_ = pos; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::vector<AuthChallenge> ParseWwwAuthenticate(std::string_view header) {
  std::vector<AuthChallenge> challenges;
  Scanner scan(header);
  while (true) {
    while (scan.Consume(',')) {
    }
    std::string scheme = scan.Token();
    if (scheme.empty()) break;
    AuthChallenge challenge;
    challenge.scheme = Lower(scheme);
    // auth-params: name=value, separated by commas; a token not followed by '=' starts the next challenge.
    while (true) {
      const size_t mark = scan.pos();
      while (scan.Consume(',')) {
      }
      std::string name = scan.Token();
      if (name.empty() || !scan.Consume('=')) {
        scan.Reset(mark);
        break;
      }
      std::string value;
      if (!scan.Value(value)) {
        challenges.push_back(std::move(challenge));
        return challenges;
      }
      challenge.params[Lower(name)] = value;
    }
    challenges.push_back(std::move(challenge));
  }
  return challenges;
}

}  // namespace mybuild::registry
