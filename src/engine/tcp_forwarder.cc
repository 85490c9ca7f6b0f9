#include "src/engine/tcp_forwarder.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mybuild::engine {

namespace {

constexpr size_t kBufferBytes = 64 * 1024;

StatusOr<int> ParsePort(std::string_view text, bool allow_zero, std::string_view whole) {
  int value = 0;
  if (text.empty() || text.size() > 5) value = -1;
  for (char c : text) {
    if (c < '0' || c > '9') return InvalidArgument("invalid port \"" + std::string(whole) + "\": expected HOST_IP:HOST_PORT:CONTAINER_PORT");
    value = value * 10 + (c - '0');
  }
  if (value < (allow_zero ? 0 : 1) || value > 65535) {
    return InvalidArgument("invalid port \"" + std::string(whole) + "\": a port is a number from 1 to 65535");
  }
  return value;
}

// A socket address for `ip`:`port` (IPv4 or IPv6 literal).
StatusOr<sockaddr_storage> Address(const std::string& ip, int port, socklen_t& length) {
  sockaddr_storage storage{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    length = sizeof(sockaddr_in);
    return storage;
  }
  if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    length = sizeof(sockaddr_in6);
    return storage;
  }
  return InvalidArgument("\"" + ip + "\" is not an IP address (expected e.g. 127.0.0.1 or ::1)");
}

bool WouldBlock(int error) { return error == EAGAIN || error == EWOULDBLOCK || error == EINTR; }

}  // namespace

StatusOr<PublishedPort> ParsePublishedPort(std::string_view text) {
  PublishedPort port;
  std::string_view rest = text;
  if (!rest.empty() && rest[0] == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
      return InvalidArgument("invalid port \"" + std::string(text) + "\": expected [IPV6]:HOST_PORT:CONTAINER_PORT");
    }
    port.host_ip = std::string(rest.substr(1, close - 1));
    rest = rest.substr(close + 2);
  } else {
    const size_t colon = rest.find(':');
    if (colon == std::string_view::npos) {
      return InvalidArgument("invalid port \"" + std::string(text) + "\": expected HOST_IP:HOST_PORT:CONTAINER_PORT");
    }
    port.host_ip = std::string(rest.substr(0, colon));
    rest = rest.substr(colon + 1);
  }
  const size_t colon = rest.find(':');
  if (colon == std::string_view::npos) {
    return InvalidArgument("invalid port \"" + std::string(text) + "\": expected HOST_IP:HOST_PORT:CONTAINER_PORT");
  }
  MB_ASSIGN_OR_RETURN(port.host_port, ParsePort(rest.substr(0, colon), true, text));
  MB_ASSIGN_OR_RETURN(port.target_port, ParsePort(rest.substr(colon + 1), false, text));
  socklen_t length = 0;
  MB_RETURN_IF_ERROR(Address(port.host_ip, port.host_port, length).status());
  return port;
}

std::string FormatPublishedPort(const PublishedPort& port) {
  const bool v6 = port.host_ip.find(':') != std::string::npos;
  return (v6 ? "[" + port.host_ip + "]" : port.host_ip) + ":" + std::to_string(port.host_port) + ":" +
         std::to_string(port.target_port);
}

// One accepted connection and its upstream: two directions, each a buffer.
struct TcpForwarder::Connection {
  struct Direction {
    std::string buffer;
    bool eof = false;       // the reading end said EOF
    bool shut = false;      // the EOF has been passed on
  };
  UniqueFd client, upstream;
  bool connecting = true;
  Direction to_upstream, to_client;
  bool failed = false;
  int client_index = -1, upstream_index = -1;

  bool done() const { return failed || (to_upstream.shut && to_client.shut); }

  static short Events(const Direction& in, const Direction& out, bool connecting_side) {
    if (connecting_side) return POLLOUT;
    short events = 0;
    if (!in.eof && in.buffer.size() < kBufferBytes) events |= POLLIN;
    if (!out.buffer.empty()) events |= POLLOUT;
    return events;
  }

  // Reads from `from` into `d`, writes `d` into `to`.
  void Pump(int from, short from_revents, Direction& d, int to, short to_revents) {
    if ((from_revents & (POLLIN | POLLHUP | POLLERR)) != 0 && !d.eof && d.buffer.size() < kBufferBytes) {
      char chunk[16 * 1024];
      const size_t room = std::min(sizeof chunk, kBufferBytes - d.buffer.size());
      ssize_t n = read(from, chunk, room);
      if (n > 0) d.buffer.append(chunk, static_cast<size_t>(n));
      if (n == 0) d.eof = true;
      if (n < 0 && !WouldBlock(errno)) failed = true;
    }
    if ((to_revents & (POLLOUT | POLLERR | POLLHUP)) != 0 && !d.buffer.empty()) {
      ssize_t n = send(to, d.buffer.data(), d.buffer.size(), MSG_NOSIGNAL);
      if (n > 0) d.buffer.erase(0, static_cast<size_t>(n));
      if (n < 0 && !WouldBlock(errno)) failed = true;
    }
    if (d.eof && d.buffer.empty() && !d.shut) {
      shutdown(to, SHUT_WR);
      d.shut = true;
    }
  }
};

