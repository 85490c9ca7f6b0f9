#include "src/cli/container_commands.h"

#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/cli/container_access.h"
#include "src/cli/container_admin_commands.h"
#include "src/cli/container_format.h"
#include "src/cli/container_inspect_command.h"
#include "src/cli/exit_codes.h"
#include "src/cli/interrupts.h"
#include "src/cli/store_access.h"
#include "src/engine/container_control.h"
#include "src/engine/container_logs.h"
#include "src/engine/container_monitor.h"
#include "src/engine/container_spec.h"
#include "src/engine/container_time.h"

namespace mybuild::cli {
namespace {

int Failed(const Status& status) {
  std::cerr << "error: " << status.ToString() << "\n";
  return kExitFailure;
}

// Runs `action` on each named container; prints each name on success (docker's output), the error of
// each failure. 1 when any failed.
int ForEach(const GlobalOptions& global, const std::vector<std::string>& names, bool print_name,
            const std::function<Status(Containers&, const std::string& id)>& action) {
  StatusOr<std::unique_ptr<Containers>> containers = Containers::Open(global);
  if (!containers.ok()) return Failed(containers.status());
  int exit_code = kExitOk;
  for (const std::string& name : names) {
    StatusOr<engine::ContainerRecord> record = (*containers)->control.Find(name);
    Status done = record.ok() ? action(**containers, record->id) : record.status();
    if (!done.ok()) {
      exit_code = Failed(done);
    } else if (print_name) {
      std::cout << name << "\n";
    }
  }
  return exit_code;
}

std::optional<int> TimeoutFlag(const CLI::Option* option, int value) {
  return option->count() > 0 ? std::optional<int>(value) : std::nullopt;
}

void AddPs(CLI::App& app, const GlobalOptions& global, std::function<int()>& run) {
  struct Options {
    bool all = false, quiet = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand("ps", "List containers (like docker ps)");
  command->add_flag("-a,--all", options->all, "Show all containers (default: only running ones)");
  command->add_flag("-q,--quiet", options->quiet, "Only show container IDs");
  command->callback([options, &global, &run] {
    run = [options, &global] {
      StatusOr<std::unique_ptr<Containers>> containers = Containers::Open(global);
      if (!containers.ok()) return Failed(containers.status());
      StatusOr<std::vector<engine::ContainerRecord>> records = (*containers)->control.List();
      if (!records.ok()) return Failed(records.status());
      std::vector<engine::ContainerRecord> shown;
      // Newest first, as docker lists them.
      for (auto it = records->rbegin(); it != records->rend(); ++it) {
        if (options->all || it->state.state == "running") shown.push_back(*it);
      }
      if (options->quiet) {
        for (const engine::ContainerRecord& record : shown) std::cout << record.id.substr(0, 12) << "\n";
      } else {
        std::cout << FormatContainerTable(shown, engine::NowNanos());
      }
      return kExitOk;
    };
  });
}

void AddLogs(CLI::App& app, const GlobalOptions& global, std::function<int()>& run) {
  struct Options {
    bool follow = false;
    std::string tail = "all";
    std::string container;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand("logs", "Fetch the logs of a container (like docker logs)");
  command->add_flag("-f,--follow", options->follow, "Follow log output");
  command->add_option("-n,--tail", options->tail, "Number of lines to show from the end of the logs (default all)");
  command->add_option("container", options->container, "Container name or ID")->required();
  command->callback([options, &global, &run] {
    run = [options, &global] {
      std::optional<size_t> tail;
      if (options->tail != "all") {
        char* end = nullptr;
        long long value = std::strtoll(options->tail.c_str(), &end, 10);
        if (options->tail.empty() || *end != '\0' || value < 0) {
          return Failed(InvalidArgument("--tail \"" + options->tail + "\": expected a number or \"all\""));
        }
        tail = static_cast<size_t>(value);
      }
      StatusOr<std::unique_ptr<Containers>> containers = Containers::Open(global);
      if (!containers.ok()) return Failed(containers.status());
      StatusOr<engine::ContainerRecord> record = (*containers)->control.Find(options->container);
      if (!record.ok()) return Failed(record.status());
      Status read = engine::ReadContainerLogs((*containers)->store, record->id, tail, options->follow,
                                              [](const engine::LogEntry& entry) {
                                                std::ostream& out = entry.stream == engine::LogStream::kStderr ? std::cerr : std::cout;
                                                out << entry.text << std::flush;
                                              });
      return read.ok() ? kExitOk : Failed(read);
    };
  });
}

void AddSimple(CLI::App& app, const GlobalOptions& global, std::function<int()>& run) {
  struct Options {
    std::vector<std::string> containers;
    int timeout = 10;
    std::string signal = "KILL";
    bool force = false;
    bool volumes = false;
    bool attach = false;
  };
  auto add = [&](const char* name, const char* help) {
    auto options = std::make_shared<Options>();
    CLI::App* command = app.add_subcommand(name, help);
    command->add_option("containers", options->containers, "Container names or IDs")->required();
    return std::make_pair(command, options);
  };

  {
    auto [command, options] = add("start", "Start one or more stopped containers (like docker start)");
    command->add_flag("-a,--attach", options->attach, "Wait for the container and print its output and exit code");
    command->callback([options = options, &global, &run] {
      run = [options, &global] {
        if (!options->attach) {
          return ForEach(global, options->containers, true,
                         [](Containers& c, const std::string& id) { return c.control.Start(id); });
        }
        if (options->containers.size() != 1) return Failed(InvalidArgument("start -a takes one container"));
        StatusOr<std::unique_ptr<Containers>> containers = Containers::Open(global);
        if (!containers.ok()) return Failed(containers.status());
        engine::ContainerControl& control = (*containers)->control;
        StatusOr<engine::ContainerRecord> record = control.Find(options->containers[0]);
        if (!record.ok()) return Failed(record.status());
        // The output of this start only: what the log holds already is skipped.
        size_t skip = 0;
        engine::ReadContainerLogs((*containers)->store, record->id, std::nullopt, false,
                                  [&](const engine::LogEntry&) { ++skip; }).IgnoreError();
        if (Status started = control.Start(record->id); !started.ok()) return Failed(started);
        size_t seen = 0;
        const std::string id = record->id;
        // As docker's start -a (--sig-proxy): the caller's signals go to the container while attached.
        SignalForwardScope proxy([&control, id](int signal) {
          if (signal != SIGWINCH) control.Kill(id, signal).IgnoreError();  // not running any more: nothing to do
        });
        Status read = engine::ReadContainerLogs((*containers)->store, record->id, std::nullopt, true,
                                                [&](const engine::LogEntry& entry) {
                                                  if (seen++ < skip) return;
                                                  std::ostream& out = entry.stream == engine::LogStream::kStderr ? std::cerr : std::cout;
                                                  out << entry.text << std::flush;
                                                });
        if (!read.ok()) return Failed(read);
        StatusOr<int> code = control.Wait(record->id);
        return code.ok() ? *code : Failed(code.status());
      };
    });
  }
  // stop and restart: the same flag, one action each.
  auto add_stopping = [&](const char* name, const char* help, Status (engine::ContainerControl::*action)(const std::string&, std::optional<int>)) {
    auto [command, options] = add(name, help);
    CLI::Option* timeout = command->add_option("-t,--time,--timeout", options->timeout,
                                               "Seconds to wait before killing the container (default: its --stop-timeout)");
    command->callback([options = options, timeout, action, &global, &run] {
      run = [options, timeout, action, &global] {
        std::optional<int> seconds = TimeoutFlag(timeout, options->timeout);
        return ForEach(global, options->containers, true,
                       [seconds, action](Containers& c, const std::string& id) { return (c.control.*action)(id, seconds); });
      };
    });
  };
  add_stopping("stop", "Stop one or more running containers (like docker stop)", &engine::ContainerControl::Stop);
  add_stopping("restart", "Restart one or more containers (like docker restart)", &engine::ContainerControl::Restart);
  {
    auto [command, options] = add("kill", "Kill one or more running containers (like docker kill)");
    command->add_option("-s,--signal", options->signal, "Signal to send (default KILL)");
    command->callback([options = options, &global, &run] {
      run = [options, &global] {
        StatusOr<int> signal = engine::ParseSignal(options->signal);
        if (!signal.ok()) return Failed(signal.status());
        int number = *signal;
        return ForEach(global, options->containers, true,
                       [number](Containers& c, const std::string& id) { return c.control.Kill(id, number); });
      };
    });
  }
  {
    auto [command, options] = add("wait", "Block until containers stop, then print their exit codes (like docker wait)");
    command->callback([options = options, &global, &run] {
      run = [options, &global] {
        return ForEach(global, options->containers, false, [](Containers& c, const std::string& id) -> Status {
          MB_ASSIGN_OR_RETURN(int code, c.control.Wait(id));
          std::cout << code << "\n";
          return Status::Ok();
        });
      };
    });
  }
  {
    auto [command, options] = add("rm", "Remove one or more containers (like docker rm)");
    command->add_flag("-f,--force", options->force, "Kill a running container first");
    command->add_flag("-v,--volumes", options->volumes, "Remove the anonymous volumes of the container");
    command->callback([options = options, &global, &run] {
      run = [options, &global] {
        bool force = options->force;
        bool volumes = options->volumes;
        StatusOr<cache::FileLock> in_use = LockStateRoot(std::filesystem::absolute(ResolveRoot(global)),
                                                         cache::FileLock::Mode::kShared);
        if (!in_use.ok()) return Failed(in_use.status());
        return ForEach(global, options->containers, true,
                       [force, volumes](Containers& c, const std::string& id) {
                         return c.control.Remove(id, force, volumes);
                       });
      };
    });
  }
}

// `container-monitor --ready-fd N ID` (hidden): what a detached container runs under.
void AddMonitor(CLI::App& app, const GlobalOptions& global, std::function<int()>& run) {
  struct Options {
    int ready_fd = -1;
    std::string id;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand("container-monitor", "");
  command->group("");  // hidden from --help
  command->add_option("--ready-fd", options->ready_fd)->required();
  command->add_option("id", options->id)->required();
  command->callback([options, &global, &run] {
    run = [options, &global] {
      auto fail = [&](const Status& status) {
        engine::ReportMonitorReady(options->ready_fd, status);
        return kExitFailure;
      };
      const std::filesystem::path root = std::filesystem::absolute(ResolveRoot(global));
      StatusOr<engine::ContainerStore> store = engine::ContainerStore::Open(root);
      if (!store.ok()) return fail(store.status());
      StatusOr<engine::ContainerRecord> record = store->Load(options->id);
      if (!record.ok()) return fail(record.status());
      StatusOr<ScratchDir> scratch = ScratchDir::Create(root);
      if (!scratch.ok()) return fail(scratch.status());
      StatusOr<std::unique_ptr<snapshotter::Snapshotter>> snapshots = OpenSnapshotter(root, record->settings.snapshotter);
      if (!snapshots.ok()) return fail(snapshots.status());
      std::error_code error;
      const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
      engine::MonitorDeps deps{&*store, snapshots->get(), scratch->path(), engine::ReadHostFiles(self), {}, self};
      // The small monitor beside this program (src/monitor); without it this process stays the monitor.
      deps.small_monitor = deps.host.init_program;
      Status ran = engine::RunMonitor(deps, options->id, options->ready_fd);
      return ran.ok() ? kExitOk : kExitFailure;
    };
  });
}

// `container-cleanup [--mountpoint PATH] ID` (hidden): the end of a --rm container, run by its monitor.
void AddCleanup(CLI::App& app, const GlobalOptions& global, std::function<int()>& run) {
  struct Options {
    std::string mountpoint;
    std::string id;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand("container-cleanup", "");
  command->group("");  // hidden from --help
  command->add_option("--mountpoint", options->mountpoint);
  command->add_option("id", options->id)->required();
  command->callback([options, &global, &run] {
    run = [options, &global] {
      const std::filesystem::path root = std::filesystem::absolute(ResolveRoot(global));
      StatusOr<engine::ContainerStore> store = engine::ContainerStore::Open(root);
      if (!store.ok()) return Failed(store.status());
      StatusOr<engine::ContainerRecord> record = store->Load(options->id);
      if (!record.ok()) return Failed(record.status());
      StatusOr<std::unique_ptr<snapshotter::Snapshotter>> snapshots = OpenSnapshotter(root, record->settings.snapshotter);
      if (!snapshots.ok()) return Failed(snapshots.status());
      Status cleaned = engine::CleanUpRemovedContainer(*store, **snapshots, options->id, options->mountpoint);
      return cleaned.ok() ? kExitOk : Failed(cleaned);
    };
  });
}

}  // namespace

void AddContainerCommands(CLI::App& app, const GlobalOptions& global, std::function<int()>& run) {
  AddPs(app, global, run);
  AddSimple(app, global, run);
  AddLogs(app, global, run);
  AddMonitor(app, global, run);
  AddCleanup(app, global, run);
  CLI::App* group = app.add_subcommand("container", "Manage containers (like docker container)");
  group->require_subcommand(1);
  AddContainerInspectCommand(*group, global, run);
  AddContainerPruneCommand(*group, global, run);
  AddTopCommand(app, global, run);
  AddSystemCommands(app, global, run);
}

}  // namespace mybuild::cli
