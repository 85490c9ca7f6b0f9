#include "src/checks/shell_commands.h"

#include <cctype>

namespace mybuild::checks {
namespace {

bool IsAssignment(const std::string& word) {
  const size_t equals = word.find('=');
  if (equals == std::string::npos || equals == 0) return false;
  for (size_t i = 0; i < equals; ++i) {
    const char c = word[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

void Finish(std::vector<std::string>& words, std::vector<SimpleCommand>& out) {
  size_t first = 0;
  while (first < words.size() && (IsAssignment(words[first]) || words[first] == "sudo" || words[first] == "(" ||
                                  words[first] == "{" || words[first] == "!" || words[first] == "then" ||
                                  words[first] == "do" || words[first] == "else")) {
    ++first;
  }
  if (first < words.size()) out.emplace_back(words.begin() + first, words.end());
  words.clear();
}

}  // namespace

std::vector<SimpleCommand> SplitCommands(std::string_view script) {
  std::vector<SimpleCommand> out;
  std::vector<std::string> words;
  std::string word;
  auto end_word = [&] {
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  };
  for (size_t i = 0; i < script.size(); ++i) {
    const char c = script[i];
    if (c == '\\' && i + 1 < script.size() && script[i + 1] == '\n') {
      ++i;  // a continued line
      end_word();
    } else if (c == ' ' || c == '\t' || c == '\r') {
      end_word();
    } else if (c == '\n' || c == ';' || c == '&' || c == '|') {
      end_word();
      Finish(words, out);
    } else if (c == '"' || c == '\'') {
      continue;
    } else {
      word += c;
    }
  }
  end_word();
  Finish(words, out);
  return out;
}

std::vector<SimpleCommand> RunCommands(const frontend::Instruction& run) {
  std::string script;
  if (run.form == frontend::CommandForm::kJson) {
    for (const std::string& arg : run.args) script += arg + " ";
  } else if (!run.args.empty()) {
    script = run.args[0];
  }
  for (const frontend::Heredoc& heredoc : run.heredocs) script += "\n" + heredoc.content;
  return SplitCommands(script);
}

bool IsInvocation(const SimpleCommand& words, std::string_view program, std::string_view subcommand) {
  if (words.empty()) return false;
  std::string_view name = words[0];
  if (const size_t slash = name.rfind('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
  if (name != program) return false;
  if (subcommand.empty()) return true;
  for (size_t i = 1; i < words.size(); ++i) {
    if (words[i] == "-o" || words[i] == "-c") ++i;  // an option with its value in the next word
    if (i >= words.size() || words[i].empty() || words[i][0] == '-') continue;
    return words[i] == subcommand;
  }
  return false;
}

}  // namespace mybuild::checks