TcpForwarder::~TcpForwarder() = default;

StatusOr<std::unique_ptr<TcpForwarder>> TcpForwarder::Listen(const std::vector<PublishedPort>& ports) {
  std::unique_ptr<TcpForwarder> forwarder(new TcpForwarder());
  for (const PublishedPort& port : ports) {
    socklen_t length = 0;
    MB_ASSIGN_OR_RETURN(sockaddr_storage address, Address(port.host_ip, port.host_port, length));
    const std::string what = "publishing " + FormatPublishedPort(port);
    UniqueFd fd(socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return ErrnoError(what + ": socket");
    int one = 1;
    setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (address.ss_family == AF_INET6) setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd.get(), reinterpret_cast<sockaddr*>(&address), length) < 0) {
      return ErrnoError(what + ": bind " + port.host_ip + ":" + std::to_string(port.host_port));
    }
    if (listen(fd.get(), 128) < 0) return ErrnoError(what + ": listen");
    sockaddr_storage bound{};
    socklen_t bound_length = sizeof bound;
    getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &bound_length);
    const int bound_port = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                                       : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    forwarder->listeners_.push_back(Listener{std::move(fd), port.target_port, bound_port});
  }
  return forwarder;
}

int TcpForwarder::bound_port(size_t index) const { return listeners_.at(index).bound_port; }

void TcpForwarder::Accept(const Listener& listener) {
  for (;;) {
    UniqueFd client(accept4(listener.fd.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!client.valid()) return;  // EAGAIN, or a connection that went away before it was accepted
    // Created now: in the namespace this process is in (the network's), unlike the listener.
    UniqueFd upstream(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!upstream.valid()) continue;
    sockaddr_in target{};
    target.sin_family = AF_INET;
    target.sin_port = htons(static_cast<uint16_t>(listener.target_port));
    target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(upstream.get(), reinterpret_cast<sockaddr*>(&target), sizeof target) < 0 && errno != EINPROGRESS) {
      continue;  // refused: the client sees its connection closed
    }
    auto connection = std::make_unique<Connection>();
    connection->client = std::move(client);
    connection->upstream = std::move(upstream);
    connections_.push_back(std::move(connection));
  }
}

Status TcpForwarder::Serve(int stop_fd) {
  std::vector<pollfd> fds;
  for (;;) {
    fds.clear();
    fds.push_back({stop_fd, POLLIN, 0});
    for (const Listener& listener : listeners_) fds.push_back({listener.fd.get(), POLLIN, 0});
    for (auto& c : connections_) {
      c->client_index = c->connecting ? -1 : static_cast<int>(fds.size());
      if (!c->connecting) fds.push_back({c->client.get(), Connection::Events(c->to_upstream, c->to_client, false), 0});
      c->upstream_index = static_cast<int>(fds.size());
      fds.push_back({c->upstream.get(), Connection::Events(c->to_client, c->to_upstream, c->connecting), 0});
    }
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("poll (port forwarder)");
    }
    if (fds[0].revents != 0) break;
    for (size_t i = 0; i < listeners_.size(); ++i) {
      if (fds[1 + i].revents != 0) Accept(listeners_[i]);
    }
    for (auto& c : connections_) {
      if (c->upstream_index < 0 || c->upstream_index >= static_cast<int>(fds.size())) continue;
      const short up = fds[static_cast<size_t>(c->upstream_index)].revents;
      if (c->connecting) {
        if (up == 0) continue;
        int error = 0;
        socklen_t length = sizeof error;
        getsockopt(c->upstream.get(), SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) c->failed = true;
        c->connecting = false;
        continue;
      }
      const short client = fds[static_cast<size_t>(c->client_index)].revents;
      c->Pump(c->client.get(), client, c->to_upstream, c->upstream.get(), up);
      c->Pump(c->upstream.get(), up, c->to_client, c->client.get(), client);
      // Closed both ways: nothing more can be delivered (and poll would report it again and again).
      if (((client | up) & POLLERR) != 0) c->failed = true;
      if ((client & POLLHUP) != 0 && c->to_upstream.eof) c->failed = true;
      if ((up & POLLHUP) != 0 && c->to_client.eof && c->to_client.buffer.empty()) c->failed = true;
    }
    connections_.erase(std::remove_if(connections_.begin(), connections_.end(),
                                      [](const std::unique_ptr<Connection>& c) { return c->done(); }),
                       connections_.end());
  }
  connections_.clear();
  return Status::Ok();
}

}  // namespace mybuild::engine
