#include "src/frontend/line_parsers.h"

#include <nlohmann/json.hpp>

#include "src/base/message_quote.h"
#include "src/frontend/go_quote.h"
#include "src/frontend/text_util.h"

namespace mybuild::frontend {
namespace {

// The reference's reWhitespace: [\t\v\f\r ].
bool IsSplitBlank(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'; }

// regexp.Split(text, 2) with reWhitespace: the text before the first run of blanks, and the text after it
// (nullopt when there is no blank).
std::pair<std::string_view, std::optional<std::string_view>> SplitOnce(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size() && !IsSplitBlank(text[pos])) ++pos;
  if (pos == text.size()) return {text, std::nullopt};
  size_t after = pos;
  while (after < text.size() && IsSplitBlank(text[after])) ++after;
  return {text.substr(0, pos), text.substr(after)};
}

// regexp.Split(text, -1) with reWhitespace.
std::vector<std::string> SplitAll(std::string_view text) {
  std::vector<std::string> parts;
  size_t start = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    if (!IsSplitBlank(text[pos])) {
      ++pos;
      continue;
    }
    parts.emplace_back(text.substr(start, pos - start));
    while (pos < text.size() && IsSplitBlank(text[pos])) ++pos;
    start = pos;
  }
  parts.emplace_back(text.substr(start));
  return parts;
}

// extractBuilderFlags: the leading "--" words of `line` and the text after them.
std::pair<std::string, std::vector<std::string>> ExtractBuilderFlags(std::string_view line, char escape) {
  enum { kInSpaces, kInWord, kInQuote } phase = kInSpaces;
  std::vector<std::string> words;
  std::string word;
  char quote = 0;
  bool blank_ok = false;
  const size_t n = line.size();
  for (size_t pos = 0; pos <= n; ++pos) {
    char ch = pos < n ? line[pos] : 0;
    if (phase == kInSpaces) {
      if (pos == n) break;
      if (IsAsciiSpace(static_cast<unsigned char>(ch))) continue;
      if (ch != '-' || pos + 1 == n || line[pos + 1] != '-') return {std::string(line.substr(pos)), words};
      phase = kInWord;
    }
    if (pos == n) {
      if (word != "--" && (blank_ok || !word.empty())) words.push_back(word);
      break;
    }
    if (phase == kInWord) {
      if (IsAsciiSpace(static_cast<unsigned char>(ch))) {
        phase = kInSpaces;
        if (word == "--") return {std::string(line.substr(pos)), words};
        if (blank_ok || !word.empty()) words.push_back(word);
        word.clear();
        blank_ok = false;
        continue;
      }
      if (ch == '\'' || ch == '"') {
        quote = ch;
        blank_ok = true;
        phase = kInQuote;
        continue;
      }
      if (ch == escape) {
        if (pos + 1 == n) continue;
        ch = line[++pos];
      }
      word.push_back(ch);
      continue;
    }
    // kInQuote
    if (ch == quote) {
      phase = kInWord;
      continue;
    }
    if (ch == escape) {
      if (pos + 1 == n) {
        phase = kInWord;
        continue;
      }
      ch = line[++pos];
    }
    word.push_back(ch);
  }
  return {std::string(), words};
}

std::vector<std::string> WhitespaceDelimited(std::string_view rest) {
  if (rest.empty()) return {};
  return SplitAll(rest);
}

// parseNameVal: ENV and LABEL.
Status ParseNameVal(std::string_view rest, const char* key, char escape, std::vector<std::string>& args) {
  const std::vector<std::string> words = ParseWords(rest, escape);
  if (words.empty()) return Status::Ok();
  if (words[0].find('=') == std::string::npos) {
    const auto [name, value] = SplitOnce(rest);
    if (!value) return InvalidArgument(std::string(key) + " must have two arguments");
    args = {std::string(name), std::string(*value), ""};
    return Status::Ok();
  }
  for (const std::string& word : words) {
    const size_t eq = word.find('=');
    if (eq == std::string::npos) {
      return InvalidArgument("Syntax error - can't find = in " + GoQuote(CutForMessage(word)) +
                             ". Must be of the form: name=value");
    }
    args.push_back(word.substr(0, eq));
    args.push_back(word.substr(eq + 1));
    args.emplace_back("=");
  }
  return Status::Ok();
}

// parseMaybeJSON (list = false) and parseMaybeJSONToList (list = true).
Status ParseMaybeJson(std::string_view rest, bool list, Instruction& instruction) {
  if (rest.empty() && !list) return Status::Ok();
  MB_ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> json, ParseJsonStringArray(rest));
  if (json) {
    for (std::string& s : *json) instruction.args.push_back(std::move(s));
    instruction.form = CommandForm::kJson;
    return Status::Ok();
  }
  if (rest.empty()) return Status::Ok();
  instruction.form = CommandForm::kShell;
  if (list) {
    for (std::string& s : WhitespaceDelimited(rest)) instruction.args.push_back(std::move(s));
  } else {
    instruction.args.emplace_back(rest);
  }
  return Status::Ok();
}

Status ParseHealthConfig(std::string_view rest, Instruction& instruction) {
  size_t sep = 0;
  while (sep < rest.size() && !IsAsciiSpace(static_cast<unsigned char>(rest[sep]))) ++sep;
  size_t next = sep;
  while (next < rest.size() && IsAsciiSpace(static_cast<unsigned char>(rest[next]))) ++next;
  if (sep == 0) return Status::Ok();
  Instruction command;
  MB_RETURN_IF_ERROR(ParseMaybeJson(rest.substr(next), /*list=*/false, command));
  instruction.args.emplace_back(rest.substr(0, sep));
  for (std::string& s : command.args) instruction.args.push_back(std::move(s));
  instruction.form = command.form;
  return Status::Ok();
}

