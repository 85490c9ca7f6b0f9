// The executor runs one RUN step: a command in a sandbox over an already prepared rootfs directory.
//
// Contract:
//  - Run() returns when the command and every process it started are gone, and every mount made for
//    the step has vanished (they live only in the step's own mount namespace).
//  - Output is delivered to the OutputSink line by line, on the calling thread, while the command runs.
//  - A non-zero exit or death by signal is a result (ExecResult), not an error. Errors are: a bad spec
//    (kInvalidArgument), a sandbox that could not be set up or a command that could not be started
//    (the message names the step, the syscall and the path), cancellation (kCancelled), and the time
//    limit (kResourceExhausted).
//  - Mount targets that did not exist in the rootfs are created for the step and removed afterwards
//    when they are still empty. ExecResult::mount_targets lists every path that had something mounted
//    over it: a diff of the rootfs must not take these paths (or what is below them) from this step.
//  - Concurrent Run() calls are fine, but not on the same rootfs: a step owns its rootfs while it runs.
#ifndef MYBUILD_EXECUTOR_EXECUTOR_H_
#define MYBUILD_EXECUTOR_EXECUTOR_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/executor/cancel_token.h"
#include "src/executor/output_sink.h"
#include "src/executor/resources.h"

namespace mybuild::executor {

// An extra mount for the step (RUN --mount). Targets are absolute paths inside the container.
//  - kBind: a host path the program owns (cache dir, context, a unix socket …) bound at the target;
//  - kTmpfs: an empty tmpfs;
//  - kFile: a read-only file holding `contents`, with `file_mode` and owner `file_uid`:`file_gid`, made on a
//    tmpfs that exists only in the step's mount namespace (RUN --mount=type=secret): the bytes are never
//    written to a disk, the rootfs or the host's mount table.
struct Mount {
  enum class Type { kBind, kTmpfs, kFile };
  Type type = Type::kBind;
  std::filesystem::path source;  // kBind: the host path
  std::string target;            // absolute, inside the container
  bool read_only = false;
  bool executable = false;        // kBind with read_only: still not noexec (a program the host provides)
  uint64_t tmpfs_size_bytes = 0;  // kTmpfs: 0 = the kernel default
  std::string contents;           // kFile (at most kMaxFileMountBytes)
  uint32_t file_mode = 0400;      // kFile: permission bits (07777 at most)
  uint32_t file_uid = 0;
  uint32_t file_gid = 0;
};

// The largest kFile mount (BuildKit's limit for a secret is 500 KiB).
inline constexpr size_t kMaxFileMountBytes = 500 * 1024;

struct ExecSpec {
  enum class Network { kHost, kNone };

  std::filesystem::path rootfs;    // the prepared root directory (overlay mount or plain directory)
  std::vector<std::string> args;   // argv; args[0] is searched in PATH inside the container
  std::vector<std::string> env;    // "KEY=VALUE"; PATH defaults to kDefaultPath when absent
  std::string cwd = "/";           // absolute; created inside the container (root-owned, 0755) if missing
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::vector<uint32_t> additional_gids;  // gid is always added to the supplementary groups
  std::string hostname = "mybuild";
  Network network = Network::kHost;
  std::vector<Mount> extra_mounts;
  // When set, bind-mounted read-only over /etc/resolv.conf and /etc/hosts; /etc/hostname always holds
  // `hostname` (all three are mount targets, so they never enter a layer).
  std::optional<std::string> resolv_conf;
  std::optional<std::string> hosts;
  std::chrono::milliseconds timeout{0};  // 0 = no limit
  bool seccomp = true;  // the default filter (seccomp_filter.h); false only for `--security=insecure`
  Resources resources;  // --ulimit, --shm-size, cgroup limits (resources.h)
};

struct ExecResult {
  int exit_code = 0;  // valid when signal == 0
  int signal = 0;     // the signal that killed the command, or 0
  std::vector<std::string> mount_targets;  // container paths mounted over (see the contract above)

  bool success() const { return signal == 0 && exit_code == 0; }
};

inline constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

class Executor {
 public:
  virtual ~Executor() = default;
  // Runs `spec` to completion, streaming its output lines to `out`. A non-zero exit or a signal is a
  // successful ExecResult. When `cancel` is (or becomes) cancelled, the sandbox is killed and Run returns
  // a kCancelled status; `cancel` is usually the whole build's token.
  virtual StatusOr<ExecResult> Run(const ExecSpec& spec, OutputSink& out, CancelToken& cancel) = 0;
};

}  // namespace mybuild::executor

#endif  // MYBUILD_EXECUTOR_EXECUTOR_H_
