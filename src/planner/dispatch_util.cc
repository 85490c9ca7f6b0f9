// Helpers shared by the instruction families, and the dispatch switch.
#include <cctype>

#include "src/base/slash_path.h"
#include "src/frontend/text_util.h"
#include "src/planner/stage_dispatch.h"

namespace mybuild::planner {

std::string UpperKeyword(const frontend::Instruction& instruction) {
  return frontend::AsciiUpper(instruction.keyword);
}

int AddHistory(StageState& state, std::string created_by, bool empty_layer, bool buildkit_suffix) {
  HistoryEntry entry;
  entry.created_by = std::move(created_by);
  if (buildkit_suffix) entry.created_by += " # buildkit";
  entry.comment = kHistoryComment;
  entry.empty_layer = empty_layer;
  state.config.history.push_back(std::move(entry));
  return static_cast<int>(state.config.history.size()) - 1;
}

std::vector<std::string> WithShell(const ImageConfig& config, const std::vector<std::string>& words) {
  std::vector<std::string> out = config.shell.empty() ? DefaultShell() : config.shell;
  std::string joined;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) joined += ' ';
    joined += words[i];
  }
  out.push_back(std::move(joined));
  return out;
}

std::string ResolveAgainst(const std::string& dir, const std::string& path) {
  if (!path.empty() && path[0] == '/') return CleanSlashPath(path);
  std::string base = dir.empty() ? "/" : dir;
  return CleanSlashPath(base + "/" + path);
}

std::string NormalizeWorkdir(const std::string& current, const std::string& path) {
  std::string parent = current.empty() ? "/" : current;
  if (parent[0] != '/') parent = CleanSlashPath("/" + parent);
  if (path.empty()) return parent;
  if (path[0] == '/') return path;
  return CleanSlashPath(parent + "/" + path);
}

std::string GoList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ' ';
    out += items[i];
  }
  return out + "]";
}

std::optional<std::string> HeredocMarkerName(const std::string& word) {
  size_t i = 0;
  while (i < word.size() && std::isdigit(static_cast<unsigned char>(word[i]))) ++i;
  if (word.compare(i, 2, "<<") != 0) return std::nullopt;
  i += 2;
  if (i < word.size() && word[i] == '-') ++i;
  std::string rest = word.substr(i);
  if (rest.size() >= 2 && (rest.front() == '"' || rest.front() == '\'') && rest.back() == rest.front()) {
    rest = rest.substr(1, rest.size() - 2);
  }
  if (rest.empty()) return std::nullopt;
  for (char c : rest) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '<' || c == '"' || c == '\'') return std::nullopt;
  }
  return rest;
}

StatusOr<std::string> ExpandWord(const StageState& state, const std::string& word) {
  return state.expander->Word(word, state.env);
}

void SetConfigEnv(ImageConfig& config, const std::string& name, const std::string& value) {
  for (std::string& entry : config.env) {
    if (entry.substr(0, entry.find('=')) == name) {
      entry = name + "=" + value;
      return;
    }
  }
  config.env.push_back(name + "=" + value);
}

Status DispatchInstruction(StageState& state, const frontend::Instruction& instruction, bool from_onbuild) {
  const std::string& k = instruction.keyword;
  if (k == "run") return DispatchRun(state, instruction, from_onbuild);
  if (k == "copy" || k == "add") return DispatchCopy(state, instruction, from_onbuild);
  if (k == "from") return InvalidArgument("FROM is handled by the planner, not as a stage instruction");
  return DispatchConfigInstruction(state, instruction);
}

}  // namespace mybuild::planner
