#include "src/cli/run_command.h"

#include <signal.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/base/files.h"
#include "src/cli/interrupts.h"
#include "src/cli/registry_access.h"
#include "src/cli/store_access.h"
#include "src/cli/store_image_source.h"
#include "src/engine/container_detach.h"
#include "src/engine/container_runner.h"
#include "src/engine/container_spec.h"
#include "src/image/reference.h"

namespace mybuild::cli {
namespace {

struct RunCommandOptions {
  engine::RunFlags flags;
  std::string entrypoint;  // flags.entrypoint is set when the flag was given (even as "")
  std::string workdir;
  std::string user;
  bool detach = false;
  std::string snapshotter = "auto";
};

int Failed(const Status& status) {
  std::cerr << "error: " << status.ToString() << "\n";
  return kExitRunFailed;
}

int RunContainer(const GlobalOptions& global, const RunCommandOptions& command, engine::RunFlags flags) {
  StatusOr<engine::RunOptions> options = engine::ParseRunFlags(std::move(flags), engine::ProcessEnvironmentLookup());
  if (!options.ok()) return Failed(options.status());
  // The relay writes to the caller's descriptors: a reader that went away is an error there, not a signal.
  signal(SIGPIPE, SIG_IGN);

  StatusOr<LocalStore> store = OpenLocalStore(global);
  if (!store.ok()) return Failed(store.status());
  StatusOr<ScratchDir> scratch = ScratchDir::Create(store->root);
  if (!scratch.ok()) return Failed(scratch.status());
  StatusOr<std::unique_ptr<snapshotter::Snapshotter>> snapshots = OpenSnapshotter(store->root, command.snapshotter);
  if (!snapshots.ok()) return Failed(snapshots.status());
  StoreImageSource images(*store);

  if (command.detach) {
    engine::CreateDeps create{&store->blobs, snapshots->get(), &images, store->root, scratch->path(), command.snapshotter};
    engine::ExecMonitorLauncher launcher(std::filesystem::absolute(store->root));
    StatusOr<engine::DetachedResult> detached = engine::RunDetached(create, *options, launcher);
    if (!detached.ok()) return Failed(detached.status());
    if (!detached->start_error.ok()) {
      std::cerr << "error: " << detached->start_error.ToString() << "\n";
      return engine::ExitCodeOfStartError(detached->start_error);
    }
    std::cout << detached->id << "\n";
    return 0;
  }

  engine::RunnerDeps deps;
  deps.blobs = &store->blobs;
  deps.snapshots = snapshots->get();
  deps.images = &images;
  deps.root = store->root;
  deps.scratch_dir = scratch->path();
  deps.snapshotter_choice = command.snapshotter;
  std::error_code error;
  deps.host = engine::ReadHostFiles(std::filesystem::read_symlink("/proc/self/exe", error));
  StatusOr<std::unique_ptr<engine::ContainerRunner>> runner = engine::ContainerRunner::Create(std::move(deps));
  if (!runner.ok()) return Failed(runner.status());

  engine::ContainerRunner* target = runner->get();
  StatusOr<engine::RunResult> result = [&] {
    SignalForwardScope signals([target](int signal) { target->Deliver(signal); });
    return target->Run(*options);
  }();
  if (!result.ok()) return Failed(result.status());
  if (!result->start_error.ok()) std::cerr << "error: " << result->start_error.ToString() << "\n";
  return result->exit_code;
}

}  // namespace

std::vector<std::string> SplitEmptyValues(const CLI::App& command, std::vector<std::string> args, size_t from) {
  size_t i = from;
  while (i < args.size()) {
    const std::string word = args[i];
    if (word == "--" || word.size() < 2 || word[0] != '-') break;
    if (word.rfind("--", 0) == 0 && word.find('=') != std::string::npos) {
      if (word.back() == '=') {
        args[i] = word.substr(0, word.size() - 1);
        args.insert(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, "");
        i += 2;
      } else {
        ++i;
      }
      continue;
    }
    const CLI::Option* option = command.get_option_no_throw(word);
    i += option != nullptr && option->get_items_expected_min() > 0 ? 2 : 1;
  }
  return args;
}

void AddRunCommand(CLI::App& app, const GlobalOptions& global, std::function<int()>& run) {
  auto options = std::make_shared<RunCommandOptions>();
  CLI::App* command = app.add_subcommand("run", "Run a command in a new container (like docker run)");
  // IMAGE and everything after it are the image and its command, never mybuild's flags.
  command->prefix_command();
  command->footer("Usage: mybuild run [OPTIONS] IMAGE [COMMAND [ARG...]]");
  engine::RunFlags& flags = options->flags;
  command->add_option("-e,--env", flags.env, "Set an environment variable (KEY=VALUE, or KEY from this environment)")
      ->allow_extra_args(false);
  command->add_option("--env-file", flags.env_files, "Read environment variables from a file")
      ->allow_extra_args(false);
  command->add_option("--entrypoint", options->entrypoint, "Overwrite the image's ENTRYPOINT (\"\" clears it)");
  command->add_option("-w,--workdir", options->workdir, "Working directory inside the container");
  command->add_option("-u,--user", options->user, "Username or UID (format: <name|uid>[:<group|gid>])");
  command->add_option("--hostname", flags.hostname, "Container host name (default: the short container ID)");
  command->add_option("--name", flags.name, "Assign a name to the container");
  command->add_flag("--rm", flags.remove, "Remove the container when it exits");
  command->add_flag("--read-only", flags.read_only, "Mount the container's root filesystem as read-only");
  command->add_flag("-i,--interactive", flags.interactive, "Keep STDIN open");
  command->add_flag("-t,--tty", flags.tty, "Allocate a pseudo-TTY");
  command->add_flag("-d,--detach", options->detach, "Run in the background and print the container ID");
  command->add_option("--network,--net", flags.network, "Network: host (default) or none");
  command->add_option("--add-host", flags.add_hosts, "Add a custom host-to-IP mapping (host:ip)")
      ->allow_extra_args(false);
  command->add_option("-v,--volume", flags.volumes, "Bind mount a host path or a named volume: HOST_OR_NAME:CONTAINER[:ro]")
      ->allow_extra_args(false);
  command->add_option("--mount", flags.mounts, "Attach a mount: type=bind|volume|tmpfs,source=…,target=…[,readonly]")
      ->allow_extra_args(false);
  command->add_option("--pull", flags.pull, "Pull the image: always, missing (default), never");
  command->add_option("--restart", flags.restart, "Restart policy: no, always, unless-stopped, on-failure[:N] (with -d)");
  command->add_flag("--init", flags.init, "Run a minimal init as PID 1 that forwards signals and reaps processes");
  command->add_option("--sig-proxy", flags.sig_proxy, "Proxy received signals to the container (default true)");
  command->add_option("--stop-timeout", flags.stop_timeout_seconds,
                      "Seconds to wait after a forwarded SIGINT/SIGTERM before killing the container (default 10)");
  command->add_option("--stop-signal", flags.stop_signal, "Signal to stop the container (default: the image's, else SIGTERM)");
  command->add_option("--ulimit", flags.resources.ulimits, "Ulimit: NAME=SOFT[:HARD] (nofile=1024:2048; repeatable)")
      ->allow_extra_args(false);
  command->add_option("--shm-size", flags.resources.shm_size, "Size of /dev/shm (default 64m)");
  command->add_option("--pids-limit", flags.resources.pids_limit,
                      "Tune the container's pids limit (-1 for unlimited; needs cgroup v2)");
  command->add_option("-m,--memory", flags.resources.memory, "Memory limit (e.g. 512m; needs cgroup v2)");
  command->add_option("--cgroup-parent", flags.resources.cgroup_parent,
                      "Parent cgroup of the container (a cgroup v2 path)");
  command->add_option("--snapshotter", options->snapshotter, "Snapshotter: auto, overlay or native")
      ->check(CLI::IsMember({"auto", "overlay", "native"}));
  CLI::Option* entrypoint = command->get_option("--entrypoint");
  CLI::Option* workdir = command->get_option("--workdir");
  CLI::Option* user = command->get_option("--user");
  command->callback([options, command, entrypoint, workdir, user, &global, &run] {
    engine::RunFlags flags = options->flags;
    if (entrypoint->count() > 0) flags.entrypoint = options->entrypoint;
    if (workdir->count() > 0) flags.workdir = options->workdir;
    if (user->count() > 0 && !options->user.empty()) flags.user = options->user;
    std::vector<std::string> rest = command->remaining();
    run = [options, &global, flags, rest]() mutable {
      if (!rest.empty() && rest[0].size() > 1 && rest[0][0] == '-') {
        std::cerr << "error: unknown flag: " << rest[0] << " (see mybuild run --help)\n";
        return kExitRunFailed;
      }
      if (rest.empty()) {
        std::cerr << "error: \"mybuild run\" requires at least 1 argument: mybuild run [OPTIONS] IMAGE [COMMAND [ARG...]]\n";
        return kExitRunFailed;
      }
      flags.image = rest[0];
      flags.command.assign(rest.begin() + 1, rest.end());
      return RunContainer(global, *options, std::move(flags));
    };
  });
}

}  // namespace mybuild::cli
