// Published ports (`ports: "HOST:CTR"`, docker-proxy's job) without any address configured on the host:
// a userspace TCP forwarder. Its listeners are bound where they are created (the host's network
// namespace); every connection they accept is relayed to 127.0.0.1:TARGET from a socket created when the
// connection arrives, i.e. in the network namespace the forwarder has entered by then (a compose network's,
// network_holder.h). Bytes flow both ways as they come; an end's EOF is passed on as a half-close
// (shutdown SHUT_WR), a reset or a refused connection closes both ends. Single-threaded, poll(2) based.
#ifndef MYBUILD_ENGINE_TCP_FORWARDER_H_
#define MYBUILD_ENGINE_TCP_FORWARDER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"
#include "src/base/unique_fd.h"

namespace mybuild::engine {

struct PublishedPort {
  std::string host_ip = "0.0.0.0";  // IPv4 or IPv6 literal
  int host_port = 0;                // 0: the kernel picks one (tests)
  int target_port = 0;
};

// "HOST_IP:HOST_PORT:TARGET" (an IPv6 host address in brackets: "[::1]:8080:80").
StatusOr<PublishedPort> ParsePublishedPort(std::string_view text);
std::string FormatPublishedPort(const PublishedPort& port);

class TcpForwarder {
 public:
  // Binds and listens on every port now; an error names the address ("address already in use").
  static StatusOr<std::unique_ptr<TcpForwarder>> Listen(const std::vector<PublishedPort>& ports);
  ~TcpForwarder();
  TcpForwarder(const TcpForwarder&) = delete;
  TcpForwarder& operator=(const TcpForwarder&) = delete;

  // The port listener `index` is bound to (for host_port 0).
  int bound_port(size_t index) const;

  // Relays connections until `stop_fd` becomes readable (or closes); then closes every connection.
  Status Serve(int stop_fd);

 private:
  struct Listener {
    UniqueFd fd;
    int target_port = 0;
    int bound_port = 0;
  };
  struct Connection;
  TcpForwarder() = default;
  void Accept(const Listener& listener);

  std::vector<Listener> listeners_;
  std::vector<std::unique_ptr<Connection>> connections_;
};

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_TCP_FORWARDER_H_
