#include "src/cli/mount_namespace.h"

#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "src/base/logging.h"

namespace mybuild::cli {
namespace {

// The threads of this process (entries of /proc/self/task), 0 when that cannot be read.
int ThreadCount() {
  std::error_code error;
  int count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/task", error), end; !error && it != end; it.increment(error)) {
    ++count;
  }
  return error ? 0 : count;
}

}  // namespace

Status EnterPrivateMountNamespace() {
  static std::mutex mutex;
  static bool done = false;
  std::lock_guard<std::mutex> lock(mutex);
  if (done) return Status::Ok();
  // Main and the interrupt watcher; any other thread would keep mounting in the host's namespace.
  if (const int threads = ThreadCount(); threads > 2) {
    spdlog::warn("{} threads run before the private mount namespace is made; mounts they make are not private",
                 threads);
  }
  if (::unshare(CLONE_NEWNS) != 0) {
    if (errno != EPERM) return ErrnoError("unshare(CLONE_NEWNS) for a private mount namespace");
    // Without CAP_SYS_ADMIN nothing can be mounted either; as root (a container without the capability)
    // say that a killed build's mounts could stay.
    if (::geteuid() == 0) {
      spdlog::warn("no private mount namespace ({}): mounts of a killed build may stay", std::strerror(EPERM));
    } else {
      spdlog::debug("no private mount namespace: {}", std::strerror(EPERM));
    }
    done = true;
    return Status::Ok();
  }
  // Shared mounts copied into the new namespace stay peers of the host's: without this, what we mount
  // below a shared mount would propagate back out.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0) {
    return ErrnoError("make the mounts of the private namespace slaves of the host's (mount --make-rslave /)");
  }
  done = true;
  return Status::Ok();
}

}  // namespace mybuild::cli
