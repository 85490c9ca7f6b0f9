// `exec [-i] [-t] [-e K=V] [-u USER] [-w DIR] CONTAINER CMD…` (docker exec): a process in a running
// container. Under the container's lock its PID 1 is pinned with a pidfd (container_control.h says why
// that never names a recycled PID); the process then joins its namespaces and gets the same
// confinement as its PID 1 (executor AttachedSandbox::Join). Defaults are the container's: its
// environment (then -e, as docker: a later KEY replaces an earlier one), its user and working directory;
// the user is resolved in the container's own /etc/passwd and /etc/group (through /proc/PID/root), and
// HOME comes from its passwd entry. stdio is relayed as for `run` (stdio_relay.h), the caller's signals
// forwarded (attach_loop.h). A container that is not running: kFailedPrecondition "container … is not
// running" (exit 125).
#ifndef MYBUILD_ENGINE_CONTAINER_EXEC_H_
#define MYBUILD_ENGINE_CONTAINER_EXEC_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/engine/attach_loop.h"
#include "src/engine/container_spec.h"
#include "src/engine/container_store.h"

namespace mybuild::engine {

struct ExecFlags {
  std::vector<std::string> command;
  bool interactive = false;
  bool tty = false;
  std::vector<std::string> env;        // -e
  std::optional<std::string> user;     // -u
  std::optional<std::string> workdir;  // -w (absolute)
};

struct ExecResult {
  int exit_code = 0;   // the process's status, 128+N for signal N, 126/127 when it could not start
  Status start_error;  // why it could not start, else OK
};

class ContainerExec {
 public:
  static StatusOr<std::unique_ptr<ContainerExec>> Create(ContainerStore& store, StdioOptions caller);
  // A signal mybuild received (thread-safe).
  void Deliver(int signal) { inbox_->Deliver(signal); }
  // An error (exit 125) means nothing ran.
  StatusOr<ExecResult> Run(const std::string& id, const ExecFlags& flags, const LookupEnv& lookup);

 private:
  ContainerExec(ContainerStore& store, StdioOptions caller, std::unique_ptr<SignalInbox> inbox)
      : store_(store), caller_(caller), inbox_(std::move(inbox)) {}
  ContainerStore& store_;
  StdioOptions caller_;
  std::unique_ptr<SignalInbox> inbox_;
};

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_EXEC_H_
