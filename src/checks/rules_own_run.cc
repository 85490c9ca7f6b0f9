// Rules of our own about RUN, COPY and ADD, where the reference builder does not warn but a user loses
// time (cache busting, larger images) or writes what another instruction says better.
#include <algorithm>

#include "src/checks/check_rule.h"
#include "src/checks/shell_commands.h"
#include "src/checks/stage_view.h"

namespace mybuild::checks {
namespace {

bool HasWord(const SimpleCommand& words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

// The words after the subcommand that are not options.
size_t OperandCount(const SimpleCommand& words, std::string_view subcommand) {
  size_t count = 0;
  bool after = false;
  for (size_t i = 1; i < words.size(); ++i) {
    if (words[i].empty() || words[i][0] == '-') continue;
    if (!after) {
      after = words[i] == subcommand;
      continue;
    }
    ++count;
  }
  return count;
}

bool IsAptInstall(const SimpleCommand& words) {
  return IsInvocation(words, "apt-get", "install") || IsInvocation(words, "apt", "install");
}

bool IsAptUpdate(const SimpleCommand& words) {
  return IsInvocation(words, "apt-get", "update") || IsInvocation(words, "apt", "update");
}

// A step that installs the dependencies a manifest lists (so it only needs the manifests).
bool IsDependencyInstall(const SimpleCommand& words) {
  if (IsInvocation(words, "npm", "ci")) return true;
  for (const char* install : {"install", "i"}) {
    if (IsInvocation(words, "npm", install) && OperandCount(words, install) == 0) return true;
  }
  if ((IsInvocation(words, "yarn", "") && words.size() == 1) || IsInvocation(words, "yarn", "install")) return true;
  if (IsInvocation(words, "pnpm", "install") || IsInvocation(words, "pnpm", "i")) return true;
  for (const char* pip : {"pip", "pip3"}) {
    if (IsInvocation(words, pip, "install") && (HasWord(words, "-r") || HasWord(words, "--requirement"))) return true;
  }
  if (words.size() >= 4 && (words[0] == "python" || words[0] == "python3") && words[1] == "-m" && words[2] == "pip" &&
      (HasWord(words, "-r") || HasWord(words, "--requirement"))) {
    return true;
  }
  if (IsInvocation(words, "poetry", "install") || IsInvocation(words, "pipenv", "install") || IsInvocation(words, "uv", "sync")) return true;
  if (IsInvocation(words, "go", "mod") && HasWord(words, "download")) return true;
  if (IsInvocation(words, "bundle", "install") || IsInvocation(words, "composer", "install")) return true;
  if (IsInvocation(words, "cargo", "fetch") || IsInvocation(words, "dotnet", "restore")) return true;
  if (IsInvocation(words, "mvn", "dependency:go-offline") || IsInvocation(words, "mvn", "dependency:resolve")) return true;
  return IsAptInstall(words);
}

bool CopiesWholeContext(const frontend::Instruction& instruction) {
  if ((instruction.keyword != "copy" && instruction.keyword != "add") || FlagValue(instruction.flags, "from")) return false;
  for (size_t i = 0; i + 1 < instruction.args.size(); ++i) {
    const std::string& source = instruction.args[i];
    if (source == "." || source == "./" || source == "./." || source == "*") return true;
  }
  return false;
}

template <typename Predicate>
const frontend::Instruction* FindRunAfter(const StageView& stage, size_t from, Predicate matches) {
  for (size_t j = from; j < stage.body.size(); ++j) {
    if (stage.body[j]->keyword != "run") continue;
    for (const SimpleCommand& command : RunCommands(*stage.body[j])) {
      if (matches(command)) return stage.body[j];
    }
  }
  return nullptr;
}

}  // namespace

void CheckCopyAllBeforeDependencyInstall(const CheckInput& input, std::vector<Finding>& out) {
  for (const StageView& stage : ViewOf(*input.dockerfile).stages) {
    for (size_t i = 0; i < stage.body.size(); ++i) {
      if (!CopiesWholeContext(*stage.body[i])) continue;
      const frontend::Instruction* install = FindRunAfter(stage, i + 1, IsDependencyInstall);
      if (install == nullptr) continue;
      out.push_back({"CopyAllBeforeDependencyInstall",
                     stage.body[i]->keyword_as_written + " of the whole context comes before the dependency install on line " +
                         std::to_string(install->location.line) + ": every source change runs the install again",
                     stage.body[i]->location});
      break;  // one per stage: the first one busts the cache of everything after it
    }
  }
}

void CheckAptInstallRecommends(const CheckInput& input, std::vector<Finding>& out) {
  for (const frontend::Instruction& instruction : input.dockerfile->instructions) {
    if (instruction.keyword != "run") continue;
    for (const SimpleCommand& command : RunCommands(instruction)) {
      if (!IsAptInstall(command) || HasWord(command, "--no-install-recommends")) continue;
      if (std::any_of(command.begin(), command.end(), [](const std::string& w) {
            return w.find("Install-Recommends=false") != std::string::npos || w.find("Install-Recommends=0") != std::string::npos;
          })) {
        continue;
      }
      out.push_back({"AptInstallRecommends", command[0] + " install without --no-install-recommends also installs the recommended packages",
                     instruction.location});
      break;
    }
  }
}

void CheckAptUpdateSeparate(const CheckInput& input, std::vector<Finding>& out) {
  for (const StageView& stage : ViewOf(*input.dockerfile).stages) {
    for (size_t i = 0; i < stage.body.size(); ++i) {
      if (stage.body[i]->keyword != "run") continue;
      const std::vector<SimpleCommand> commands = RunCommands(*stage.body[i]);
      if (std::none_of(commands.begin(), commands.end(), IsAptUpdate) || std::any_of(commands.begin(), commands.end(), IsAptInstall)) continue;
      const frontend::Instruction* install = FindRunAfter(stage, i + 1, IsAptInstall);
      if (install == nullptr) continue;
      out.push_back({"AptUpdateSeparate", "apt-get update runs in a RUN of its own: its cached layer keeps old package lists for the install on line " +
                                              std::to_string(install->location.line),
                     stage.body[i]->location});
    }
  }
}

void CheckRunCd(const CheckInput& input, std::vector<Finding>& out) {
  for (const frontend::Instruction& instruction : input.dockerfile->instructions) {
    if (instruction.keyword != "run" || instruction.form == frontend::CommandForm::kJson) continue;
    const std::vector<SimpleCommand> commands = RunCommands(instruction);
    if (commands.size() < 2 || !IsInvocation(commands[0], "cd", "")) continue;  // a lone `cd` does nothing
    out.push_back({"RunCd", "RUN starts with 'cd " + (commands[0].size() > 1 ? commands[0][1] : std::string()) +
                                "': the directory holds for this RUN only",
                   instruction.location});
  }
}

void CheckAddLocalNonArchive(const CheckInput& input, std::vector<Finding>& out) {
  static const std::vector<std::string> kArchives = {".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz",
                                                     ".txz", ".tar.zst", ".tzst", ".gz", ".bz2", ".xz", ".zst", ".tar.lz4"};
  for (const frontend::Instruction& instruction : input.dockerfile->instructions) {
    if (instruction.keyword != "add" || instruction.args.size() < 2) continue;
    for (size_t i = 0; i + 1 < instruction.args.size(); ++i) {
      std::string source = instruction.args[i];
      if (source.rfind("<<", 0) == 0 || source.find("://") != std::string::npos || source.rfind("git@", 0) == 0 ||
          source.find('$') != std::string::npos) {
        continue;
      }
      std::transform(source.begin(), source.end(), source.begin(), [](unsigned char c) { return std::tolower(c); });
      const bool archive = std::any_of(kArchives.begin(), kArchives.end(), [&](const std::string& ext) {
        return source.size() > ext.size() && source.compare(source.size() - ext.size(), ext.size(), ext) == 0;
      });
      if (archive) continue;
      out.push_back({"AddLocalNonArchive", "ADD of the local '" + instruction.args[i] +
                                               "', which is not an archive: COPY does the same without ADD's unpacking and URL rules",
                     instruction.location});
      break;
    }
  }
}

}  // namespace mybuild::checks
