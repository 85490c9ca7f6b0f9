// SshForwarder: the RUN's socket has the mount's owner and mode, bytes go both ways unchanged, several
// connections are independent, and destruction ends every connection and removes the socket.
#include "src/worker/ssh_forwarder.h"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>

#include "tests/test_support.h"

namespace mybuild::worker {
namespace {

sockaddr_un AddressOf(const std::filesystem::path& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
  return address;
}

// A stand-in agent: answers every message with "agent:" + the message, until destroyed.
class EchoAgent {
 public:
  explicit EchoAgent(std::filesystem::path path) : path_(std::move(path)) {
    listener_ = UniqueFd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un address = AddressOf(path_);
    REQUIRE(bind(listener_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(listen(listener_.get(), 8) == 0);
    thread_ = std::thread([this] {
      for (;;) {
        int client = accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0 || stop_) {
          if (client >= 0) close(client);
          return;
        }
        std::thread([client] {
          char buffer[256];
          for (ssize_t n; (n = read(client, buffer, sizeof buffer)) > 0;) {
            std::string reply = "agent:" + std::string(buffer, static_cast<size_t>(n));
            if (send(client, reply.data(), reply.size(), MSG_NOSIGNAL) < 0) break;
          }
          close(client);
        }).detach();
      }
    });
  }
  ~EchoAgent() {
    stop_ = true;
    shutdown(listener_.get(), SHUT_RDWR);
    UniqueFd wake(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un address = AddressOf(path_);
    connect(wake.get(), reinterpret_cast<sockaddr*>(&address), sizeof address);
    thread_.join();
  }

 private:
  std::filesystem::path path_;
  UniqueFd listener_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

UniqueFd Connect(const std::filesystem::path& path) {
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un address = AddressOf(path);
  REQUIRE(connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  return fd;
}

std::string Ask(int fd, const std::string& message) {
  REQUIRE(send(fd, message.data(), message.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(message.size()));
  std::string reply;
  char buffer[256];
  while (reply.size() < message.size() + 6) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    reply.append(buffer, static_cast<size_t>(n));
  }
  return reply;
}

TEST_CASE("the forwarder's socket has the mount's owner and mode and relays to the agent") {
  if (::geteuid() != 0) MYBUILD_SKIP("chown of the socket needs root");
  auto tmp = TempDir::Create({}, "ssh-forwarder-test-");
  REQUIRE(tmp.ok());
  EchoAgent agent(tmp->path() / "agent.sock");
  std::filesystem::path socket_path;
  {
    auto forwarder = SshForwarder::Start(tmp->path() / "agent.sock", tmp->path(), 1000, 50, 0660);
    REQUIRE_MESSAGE(forwarder.ok(), forwarder.status().ToString());
    socket_path = (*forwarder)->socket_path();
    struct stat st;
    REQUIRE(lstat(socket_path.c_str(), &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));
    CHECK((st.st_mode & 07777) == 0660);
    CHECK(st.st_uid == 1000u);
    CHECK(st.st_gid == 50u);
    struct stat dir;
    REQUIRE(stat(socket_path.parent_path().c_str(), &dir) == 0);
    CHECK((dir.st_mode & 07777) == 0700);

    UniqueFd first = Connect(socket_path);
    UniqueFd second = Connect(socket_path);
    CHECK(Ask(first.get(), "one") == "agent:one");
    CHECK(Ask(second.get(), "two") == "agent:two");
    CHECK(Ask(first.get(), "three") == "agent:three");
    second.Reset();
    CHECK(Ask(first.get(), "four") == "agent:four");  // a closed connection does not disturb the others

    UniqueFd open_until_the_end = Connect(socket_path);
    CHECK(Ask(open_until_the_end.get(), "x") == "agent:x");
    forwarder->reset();  // the RUN is over
    char byte;
    CHECK(read(open_until_the_end.get(), &byte, 1) == 0);  // its connection was closed
  }
  CHECK_FALSE(std::filesystem::exists(socket_path));
}

TEST_CASE("a connection to a forwarder whose agent is gone is closed, and the forwarder keeps going") {
  auto tmp = TempDir::Create({}, "ssh-forwarder-test-");
  REQUIRE(tmp.ok());
  auto forwarder = SshForwarder::Start(tmp->path() / "no-agent.sock", tmp->path(), ::geteuid(), ::getegid(), 0600);
  REQUIRE_MESSAGE(forwarder.ok(), forwarder.status().ToString());
  for (int i = 0; i < 2; ++i) {
    UniqueFd client = Connect((*forwarder)->socket_path());
    char byte;
    CHECK(read(client.get(), &byte, 1) == 0);
  }
}

TEST_CASE("a socket path too long for a unix address is refused with its length") {
  auto tmp = TempDir::Create({}, "ssh-forwarder-test-");
  REQUIRE(tmp.ok());
  std::filesystem::path deep = tmp->path() / std::string(120, 'd');
  std::filesystem::create_directories(deep);
  auto forwarder = SshForwarder::Start(tmp->path() / "agent.sock", deep, 0, 0, 0600);
  REQUIRE_FALSE(forwarder.ok());
  CHECK(forwarder.status().message().find("is longer than 107 bytes") != std::string::npos);
}

}  // namespace
}  // namespace mybuild::worker
