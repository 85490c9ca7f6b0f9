#include "src/cli/app.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "src/base/logging.h"
#include "src/cli/build_command.h"
#include "src/cli/exit_codes.h"
#include "src/cli/interrupts.h"
#include "src/cli/global_options.h"
#include "src/cli/parse_command.h"
#include "src/cli/prune_command.h"
#include "src/cli/registry_commands.h"
#include "src/cli/store_commands.h"

#ifndef MYBUILD_VERSION
#define MYBUILD_VERSION "0.0.0"
#endif

namespace mybuild::cli {
namespace {

// `mybuild -f Dockerfile .` means `mybuild build -f Dockerfile .`: insert "build" when the first
// word that is not a global option is not a subcommand.
std::vector<std::string> WithDefaultSubcommand(const CLI::App& app, int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::set<std::string> subcommands;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    subcommands.insert(sub->get_name());
  }
  static const std::set<std::string> kGlobalWithValue = {"--root", "--log-level"};
  static const std::set<std::string> kGlobalFlags = {"-h", "--help", "--version", "-v"};
  size_t i = 0;
  while (i < args.size()) {
    const std::string& word = args[i];
    if (kGlobalFlags.count(word)) return args;
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
  if (i < args.size() && subcommands.count(args[i])) return args;
  if (i == args.size()) return args;  // nothing after the global options: show usage
  args.insert(args.begin() + i, "build");
  return args;
}

}  // namespace

int Main(int argc, char** argv) {
  StartInterruptWatcher();  // before any other thread: see interrupts.h
  CLI::App app{"mybuild: a daemonless Dockerfile build engine", "mybuild"};
  app.set_version_flag("-v,--version", std::string("mybuild version ") + MYBUILD_VERSION);
  app.require_subcommand(1);
  GlobalOptions global;
  app.add_option("--root", global.root, "State directory (default: $MYBUILD_ROOT or /var/lib/mybuild)");
  app.add_option("--log-level", global.log_level, "Log level: trace, debug, info, warn, error, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.footer("Run 'mybuild COMMAND --help' for the flags of a command.");

  std::function<int()> run;
  AddBuildCommand(app, global, run);
  AddParseCommand(app, global, run);
  AddStoreCommands(app, global, run);
  AddRegistryCommands(app, global, run);
  AddPruneCommand(app, global, run);

  std::vector<std::string> args = WithDefaultSubcommand(app, argc, argv);
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
    return kExitUsage;
  }
  if (Status logging = SetUpLogging(global.log_level); !logging.ok()) {
    std::cerr << "error: " << logging.ToString() << "\n";
    return kExitUsage;
  }
  if (!run) return kExitUsage;
  return run();
}

}  // namespace mybuild::cli
