#include "src/cli/app.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <algorithm>
#include <functional>
#include <optional>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "src/base/edit_distance.h"
#include "src/base/logging.h"
#include "src/base/status.h"
#include "src/cli/build_command.h"
#include "src/cli/check_command.h"
#include "src/cli/commit_command.h"
#include "src/cli/compose_command.h"
#include "src/cli/container_commands.h"
#include "src/cli/copy_command.h"
#include "src/cli/exec_command.h"
#include "src/cli/exit_codes.h"
#include "src/cli/interrupts.h"
#include "src/cli/global_options.h"
#include "src/cli/info_command.h"
#include "src/cli/parse_command.h"
#include "src/cli/prune_command.h"
#include "src/cli/registry_commands.h"
#include "src/cli/rootless_entry.h"
#include "src/cli/run_command.h"
#include "src/cli/store_commands.h"
#include "src/cli/volume_commands.h"
#include "src/rootless/user_namespace.h"

#ifndef MYBUILD_VERSION
#define MYBUILD_VERSION "0.0.0"
#endif

namespace mybuild::cli {
namespace {

// A first word that is neither a subcommand nor an option is the build context only when it names a
// directory (or is written as a path); otherwise it is a mistyped command.
bool LooksLikeContext(const std::string& word) {
  std::error_code error;
  return word == "." || word.find('/') != std::string::npos || std::filesystem::is_directory(word, error);
}

// The index of the first word after the global options (args.size() when there is none), or nullopt
// when a global flag such as --help or --version decides what happens.
std::optional<size_t> FirstCommandWord(const std::vector<std::string>& args) {
  static const std::set<std::string> kGlobalWithValue = {"--root", "--log-level"};
  static const std::set<std::string> kGlobalFlags = {"-h", "--help", "--version", "-v"};
  size_t i = 0;
  while (i < args.size()) {
    const std::string& word = args[i];
    if (kGlobalFlags.count(word)) return std::nullopt;
    if (kGlobalWithValue.count(word)) {
      i += 2;
      continue;
    }
    if (word.rfind("--root=", 0) == 0 || word.rfind("--log-level=", 0) == 0) {
      ++i;
      continue;
    }
    break;
  }
  return std::min(i, args.size());
}

// `mybuild -f Dockerfile .` and `mybuild DIR` mean `mybuild build …`: insert "build" when the first word
// that is not a global option is a build option or a context. Any other word is an unknown command
// (InvalidArgument naming the nearest command, as `unknown command "buidl" (did you mean build?)`).
StatusOr<std::vector<std::string>> WithDefaultSubcommand(const CLI::App& app, int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::set<std::string> subcommands;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    subcommands.insert(sub->get_name());
  }
  std::optional<size_t> first = FirstCommandWord(args);
  if (!first) return args;
  size_t i = *first;
  if (i < args.size() && subcommands.count(args[i])) return args;
  if (i == args.size()) return args;  // nothing after the global options: show usage
  if (args[i].rfind('-', 0) != 0 && !LooksLikeContext(args[i])) {
    const std::vector<std::string_view> names(subcommands.begin(), subcommands.end());
    const std::string nearest = NearestWord(args[i], names, 3);
    return InvalidArgument("unknown command \"" + args[i] + "\"" +
                           (nearest.empty() ? std::string(" (neither a command nor a directory to build; see mybuild --help)")
                                            : " (did you mean " + nearest + "?)"));
  }
  args.insert(args.begin() + i, "build");
  return args;
}

}  // namespace

int Main(int argc, char** argv) {
  {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (std::optional<int> failed = EnterRootless(args, FirstCommandWord(args))) return *failed;  // before any thread
  }
  StartInterruptWatcher();  // before any other thread: see interrupts.h
  CLI::App app{"mybuild: a daemonless Dockerfile build engine", "mybuild"};
  app.set_version_flag("-v,--version", std::string("mybuild version ") + MYBUILD_VERSION);
  app.require_subcommand(1);
  GlobalOptions global;
  app.add_option("--root", global.root, "State directory (default: $MYBUILD_ROOT, else /var/lib/mybuild as root, $XDG_DATA_HOME/mybuild or ~/.local/share/mybuild as a user)");
  app.add_option("--log-level", global.log_level, "Log level: trace, debug, info, warn, error, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.footer("Run 'mybuild COMMAND --help' for the flags of a command.");

  std::function<int()> run;
  AddBuildCommand(app, global, run);
  AddParseCommand(app, global, run);
  AddCheckCommand(app, global, run);
  AddStoreCommands(app, global, run);
  AddRegistryCommands(app, global, run);
  AddPruneCommand(app, global, run);
  AddRunCommand(app, global, run);
  AddComposeCommand(app, global, run);
  AddContainerCommands(app, global, run);
  AddExecCommand(app, global, run);
  AddCopyCommand(app, global, run);
  AddCommitCommand(app, global, run);
  AddVolumeCommands(app, global, run);
  AddInfoCommands(app, global, run);

  StatusOr<std::vector<std::string>> with_command = WithDefaultSubcommand(app, argc, argv);
  if (!with_command.ok()) {
    std::cerr << "error: " << with_command.status().ToString() << "\n";
    return kExitUsage;
  }
  std::vector<std::string> args = std::move(*with_command);
  if (std::optional<size_t> first = FirstCommandWord(args); first && *first < args.size() && args[*first] == "run") {
    args = SplitEmptyValues(*app.get_subcommand("run"), std::move(args), *first + 1);
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes a reversed vector
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    // docker run's convention: 125 when the command line of `run` (or `exec`) is wrong.
    return app.get_subcommand("run")->parsed() || app.get_subcommand("exec")->parsed() ? kExitRunFailed : kExitUsage;
  }
  if (Status logging = SetUpLogging(global.log_level); !logging.ok()) {
    std::cerr << "error: " << logging.ToString() << "\n";
    return kExitUsage;
  }
  if (!rootless::CurrentIdentity().warning.empty()) spdlog::warn("{}", rootless::CurrentIdentity().warning);
  if (!run) return kExitUsage;
  return run();
}

}  // namespace mybuild::cli
