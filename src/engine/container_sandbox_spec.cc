#include "src/engine/container_sandbox_spec.h"

#include <unistd.h>

#include "src/base/files.h"

namespace mybuild::engine {
namespace {

std::optional<std::string> ReadHostFile(const char* path) {
  StatusOr<std::string> text = ReadFile(path, 1 << 20);
  return text.ok() ? std::optional<std::string>(*text) : std::nullopt;
}

}  // namespace

HostFiles ReadHostFiles(const std::filesystem::path& mybuild) {
  HostFiles files{ReadHostFile("/etc/resolv.conf"), ReadHostFile("/etc/hosts"), {}};
  std::filesystem::path init = mybuild.parent_path() / "mybuild-monitor";
  if (!mybuild.empty() && access(init.c_str(), X_OK) == 0) files.init_program = init;
  return files;
}

std::string ContainerHosts(NetworkMode network, const std::vector<std::string>& extra_hosts,
                           const std::optional<std::string>& host_hosts) {
  std::string hosts;
  if (network == NetworkMode::kHost && host_hosts) {
    hosts = *host_hosts;
    if (!hosts.empty() && hosts.back() != '\n') hosts += '\n';
  } else {
    hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";
  }
  for (const std::string& line : extra_hosts) hosts += line + "\n";
  return hosts;
}

StatusOr<snapshotter::ResolvedUser> ResolveContainerUser(const snapshotter::RootFs& root, const std::string& user) {
  StatusOr<snapshotter::ResolvedUser> resolved = snapshotter::ResolveUser(root, user);
  if (!resolved.ok()) return InvalidArgument("unable to find user " + user + ": " + resolved.status().message());
  return resolved;
}

StatusOr<executor::ExecSpec> MakeExecSpec(const ContainerSettings& settings, const std::filesystem::path& rootfs,
                                          const HostFiles& host) {
  MB_ASSIGN_OR_RETURN(snapshotter::RootFs root, snapshotter::RootFs::Open(rootfs));
  MB_ASSIGN_OR_RETURN(snapshotter::ResolvedUser user, ResolveContainerUser(root, settings.process.user));
  executor::ExecSpec spec;
  spec.rootfs = rootfs;
  spec.args = settings.process.args;
  spec.env = WithHome(settings.process.env, user.home);
  spec.cwd = settings.process.workdir;
  spec.uid = user.uid;
  spec.gid = user.gid;
  spec.additional_gids = user.additional_gids;
  spec.hostname = settings.hostname;
  // kJoined: the process that starts the sandbox has joined the network's namespace (JoinNetwork).
  spec.network = settings.network == NetworkMode::kNone ? executor::ExecSpec::Network::kNone
                                                        : executor::ExecSpec::Network::kHost;
  if (settings.network == NetworkMode::kHost) spec.resolv_conf = host.resolv_conf;
  spec.hosts = ContainerHosts(settings.network, settings.extra_hosts, host.hosts);
  spec.resources = settings.resources;
  for (const MountRequest& request : settings.mounts) {
    if (request.type == MountRequest::Type::kVolume) {
      return Internal("volume " + request.source.string() + " is not attached (AttachVolumes, container_volumes.h)");
    }
    executor::Mount mount;
    mount.type = request.type == MountRequest::Type::kTmpfs ? executor::Mount::Type::kTmpfs
                                                            : executor::Mount::Type::kBind;
    mount.source = request.source;
    mount.target = request.target;
    mount.read_only = request.read_only;
    mount.tmpfs_size_bytes = request.tmpfs_size_bytes;
    spec.extra_mounts.push_back(std::move(mount));
  }
  if (settings.init) {
    if (host.init_program.empty()) {
      return FailedPrecondition("--init needs the program mybuild-monitor beside mybuild (it is built with it)");
    }
    // Bound read-only (but executable) over a file made for it: the container cannot change the host's copy.
    executor::Mount init;
    init.source = host.init_program;
    init.target = kInitPath;
    init.read_only = true;
    init.executable = true;
    spec.extra_mounts.push_back(std::move(init));
    std::vector<std::string> args = {kInitPath, "init", "--"};
    args.insert(args.end(), spec.args.begin(), spec.args.end());
    spec.args = std::move(args);
  }
  return spec;
}

int ExitCodeOfStartError(const Status& error) {
  return error.code() == StatusCode::kNotFound           ? 127
         : error.code() == StatusCode::kPermissionDenied ? 126
                                                         : 125;
}

}  // namespace mybuild::engine
