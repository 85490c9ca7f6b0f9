// A container in the foreground (`mybuild run` without -d): from an image reference to the exit status.
//
//   image → record ROOT/containers/ID and the image's chain snapshots (container_create.h)
//   → a writable snapshot "container-<ID>" over them, mounted in this process's scratch directory
//   → user resolved in its /etc/passwd and /etc/group → the attached sandbox (executor/attached_sandbox.h)
//   with the stdio relay (stdio_relay.h) → the exit status.
//
// While the container runs, the signals given to Deliver() are handled by the loop that relays its
// stdio: SIGWINCH resizes its terminal; any other is forwarded to its PID 1 (--sig-proxy; without it the
// container gets its stop signal instead), and a SIGINT, SIGTERM or SIGHUP also starts the stop timeout,
// after which the container is killed (SIGKILL). Whichever way it ends, nothing of it stays alive or
// mounted; with --rm its snapshot and record are removed, else the record says "exited" with the status.
// While it runs, this process holds the container's monitor.lock (container_store.h), as a monitor would.
// A user error (bad image, unknown user …) leaves nothing behind, as docker's 125.
#ifndef MYBUILD_ENGINE_CONTAINER_RUNNER_H_
#define MYBUILD_ENGINE_CONTAINER_RUNNER_H_

#include <filesystem>
#include <optional>
#include <string>

#include "cache/blob_store.h"
#include "snapshotter/snapshotter.h"
#include "src/base/status.h"
#include "src/base/unique_fd.h"
#include "src/engine/attach_loop.h"
#include "src/engine/container_create.h"
#include "src/engine/container_sandbox_spec.h"
#include "src/engine/container_spec.h"
#include "src/engine/stdio_relay.h"
#include "src/image/image_store.h"

namespace mybuild::engine {

struct RunnerDeps {
  const cache::BlobStore* blobs = nullptr;
  snapshotter::Snapshotter* snapshots = nullptr;
  ImageSource* images = nullptr;
  std::filesystem::path root;         // the state root (ROOT/containers)
  std::filesystem::path scratch_dir;  // this process's private directory: mountpoints, sandbox state
  std::string snapshotter_choice = "auto";
  int caller_in = 0, caller_out = 1, caller_err = 2;
  HostFiles host;  // the host's resolv.conf and hosts, for --network host
};

struct RunResult {
  std::string id;
  int exit_code = 0;  // docker's: the container's status, 128+N for signal N, 126/127 when it could not start
  Status start_error;  // why the command could not start (exit_code 125, 126 or 127), else OK
};

class ContainerRunner {
 public:
  static StatusOr<std::unique_ptr<ContainerRunner>> Create(RunnerDeps deps);

  // A signal mybuild received (from the signal-handling thread; thread-safe).
  void Deliver(int signal);

  // Runs the container to its end. An error (exit 125) means nothing was started and nothing is left.
  StatusOr<RunResult> Run(const RunOptions& options);

 private:
  ContainerRunner(RunnerDeps deps, std::unique_ptr<SignalInbox> inbox) : deps_(std::move(deps)), inbox_(std::move(inbox)) {}
  RunnerDeps deps_;
  std::unique_ptr<SignalInbox> inbox_;  // Deliver() → the attach loop
};

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_RUNNER_H_
