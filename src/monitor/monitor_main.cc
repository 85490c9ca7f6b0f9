// mybuild-monitor: two small programs in one static binary (so that it also runs inside any container):
//   - `mybuild-monitor container-monitor …`: what a detached container's monitor becomes once the container runs (execve from
// `mybuild container-monitor`, src/engine/monitor_relay.h has the handoff), so that each running
// container costs a small process instead of a whole mybuild. It relays the container's output into its
// log, records its exit, and for a --rm container executes `mybuild container-cleanup` to remove it;
//   - `mybuild-init init -- COMMAND…`: the minimal init of `run --init` (mini_init.h);
//   - `mybuild-monitor network-holder …`: the holder of a compose network's namespace and its published
//     ports (src/engine/network_holder.h).
// Linked statically from the few sources it needs (src/monitor/CMakeLists.txt).
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "src/engine/monitor_launch.h"
#include "src/monitor/mini_init.h"
#include "src/engine/monitor_relay.h"
#include "src/engine/network_holder.h"
#include "src/engine/restart_policy.h"

extern char** environ;

int main(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[1]) == "init" && std::string(argv[2]) == "--") {
    mybuild::monitor::RunMiniInit(argv + 3);
  }
  // mybuild blocks its signals in every thread (src/cli/interrupts.h) and the mask survives execve: a
  // monitor ends on SIGTERM as any process does (its container with it).
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  std::vector<std::string> args(argv, argv + argc);
  if (argc >= 2 && args[1] == "network-holder") {
    mybuild::Status held = mybuild::engine::RunNetworkHolder(args);
    if (!held.ok()) std::fprintf(stderr, "error: %s\n", held.ToString().c_str());
    return held.ok() ? 0 : 1;
  }
  mybuild::StatusOr<mybuild::engine::RelayHandoff> handoff = mybuild::engine::ParseHandoffArgs(args);
  if (!handoff.ok()) {
    std::fprintf(stderr, "error: %s\n", handoff.status().ToString().c_str());
    return 2;
  }
  if (handoff->ready_fd >= 0) mybuild::engine::ReportMonitorReady(handoff->ready_fd, mybuild::Status::Ok());
  mybuild::StatusOr<int> ended = mybuild::engine::RelayToEnd(*handoff);
  if (!ended.ok()) return 1;  // stdio is /dev/null: the state file says what it could
  if (!handoff->remove) {
    const std::filesystem::path dir = handoff->dir;
    const int restarts = mybuild::engine::ReadRestartCount(dir);
    const bool stopped = std::filesystem::exists(dir / mybuild::engine::kStoppedByUserFile);
    if (!mybuild::engine::ShouldRestart(mybuild::engine::LoadRestartPolicy(dir), *ended, restarts, stopped)) return 0;
    if (!mybuild::engine::WriteRestartCount(dir, restarts + 1).ok()) return 1;
    close(handoff->lock_fd);  // the exit is recorded: the new monitor takes the lock
    usleep(static_cast<useconds_t>(mybuild::engine::RestartDelayMs(restarts)) * 1000);
    std::vector<std::string> start = {"mybuild", "--root", handoff->root, "start", handoff->id};
    std::vector<char*> start_argv;
    for (std::string& arg : start) start_argv.push_back(arg.data());
    start_argv.push_back(nullptr);
    execve(handoff->mybuild.c_str(), start_argv.data(), environ);
    return 1;
  }
  // The state says "exited" already: letting go of monitor.lock now is what `wait` waits for.
  close(handoff->lock_fd);
  std::vector<std::string> cleanup = {"mybuild", "--root", handoff->root, "container-cleanup", "--mountpoint",
                                      handoff->mountpoint, handoff->id};
  std::vector<char*> cleanup_argv;
  for (std::string& arg : cleanup) cleanup_argv.push_back(arg.data());
  cleanup_argv.push_back(nullptr);
  execve(handoff->mybuild.c_str(), cleanup_argv.data(), environ);
  return 1;
}
