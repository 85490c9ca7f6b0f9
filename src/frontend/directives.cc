#include "src/frontend/directives.h"

#include <nlohmann/json.hpp>

#include "src/frontend/text_util.h"

namespace mybuild::frontend {
namespace {

bool IsRegexSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// ^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$
bool MatchDirective(std::string_view line, std::string& name, std::string& value) {
  size_t pos = 0;
  if (line.empty() || !IsAlpha(line[0])) return false;
  while (pos < line.size() && (IsAlpha(line[pos]) || IsDigit(line[pos]))) ++pos;
  name = std::string(line.substr(0, pos));
  while (pos < line.size() && IsRegexSpace(line[pos])) ++pos;
  if (pos >= line.size() || line[pos] != '=') return false;
  ++pos;
  if (line.find('\n', pos) != std::string_view::npos) return false;
  std::string_view rest = line.substr(pos);
  size_t lead = 0;
  while (lead < rest.size() && IsRegexSpace(rest[lead])) ++lead;
  if (lead == rest.size()) {
    if (rest.empty()) return false;
    value = std::string(1, rest.back());  // (.+?) takes back one blank from \s*
    return true;
  }
  rest.remove_prefix(lead);
  while (!rest.empty() && IsRegexSpace(rest.back())) rest.remove_suffix(1);
  value = std::string(rest);
  return true;
}

std::string_view DiscardBom(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

std::optional<DetectedDirective> DetectWith(std::string_view key, std::string_view text, DirectiveParser parser) {
  size_t pos = 0;
  while (pos < text.size() && !parser.done()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    auto directive = parser.ParseLine(line);
    if (!directive.ok()) break;
    if (*directive && (*directive)->name == key) {
      const std::string& value = (*directive)->value;
      return DetectedDirective{value.substr(0, value.find(' ')), value, (*directive)->line};
    }
  }
  return std::nullopt;
}

std::optional<DetectedDirective> Detect(std::string_view key, std::string_view text, bool any_format) {
  text = DiscardBom(text);
  int line = 0;
  if (text.substr(0, 2) == "#!") {
    const size_t newline = text.find('\n');
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    line = 1;
  }
  if (auto found = DetectWith(key, text, DirectiveParser("#", line))) return found;
  if (!any_format) return std::nullopt;
  if (auto found = DetectWith(key, text, DirectiveParser("//", line))) return found;
  const nlohmann::json parsed = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (!parsed.is_discarded() && parsed.is_object()) {
    const auto it = parsed.find(std::string(key));
    if (it != parsed.end() && it->is_string()) {
      const std::string value = it->get<std::string>();
      return DetectedDirective{value, value, line};
    }
  }
  return std::nullopt;
}

}  // namespace

StatusOr<std::optional<Directive>> DirectiveParser::ParseLine(std::string_view line) {
  ++line_;
  if (done_) return std::optional<Directive>();
  if (line.substr(0, comment_.size()) != comment_) {
    done_ = true;
    return std::optional<Directive>();
  }
  line.remove_prefix(comment_.size());
  line = TrimLeftSpace(line);
  std::string name;
  std::string value;
  if (!MatchDirective(line, name, value)) {
    done_ = true;
    return std::optional<Directive>();
  }
  name = AsciiLower(name);
  if (name != "syntax" && name != "escape" && name != "check") {
    done_ = true;
    return std::optional<Directive>();
  }
  if (!seen_.insert(name).second) {
    return InvalidArgument("only one " + name + " parser directive can be used");
  }
  return std::optional<Directive>(Directive{name, value, line_});
}

std::optional<DetectedDirective> DetectSyntax(std::string_view text) { return Detect("syntax", text, true); }

std::optional<DetectedDirective> FindDirective(std::string_view key, std::string_view text) {
  return Detect(key, text, false);
}

}  // namespace mybuild::frontend
