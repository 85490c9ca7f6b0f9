#include "src/compose/dotenv.h"

namespace mybuild::compose {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool IsValidName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!(c == '_' || c == '.' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
      return false;
    }
  }
  return true;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

class DotEnvParser {
 public:
  DotEnvParser(std::string_view text, const std::string& file, const VariableLookup& lookup)
      : text_(text), file_(file), outer_(lookup) {}

  StatusOr<std::map<std::string, std::string>> Parse() {
    while (pos_ < text_.size()) {
      std::string_view current = NextLine();
      const int line = line_;
      std::string_view trimmed = Trim(current);
      if (trimmed.empty() || trimmed.front() == '#') continue;
      if (trimmed.substr(0, 7) == "export " || trimmed.substr(0, 7) == "export\t") trimmed = Trim(trimmed.substr(7));
      const size_t equals = trimmed.find('=');
      const std::string name(Trim(trimmed.substr(0, equals)));
      if (!IsValidName(name)) {
        return Error(line, "invalid variable name \"" + name + "\": expected KEY=VALUE with a KEY of letters, digits, _ . -");
      }
      if (equals == std::string_view::npos) {
        if (std::optional<std::string> value = Lookup(name)) values_[name] = *value;
        continue;
      }
      std::string_view raw = trimmed.substr(equals + 1);
      while (!raw.empty() && IsSpace(raw.front())) raw.remove_prefix(1);
      MB_ASSIGN_OR_RETURN(std::string value, ParseValue(raw, line));
      values_[name] = std::move(value);
    }
    return values_;
  }

 private:
  std::string_view NextLine() {
    size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) end = text_.size();
    std::string_view line = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    ++line_;
    return line;
  }

  std::optional<std::string> Lookup(const std::string& name) const {
    auto it = values_.find(name);
    if (it != values_.end()) return it->second;
    return outer_(name);
  }

  Status Error(int line, const std::string& message) const {
    SourceLocation location;
    location.file = file_;
    location.line = line;
    return InvalidArgument(message, location);
  }

  StatusOr<std::string> Expand(std::string_view text, int line) const {
    StatusOr<InterpolationResult> result = Interpolate(text, [this](const std::string& name) { return Lookup(name); });
    if (!result.ok()) return Error(line, result.status().message());
    return std::move(result->text);
  }

  StatusOr<std::string> ParseValue(std::string_view raw, int line) {
    if (!raw.empty() && raw.front() == '\'') {
      const size_t close = raw.find('\'', 1);
      if (close == std::string_view::npos) return Error(line, "unterminated single-quoted value: expected a closing '");
      return std::string(raw.substr(1, close - 1));
    }
    if (!raw.empty() && raw.front() == '"') return ParseDoubleQuoted(raw.substr(1), line);
    const size_t comment = raw.find(" #");
    if (comment != std::string_view::npos) raw = raw.substr(0, comment);
    return Expand(Trim(raw), line);
  }

  // After the opening quote; may continue on the following lines.
  StatusOr<std::string> ParseDoubleQuoted(std::string_view rest, int line) {
    std::string out;
    for (;;) {
      for (size_t i = 0; i < rest.size(); ++i) {
        const char c = rest[i];
        if (c == '\\' && i + 1 < rest.size()) {
          const char escaped = rest[++i];
          out += escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped == 'r' ? '\r' : escaped;
          if (escaped != 'n' && escaped != 't' && escaped != 'r' && escaped != '\\' && escaped != '"' && escaped != '$') {
            out.insert(out.size() - 1, 1, '\\');
          }
          continue;
        }
        if (c == '"') return Expand(out, line);
        out += c;
      }
      if (pos_ >= text_.size()) return Error(line, "unterminated double-quoted value: expected a closing \"");
      out += '\n';
      rest = NextLine();
    }
  }

  std::string_view text_;
  const std::string& file_;
  const VariableLookup& outer_;
  size_t pos_ = 0;
  int line_ = 0;
  std::map<std::string, std::string> values_;
};

}  // namespace

StatusOr<std::map<std::string, std::string>> ParseDotEnv(std::string_view text, const std::string& file,
                                                         const VariableLookup& lookup) {
  return DotEnvParser(text, file, lookup).Parse();
}

}  // namespace mybuild::compose
