#include "src/checks/doc_comments.h"

#include <set>

namespace mybuild::checks {
namespace {

std::string_view TrimSpace(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r\n\v\f");
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r\n\v\f") - begin + 1);
}

std::vector<std::string_view> SplitLines(std::string_view source) {
  std::vector<std::string_view> lines;
  size_t at = 0;
  while (at < source.size()) {
    size_t newline = source.find('\n', at);
    if (newline == std::string_view::npos) newline = source.size();
    lines.push_back(source.substr(at, newline - at));
    at = newline + 1;
  }
  return lines;
}

}  // namespace

std::vector<std::vector<std::string>> PrecedingComments(const frontend::Dockerfile& dockerfile, std::string_view source) {
  std::set<int> directive_lines;
  for (const frontend::Directive& directive : dockerfile.directives) directive_lines.insert(directive.line);
  const std::vector<std::string_view> lines = SplitLines(source);
  std::vector<std::vector<std::string>> out;
  int next_line = 1;  // the first line after the previous instruction
  for (const frontend::Instruction& instruction : dockerfile.instructions) {
    std::vector<std::string> comments;
    for (int line = next_line; line < instruction.location.line && line <= static_cast<int>(lines.size()); ++line) {
      std::string_view text = lines[line - 1];
      if (line == 1 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
      const std::string_view trimmed = TrimSpace(text);
      if (trimmed.empty() || trimmed[0] != '#' || directive_lines.count(line) != 0) continue;
      // As the reference: the text after the line's first byte, trimmed (so "  # x" reads "# x").
      const std::string_view comment = TrimSpace(text.substr(1));
      if (comment.empty()) comments.clear();
      else comments.emplace_back(comment);
    }
    out.push_back(std::move(comments));
    next_line = std::max(instruction.location.end_line, instruction.location.line) + 1;
  }
  return out;
}

std::string DocComment(const std::vector<std::string>& comments, const std::string& name) {
  if (name.empty()) return "";
  const std::string prefix = name + " ";
  for (const std::string& comment : comments) {
    if (comment.rfind(prefix, 0) == 0) return comment.substr(prefix.size());
  }
  return "";
}

}  // namespace mybuild::checks
