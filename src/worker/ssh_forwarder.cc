#include "src/worker/ssh_forwarder.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "src/base/logging.h"

namespace mybuild::worker {
namespace {

StatusOr<sockaddr_un> UnixAddress(const std::filesystem::path& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string text = path.string();
  if (text.size() >= sizeof address.sun_path) {
    return InvalidArgument("unix socket path " + text + " is longer than " +
                           std::to_string(sizeof address.sun_path - 1) + " bytes");
  }
  std::memcpy(address.sun_path, text.c_str(), text.size() + 1);
  return address;
}

// A connected stream socket to `path`, or an invalid fd (the caller drops the client).
UniqueFd ConnectTo(const std::filesystem::path& path) {
  StatusOr<sockaddr_un> address = UnixAddress(path);
  if (!address.ok()) return UniqueFd();
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return UniqueFd();
  if (connect(fd.get(), reinterpret_cast<const sockaddr*>(&*address), sizeof *address) < 0) return UniqueFd();
  return fd;
}

void SetWriteTimeout(int fd) {
  timeval timeout{static_cast<time_t>(SshForwarder::kWriteTimeout.count()), 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
}

// Writes all of `data`; false when the peer is gone or stopped reading for longer than the timeout.
bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// A RUN's connection and the forwarder's connection to the agent.
struct Pair {
  UniqueFd client;
  UniqueFd agent;
};

}  // namespace

SshForwarder::SshForwarder(std::filesystem::path agent, TempDir dir, std::filesystem::path socket_path,
                           UniqueFd listener, UniqueFd wake_read, UniqueFd wake_write)
    : agent_(std::move(agent)),
      dir_(std::move(dir)),
      socket_path_(std::move(socket_path)),
      listener_(std::move(listener)),
      wake_read_(std::move(wake_read)),
      wake_write_(std::move(wake_write)) {
  thread_ = std::thread([this] { Loop(); });
}

SshForwarder::~SshForwarder() {
  char byte = 0;
  while (write(wake_write_.get(), &byte, 1) < 0 && errno == EINTR) {
  }
  thread_.join();
}

StatusOr<std::unique_ptr<SshForwarder>> SshForwarder::Start(const std::filesystem::path& agent,
                                                            const std::filesystem::path& parent, uint32_t uid,
                                                            uint32_t gid, uint32_t mode) {
  MB_ASSIGN_OR_RETURN(TempDir dir, TempDir::Create(parent, "ssh-"));
  std::filesystem::path path = dir.path() / "agent";
  MB_ASSIGN_OR_RETURN(sockaddr_un address, UnixAddress(path));
  UniqueFd listener(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!listener.valid()) return ErrnoError("socket(AF_UNIX)");
  if (bind(listener.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) < 0) {
    return ErrnoError("bind " + path.string());
  }
  // The directory is ours and 0700: nobody can swap the socket between bind and these calls.
  if (chown(path.c_str(), uid, gid) < 0) return ErrnoError("chown " + path.string());
  if (chmod(path.c_str(), mode & 07777) < 0) return ErrnoError("chmod " + path.string());
  if (listen(listener.get(), 16) < 0) return ErrnoError("listen " + path.string());
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) < 0) return ErrnoError("pipe2");
  return std::unique_ptr<SshForwarder>(new SshForwarder(agent, std::move(dir), std::move(path), std::move(listener),
                                                        UniqueFd(pipe_fds[0]), UniqueFd(pipe_fds[1])));
}

void SshForwarder::Loop() {
  std::vector<Pair> pairs;
  std::vector<char> buffer(64 * 1024);
  for (;;) {
    std::vector<pollfd> fds = {{wake_read_.get(), POLLIN, 0}, {listener_.get(), POLLIN, 0}};
    for (const Pair& pair : pairs) {
      fds.push_back({pair.client.get(), POLLIN, 0});
      fds.push_back({pair.agent.get(), POLLIN, 0});
    }
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      spdlog::warn("ssh forwarder for {}: poll: {}", agent_.string(), std::strerror(errno));
      return;
    }
    if (fds[0].revents != 0) return;  // the destructor: stop; the pairs close with this frame
    // Relay what is readable; a pair whose side closed or failed is dropped (both ends closed).
    std::vector<bool> drop(pairs.size(), false);
    for (size_t i = 0; i < pairs.size(); ++i) {
      for (int side = 0; side < 2 && !drop[i]; ++side) {
        const pollfd& polled = fds[2 + 2 * i + side];
        if (polled.revents == 0) continue;
        int from = side == 0 ? pairs[i].client.get() : pairs[i].agent.get();
        int to = side == 0 ? pairs[i].agent.get() : pairs[i].client.get();
        ssize_t n = read(from, buffer.data(), buffer.size());
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0 || !WriteAll(to, buffer.data(), static_cast<size_t>(n))) drop[i] = true;
      }
    }
    for (size_t i = pairs.size(); i-- > 0;) {
      if (drop[i]) pairs.erase(pairs.begin() + static_cast<std::ptrdiff_t>(i));
    }
    if (fds[1].revents != 0) {
      UniqueFd client(accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!client.valid()) continue;
      UniqueFd agent = ConnectTo(agent_);
      if (!agent.valid()) {
        spdlog::warn("ssh forwarder: cannot connect to the agent at {}: {}", agent_.string(), std::strerror(errno));
        continue;  // the RUN sees its connection closed
      }
      SetWriteTimeout(client.get());
      SetWriteTimeout(agent.get());
      pairs.push_back(Pair{std::move(client), std::move(agent)});
    }
  }
}

}  // namespace mybuild::worker
