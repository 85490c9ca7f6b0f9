// A compose network (pod-style, no address configured anywhere): one network namespace with only
// loopback, held by a small process, the network's holder (`mybuild-monitor network-holder`), from
// `compose up` to `compose down`. Containers on the network join its namespace (setns on the holder's
// pidfd, in their monitor before the sandbox starts), so they reach one another on 127.0.0.1 (by name
// through /etc/hosts lines that compose writes). The holder is also the network's port publisher: it
// binds the published ports in the host's namespace before entering the new one, then forwards every
// connection to 127.0.0.1:TARGET inside it (tcp_forwarder.h). It ends on SIGTERM; the namespace ends
// when the holder and the last container in it are gone.
//
// On disk (ROOT/networks and ROOT/networks/NAME are 0700):
//   ROOT/networks/NAME/holder.lock  held (exclusive) by the holder while it lives: free = it is gone
//   ROOT/networks/NAME/holder.pid   its PID (decimal), written before it reports ready
//   ROOT/networks/NAME/ports        the ports it publishes, HOST_IP:HOST_PORT:TARGET one a line
// The holder is started detached as a container's monitor is (monitor_launch.h): its argv is
//   mybuild-monitor network-holder --dir ROOT/networks/NAME --ready-fd 3 [--publish HOST_IP:PORT:TARGET]…
#ifndef MYBUILD_ENGINE_NETWORK_HOLDER_H_
#define MYBUILD_ENGINE_NETWORK_HOLDER_H_

#include <filesystem>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/base/unique_fd.h"
#include "src/engine/tcp_forwarder.h"

namespace mybuild::engine {

std::filesystem::path NetworkDir(const std::filesystem::path& root, const std::string& name);
// The names of ROOT/networks/*, sorted.
StatusOr<std::vector<std::string>> ListNetworks(const std::filesystem::path& root);

// Starts the holder of `dir` (created) with `program` (mybuild-monitor); returns once it is ready, or with
// why not (a published port in use: its message names the address).
Status StartNetworkHolder(const std::filesystem::path& dir, const std::vector<PublishedPort>& ports,
                          const std::filesystem::path& program);
bool NetworkHolderAlive(const std::filesystem::path& dir);
// The ports the live holder publishes.
StatusOr<std::vector<PublishedPort>> NetworkHolderPorts(const std::filesystem::path& dir);
// Moves the calling thread into the network's namespace; kFailedPrecondition when its holder is gone.
Status JoinNetwork(const std::filesystem::path& dir);
// SIGTERM to the holder, waits until it is gone, removes `dir`. A network without a live holder is
// just removed.
Status StopNetworkHolder(const std::filesystem::path& dir);

// The holder itself (mybuild-monitor network-holder …): returns when it is told to end.
Status RunNetworkHolder(const std::vector<std::string>& args);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_NETWORK_HOLDER_H_
