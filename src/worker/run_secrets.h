// The secrets and SSH agents a build was given (`--secret`, `--ssh`) and how a RUN's
// `--mount=type=secret` and `--mount=type=ssh` become sandbox mounts and environment entries.
//
// Secrets are not part of any cache key: a step's definition holds the mount spec (id, target, env,
// required, mode, uid, gid) but never the bytes, so changing a secret's content does not rebuild the step
// (as in BuildKit). The bytes live in memory only; the executor writes them to a tmpfs private to the
// step's sandbox (executor::Mount::Type::kFile), never to the rootfs, the layer or a log.
#ifndef MYBUILD_WORKER_RUN_SECRETS_H_
#define MYBUILD_WORKER_RUN_SECRETS_H_

#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "src/base/status.h"
#include "src/executor/executor.h"
#include "src/graph/ops.h"

namespace mybuild::worker {

struct RunSecrets {
  std::map<std::string, std::string> secrets;                 // id → content (≤ kMaxFileMountBytes)
  std::map<std::string, std::filesystem::path> ssh_agents;    // id → host path of an agent's unix socket
};

// Makes the socket a RUN's ssh mount binds: one that relays to the agent socket `agent` and has the
// mount's owner and mode (the worker's SshForwarder, kept alive until the RUN ends; a fake in tests).
using SshSocketFor =
    std::function<StatusOr<std::filesystem::path>(const graph::Mount& mount, const std::filesystem::path& agent)>;

// The mount targets of ssh mounts without a target default to /run/buildkit/ssh_agent.<n> in the planner;
// like BuildKit, SSH_AUTH_SOCK is set to the first ssh mount's target unless the RUN's env sets it.
//
// Adds what `mount` (type kSecret or kSsh; other types are left alone) asks for to `spec`:
//  - secret with a target: a read-only file with the content, mode (default 0400) and owner (default 0:0);
//  - secret with env=VAR: VAR=content in this RUN's environment only (with or without a target);
//  - ssh: the socket made by `socket_for` bound read-only at the target.
// A secret or agent that was not given is skipped, unless the mount is required: then kFailedPrecondition
// names the id and the flag that provides it (the solver adds the Dockerfile location).
Status AddSecretMount(const graph::Mount& mount, const RunSecrets& secrets, const SshSocketFor& socket_for,
                      executor::ExecSpec& spec);

}  // namespace mybuild::worker

#endif  // MYBUILD_WORKER_RUN_SECRETS_H_
