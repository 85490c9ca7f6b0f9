#include "src/engine/tcp_forwarder.h"

#include <doctest/doctest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "src/engine/health_prober.h"

namespace mybuild::engine {
namespace {

TEST_CASE("tcp forwarder: published port syntax") {
  StatusOr<PublishedPort> port = ParsePublishedPort("127.0.0.1:8080:80");
  REQUIRE(port.ok());
  CHECK(port->host_ip == "127.0.0.1");
  CHECK(port->host_port == 8080);
  CHECK(port->target_port == 80);
  StatusOr<PublishedPort> v6 = ParsePublishedPort("[::1]:8443:443");
  REQUIRE(v6.ok());
  CHECK(v6->host_ip == "::1");
  CHECK(FormatPublishedPort(*v6) == "[::1]:8443:443");
  CHECK(!ParsePublishedPort("8080:80").ok());
  CHECK(!ParsePublishedPort("127.0.0.1:8080:0").ok());
  CHECK(!ParsePublishedPort("127.0.0.1:99999:80").ok());
  CHECK(!ParsePublishedPort("not-an-ip:1:2").ok());
}

UniqueFd ListenLoopback(int& port) {
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(listen(fd.get(), 8) == 0);
  socklen_t length = sizeof address;
  getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length);
  port = ntohs(address.sin_port);
  return fd;
}

UniqueFd Connect(int port) {
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  return fd;
}

std::string ReadToEnd(int fd) {
  std::string out;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<size_t>(n));
  return out;
}

TEST_CASE("tcp forwarder: relays both ways and passes half-closes on") {
  int target_port = 0;
  UniqueFd server = ListenLoopback(target_port);
  StatusOr<std::unique_ptr<TcpForwarder>> forwarder = TcpForwarder::Listen({PublishedPort{"127.0.0.1", 0, target_port}});
  REQUIRE_MESSAGE(forwarder.ok(), forwarder.status().ToString());
  const int published = (*forwarder)->bound_port(0);
  int stop[2];
  REQUIRE(pipe(stop) == 0);
  UniqueFd stop_read(stop[0]), stop_write(stop[1]);
  std::thread serving([&] { CHECK((*forwarder)->Serve(stop_read.get()).ok()); });

  // An echo server that upper-cases a request until its EOF, then answers once more and closes.
  std::thread echo([&] {
    UniqueFd peer(accept(server.get(), nullptr, nullptr));
    std::string request = ReadToEnd(peer.get());
    std::string reply = "got " + std::to_string(request.size()) + " bytes";
    CHECK(write(peer.get(), reply.data(), reply.size()) == static_cast<ssize_t>(reply.size()));
  });
  UniqueFd client = Connect(published);
  const std::string big(300 * 1024, 'x');  // more than the forwarder buffers at once
  size_t sent = 0;
  while (sent < big.size()) {
    ssize_t n = write(client.get(), big.data() + sent, big.size() - sent);
    REQUIRE(n > 0);
    sent += static_cast<size_t>(n);
  }
  shutdown(client.get(), SHUT_WR);
  CHECK(ReadToEnd(client.get()) == "got 307200 bytes");
  echo.join();
  CHECK(write(stop_write.get(), "x", 1) == 1);
  serving.join();
}

TEST_CASE("tcp forwarder: a port in use is an error naming it") {
  int port = 0;
  UniqueFd taken = ListenLoopback(port);
  StatusOr<std::unique_ptr<TcpForwarder>> forwarder = TcpForwarder::Listen({PublishedPort{"127.0.0.1", port, 80}});
  REQUIRE(!forwarder.ok());
  CHECK(forwarder.status().message().find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
}

TEST_CASE("health: probes decide the status as docker does") {
  HealthState state;
  state = AfterProbe(state, 1, true, 3);
  CHECK(state.status == "starting");
  CHECK(state.failing_streak == 0);  // failures in the start period do not count
  state = AfterProbe(state, 1, false, 3);
  state = AfterProbe(state, 1, false, 3);
  CHECK(state.status == "starting");
  CHECK(state.failing_streak == 2);
  state = AfterProbe(state, 0, false, 3);
  CHECK(state.status == "healthy");
  CHECK(state.failing_streak == 0);
  for (int i = 0; i < 3; ++i) state = AfterProbe(state, 7, false, 3);
  CHECK(state.status == "unhealthy");
  CHECK(state.last_exit_code == 7);
  StatusOr<HealthState> parsed = ParseHealth(HealthJson(state), "health.json");
  REQUIRE(parsed.ok());
  CHECK(parsed->status == "unhealthy");
  CHECK(parsed->failing_streak == 3);
}

}  // namespace
}  // namespace mybuild::engine
