// A unix socket made for one RUN that relays every connection to an ssh-agent's socket on the host, so
// that the RUN sees the socket with the mount's owner and mode (BuildKit's default: 0:0, 0600) whatever
// the agent socket's own permissions are, and can never chmod or replace the host's socket. Bytes are
// relayed unchanged in both directions: no agent protocol is spoken and no key is ever read here.
//
// One thread polls the listening socket, a wake-up pipe and every open connection pair. Writes to a peer
// time out after kWriteTimeout, so a RUN that stops reading loses its connection instead of stalling the
// others or the destructor.
#ifndef MYBUILD_WORKER_SSH_FORWARDER_H_
#define MYBUILD_WORKER_SSH_FORWARDER_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <thread>

#include "src/base/status.h"
#include "src/base/temp_dir.h"
#include "src/base/unique_fd.h"

namespace mybuild::worker {

class SshForwarder {
 public:
  static constexpr std::chrono::seconds kWriteTimeout{5};

  // Listens on a new socket in a fresh 0700 directory under `parent`, owned by uid:gid with `mode`, and
  // relays connections to `agent` until destroyed.
  static StatusOr<std::unique_ptr<SshForwarder>> Start(const std::filesystem::path& agent,
                                                       const std::filesystem::path& parent, uint32_t uid,
                                                       uint32_t gid, uint32_t mode);
  // Stops relaying, closes every connection, removes the socket.
  ~SshForwarder();
  SshForwarder(const SshForwarder&) = delete;
  SshForwarder& operator=(const SshForwarder&) = delete;

  const std::filesystem::path& socket_path() const { return socket_path_; }

 private:
  SshForwarder(std::filesystem::path agent, TempDir dir, std::filesystem::path socket_path, UniqueFd listener,
               UniqueFd wake_read, UniqueFd wake_write);
  void Loop();

  std::filesystem::path agent_;
  TempDir dir_;
  std::filesystem::path socket_path_;
  UniqueFd listener_;
  UniqueFd wake_read_;
  UniqueFd wake_write_;
  std::thread thread_;
};

}  // namespace mybuild::worker

#endif  // MYBUILD_WORKER_SSH_FORWARDER_H_
