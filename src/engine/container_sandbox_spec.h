// The sandbox spec of a container's process (executor::ExecSpec) from its stored settings: the user
// resolved in the container's own /etc/passwd and /etc/group (unknown names are an error), HOME from
// its passwd entry, /etc/hosts and /etc/resolv.conf for its network, its mounts.
#ifndef MYBUILD_ENGINE_CONTAINER_SANDBOX_SPEC_H_
#define MYBUILD_ENGINE_CONTAINER_SANDBOX_SPEC_H_

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "snapshotter/passwd.h"
#include "snapshotter/rootfs.h"
#include "src/base/status.h"
#include "src/engine/container_settings.h"
#include "src/executor/executor.h"

namespace mybuild::engine {

// The host's files a container on the host network sees.
struct HostFiles {
  std::optional<std::string> resolv_conf;  // the host's /etc/resolv.conf
  std::optional<std::string> hosts;        // the host's /etc/hosts
  std::filesystem::path init_program;      // for --init: mybuild-monitor (static), empty when missing
};

// Where --init's program appears in the container.
inline constexpr const char* kInitPath = "/sbin/mybuild-init";
// The host's /etc/resolv.conf and /etc/hosts (nullopt where unreadable), and mybuild-monitor beside
// `mybuild` (this program's path) as the --init program.
HostFiles ReadHostFiles(const std::filesystem::path& mybuild);

// `user` (uid[:gid] or name[:group]) in the container whose root is `root`; kInvalidArgument
// "unable to find user …" when it has no such user.
StatusOr<snapshotter::ResolvedUser> ResolveContainerUser(const snapshotter::RootFs& root, const std::string& user);

// Named volumes must have been attached (container_volumes.h): they are bind mounts by then.
StatusOr<executor::ExecSpec> MakeExecSpec(const ContainerSettings& settings, const std::filesystem::path& rootfs,
                                          const HostFiles& host);

// The /etc/hosts of a container: the host's for the host network, else (none, a compose network) the
// loopback names; then the --add-host lines (compose's service names).
std::string ContainerHosts(NetworkMode network, const std::vector<std::string>& extra_hosts,
                           const std::optional<std::string>& host_hosts);

// docker's exit status for a process that could not start: 127 not found, 126 not executable, else 125.
int ExitCodeOfStartError(const Status& error);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_SANDBOX_SPEC_H_