// Nesting deeper than this is rejected by the reference's JSON decoder; the line is then shell form.
constexpr int kMaxJsonDepth = 10000;

bool JsonTooDeep(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

}  // namespace

SplitLine SplitCommand(std::string_view line, char escape) {
  SplitLine result;
  const auto [keyword, rest] = SplitOnce(TrimSpace(line));
  result.keyword = std::string(keyword);
  if (rest) {
    auto [remaining, flags] = ExtractBuilderFlags(*rest, escape);
    result.flags = std::move(flags);
    result.rest = std::string(TrimSpace(remaining));
  }
  return result;
}

std::vector<std::string> ParseWords(std::string_view rest, char escape) {
  enum { kInSpaces, kInWord, kInQuote } phase = kInSpaces;
  std::vector<std::string> words;
  std::string word;
  char32_t quote = 0;
  bool blank_ok = false;
  char32_t ch = 0;
  size_t width = 0;
  const size_t n = rest.size();
  const auto decode = [&](size_t at) {
    const DecodedRune d = DecodeRune(rest, at);
    ch = d.rune;
    width = d.width;
  };
  for (size_t pos = 0; pos <= n; pos += width) {
    if (pos != n) decode(pos);
    if (phase == kInSpaces) {
      if (pos == n) break;
      if (IsUnicodeSpace(ch)) continue;
      phase = kInWord;
    }
    if (pos == n) {
      if (blank_ok || !word.empty()) words.push_back(word);
      break;
    }
    if (phase == kInWord) {
      if (IsUnicodeSpace(ch)) {
        phase = kInSpaces;
        if (blank_ok || !word.empty()) words.push_back(word);
        word.clear();
        blank_ok = false;
        continue;
      }
      if (ch == '\'' || ch == '"') {
        quote = ch;
        blank_ok = true;
        phase = kInQuote;
      }
      if (ch == static_cast<unsigned char>(escape)) {
        if (pos + width == n) continue;
        AppendRune(word, ch);
        pos += width;
        decode(pos);
      }
      AppendRune(word, ch);
      continue;
    }
    // kInQuote
    if (ch == quote) phase = kInWord;
    if (ch == static_cast<unsigned char>(escape) && quote != '\'') {
      if (pos + width == n) {
        phase = kInWord;
        continue;
      }
      pos += width;
      AppendRune(word, ch);
      decode(pos);
    }
    AppendRune(word, ch);
  }
  return words;
}

StatusOr<std::optional<std::vector<std::string>>> ParseJsonStringArray(std::string_view text) {
  text = TrimLeftSpace(text);
  if (text.empty() || text.front() != '[') return std::optional<std::vector<std::string>>();
  if (JsonTooDeep(text)) return std::optional<std::vector<std::string>>();
  const nlohmann::json parsed = nlohmann::json::parse(text.begin(), text.end(), nullptr,
                                                      /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_array()) return std::optional<std::vector<std::string>>();
  std::vector<std::string> strings;
  strings.reserve(parsed.size());
  for (const nlohmann::json& element : parsed) {
    if (!element.is_string()) return InvalidArgument(kNotStringArrayMessage);
    strings.push_back(element.get<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(strings));
}

StatusOr<Instruction> InstructionFromLine(std::string_view line, char escape) {
  SplitLine split = SplitCommand(line, escape);
  Instruction instruction;
  instruction.keyword = AsciiLower(split.keyword);
  instruction.keyword_as_written = split.keyword;
  instruction.flags = std::move(split.flags);
  instruction.original = std::string(line);
  const std::string& k = instruction.keyword;
  const std::string_view rest = split.rest;
  if (k == "add" || k == "copy" || k == "volume") {
    MB_RETURN_IF_ERROR(ParseMaybeJson(rest, /*list=*/true, instruction));
  } else if (k == "run" || k == "cmd" || k == "entrypoint" || k == "shell") {
    MB_RETURN_IF_ERROR(ParseMaybeJson(rest, /*list=*/false, instruction));
  } else if (k == "arg") {
    instruction.args = ParseWords(rest, escape);
  } else if (k == "env") {
    MB_RETURN_IF_ERROR(ParseNameVal(rest, "ENV", escape, instruction.args));
  } else if (k == "label") {
    MB_RETURN_IF_ERROR(ParseNameVal(rest, "LABEL", escape, instruction.args));
  } else if (k == "expose" || k == "from") {
    instruction.args = WhitespaceDelimited(rest);
  } else if (k == "healthcheck") {
    MB_RETURN_IF_ERROR(ParseHealthConfig(rest, instruction));
  } else if (k == "maintainer" || k == "stopsignal" || k == "user" || k == "workdir") {
    if (!rest.empty()) instruction.args.emplace_back(rest);
  } else if (k == "onbuild") {
    if (!rest.empty()) {
      MB_ASSIGN_OR_RETURN(Instruction trigger, InstructionFromLine(rest, escape));
      instruction.onbuild = std::make_unique<Instruction>(std::move(trigger));
    }
  } else {
    instruction.args.emplace_back();  // the reference keeps one empty node for an unknown instruction
  }
  return instruction;
}

bool CanContainHeredoc(const Instruction& instruction) {
  const Instruction* node = &instruction;
  if (node->keyword == "onbuild" && node->onbuild) node = node->onbuild.get();
  if (node->keyword != "run" && node->keyword != "copy" && node->keyword != "add") return false;
  return node->form != CommandForm::kJson;
}

}  // namespace mybuild::frontend
