// The real executor: one RUN in new mount, PID, UTS, IPC and cgroup namespaces (and a network namespace with
// only `lo` for Network::kNone), on a pivot_root'ed rootfs with the sandbox baseline of SECURITY.md
// rule 10. Needs root (CAP_SYS_ADMIN); Run() reports kFailedPrecondition when namespaces are refused.
//
// Process tree of one step:
//   caller thread ── clone3(CLONE_NEW*, CLONE_PIDFD) ──► init (PID 1: mounts, pivot_root, reaper)
//                                                         └─ fork ──► command (PID 2: user, caps, exec)
// The parent streams the command's stdout/stderr, reads the sync pipe (sync_protocol.h), and on
// cancellation or timeout kills init with SIGKILL through its pidfd, which ends the whole PID namespace.
//
// Not done yet: cgroup limits (memory, pids), user namespaces (rootless builds).
#ifndef MYBUILD_EXECUTOR_NAMESPACE_EXECUTOR_H_
#define MYBUILD_EXECUTOR_NAMESPACE_EXECUTOR_H_

#include <filesystem>

#include "src/executor/executor.h"

namespace mybuild::executor {

class NamespaceExecutor : public Executor {
 public:
  // state_dir holds per-step temp directories (mode 0700) for the resolv.conf/hosts files and the
  // (always empty, on the host) mount point of the step's tmpfs for kFile mounts; it must exist.
  // Empty = $TMPDIR or /tmp.
  explicit NamespaceExecutor(std::filesystem::path state_dir = {}) : state_dir_(std::move(state_dir)) {}

  // Thread-safe: steps may run concurrently.
  StatusOr<ExecResult> Run(const ExecSpec& spec, OutputSink& out, CancelToken& cancel) override;

 private:
  std::filesystem::path state_dir_;
};

// Checks a spec before anything is started (strings without NUL, absolute paths, ids that are not -1,
// a non-empty argv, existing bind sources). Exposed for tests.
Status ValidateExecSpec(const ExecSpec& spec);

}  // namespace mybuild::executor

#endif  // MYBUILD_EXECUTOR_NAMESPACE_EXECUTOR_H_
