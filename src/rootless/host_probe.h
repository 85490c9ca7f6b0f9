// What `mybuild info` and `mybuild doctor` look at on the host, behind an interface so that tests can
// describe any host (tests/rootless: a user without a subuid range, user namespaces switched off …).
#ifndef MYBUILD_ROOTLESS_HOST_PROBE_H_
#define MYBUILD_ROOTLESS_HOST_PROBE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mybuild::rootless {

class HostProbe {
 public:
  virtual ~HostProbe() = default;
  // The text of a (small) file such as /etc/subuid or /proc/sys/…; nullopt when absent or unreadable.
  virtual std::optional<std::string> ReadText(const std::string& path) = 0;
  // The names in a directory, sorted; empty when it is absent.
  virtual std::vector<std::string> ListDir(const std::string& path) = 0;
  // True when `name` is an executable file in $PATH.
  virtual bool HasProgram(const std::string& name) = 0;
  // The real uid of the user on the host and the login name ("" when unknown).
  virtual uint32_t HostUid() = 0;
  virtual std::string HostUserName() = 0;
  // uname -r.
  virtual std::string KernelRelease() = 0;
  // "v2" (unified), "v1" or "none": what is mounted on /sys/fs/cgroup.
  virtual std::string CgroupVersion() = 0;
  // Tries to make a user namespace as mybuild does (in a child process); "" on success, else the error.
  virtual std::string TryUserNamespace() = 0;
};

// The probe of this machine, as this process sees it.
std::unique_ptr<HostProbe> NewSystemProbe();

}  // namespace mybuild::rootless

#endif  // MYBUILD_ROOTLESS_HOST_PROBE_H_
