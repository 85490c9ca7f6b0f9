#include "src/cli/exec_command.h"

#include <signal.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "src/cli/interrupts.h"
#include "src/cli/run_command.h"
#include "src/engine/container_exec.h"
#include "src/engine/container_lookup.h"
#include "src/engine/container_store.h"

namespace mybuild::cli {
namespace {

struct ExecOptions {
  engine::ExecFlags flags;
  std::string user, workdir;
};

int Failed(const Status& status) {
  std::cerr << "error: " << status.ToString() << "\n";
  return kExitRunFailed;
}

int RunExec(const GlobalOptions& global, engine::ExecFlags flags, const std::string& container) {
  signal(SIGPIPE, SIG_IGN);  // a reader that went away is an error of the relay, not a signal
  StatusOr<engine::ContainerStore> store = engine::ContainerStore::Open(std::filesystem::absolute(ResolveRoot(global)));
  if (!store.ok()) return Failed(store.status());
  StatusOr<std::vector<engine::ContainerRecord>> records = store->List();
  if (!records.ok()) return Failed(records.status());
  StatusOr<engine::ContainerRecord> record = engine::FindContainer(*records, container);
  if (!record.ok()) return Failed(record.status());
  StatusOr<std::unique_ptr<engine::ContainerExec>> exec = engine::ContainerExec::Create(*store, engine::StdioOptions{});
  if (!exec.ok()) return Failed(exec.status());
  engine::ContainerExec* target = exec->get();
  StatusOr<engine::ExecResult> result = [&] {
    SignalForwardScope signals([target](int signal) { target->Deliver(signal); });
    return target->Run(record->id, flags, engine::ProcessEnvironmentLookup());
  }();
  if (!result.ok()) return Failed(result.status());
  if (!result->start_error.ok()) std::cerr << "error: " << result->start_error.ToString() << "\n";
  return result->exit_code;
}

}  // namespace

void AddExecCommand(CLI::App& app, const GlobalOptions& global, std::function<int()>& run) {
  auto options = std::make_shared<ExecOptions>();
  CLI::App* command = app.add_subcommand("exec", "Run a command in a running container (like docker exec)");
  // CONTAINER and everything after it are the container and its command, never mybuild's flags.
  command->prefix_command();
  command->footer("Usage: mybuild exec [OPTIONS] CONTAINER COMMAND [ARG...]");
  engine::ExecFlags& flags = options->flags;
  command->add_flag("-i,--interactive", flags.interactive, "Keep STDIN open");
  command->add_flag("-t,--tty", flags.tty, "Allocate a pseudo-TTY");
  command->add_option("-e,--env", flags.env, "Set an environment variable (KEY=VALUE, or KEY from this environment)")
      ->allow_extra_args(false);
  command->add_option("-u,--user", options->user, "Username or UID (format: <name|uid>[:<group|gid>])");
  command->add_option("-w,--workdir", options->workdir, "Working directory inside the container");
  CLI::Option* user = command->get_option("--user");
  CLI::Option* workdir = command->get_option("--workdir");
  command->callback([options, command, user, workdir, &global, &run] {
    engine::ExecFlags flags = options->flags;
    if (user->count() > 0 && !options->user.empty()) flags.user = options->user;
    if (workdir->count() > 0) flags.workdir = options->workdir;
    std::vector<std::string> rest = command->remaining();
    run = [&global, flags, rest]() mutable {
      if (!rest.empty() && rest[0].size() > 1 && rest[0][0] == '-') {
        std::cerr << "error: unknown flag: " << rest[0] << " (see mybuild exec --help)\n";
        return kExitRunFailed;
      }
      if (rest.size() < 2) {
        std::cerr << "error: \"mybuild exec\" requires at least 2 arguments: mybuild exec [OPTIONS] CONTAINER COMMAND [ARG...]\n";
        return kExitRunFailed;
      }
      flags.command.assign(rest.begin() + 1, rest.end());
      return RunExec(global, std::move(flags), rest[0]);
    };
  });
}

}  // namespace mybuild::cli
