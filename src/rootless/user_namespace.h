// Rootless mybuild: an ordinary user's mybuild runs in a user namespace of its own in which the user is
// uid 0 and the user's subordinate ids (/etc/subuid, /etc/subgid; id_map.h) are 1..N. Everything else
// (mount namespaces, overlayfs, the RUN sandbox, chown to any mapped id) then works as for root, within
// what the kernel allows an unprivileged user namespace.
//
// EnterUserNamespace() is called first thing in main, while the process has one thread (unshare(2) with
// CLONE_NEWUSER refuses a multi-threaded process). The process stays the same process (same pid, the
// same terminal and process group); a helper forked before the unshare runs the set-uid programs
// newuidmap/newgidmap on it (only they may map the subordinate ranges), and the process waits for them:
//
//   process                          helper (forked first, still outside)
//   unshare(CLONE_NEWUSER)
//   write 1 byte on the pipe   ──►   read it; newuidmap PID 0 UID 1 1 START COUNT
//                                    newgidmap PID 0 GID 1 1 START COUNT; exit 0 (or the failing status)
//   waitpid(helper)            ◄──
//
// Without a range (or without the helpers) the process maps only 0 to the user itself (it may write its
// own maps then, after "deny" to setgroups) and Identity::warning says that files of other ids cannot be made.
// The environment variable kRootlessEnv=UID:GID marks the namespace for the processes mybuild starts
// (monitors, re-executions): they find themselves uid 0 in a namespace that is not the initial one and
// must not take that for a rootful mybuild.
#ifndef MYBUILD_ROOTLESS_USER_NAMESPACE_H_
#define MYBUILD_ROOTLESS_USER_NAMESPACE_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "src/base/status.h"
#include "src/rootless/id_map.h"

namespace mybuild::rootless {

inline constexpr const char* kRootlessEnv = "_MYBUILD_ROOTLESS";

// Who this mybuild is, decided once by EnterUserNamespace().
struct Identity {
  bool rootless = false;   // an ordinary user's mybuild in its own user namespace
  uint32_t host_uid = 0;   // the user's ids on the host
  uint32_t host_gid = 0;
  std::string user_name;   // from the host's passwd, "" when unknown
  IdMap uid_map;           // this process's maps (/proc/self/uid_map, gid_map)
  IdMap gid_map;
  bool single_id = false;  // no subordinate range: only 0 is mapped
  std::string warning;     // one line for the user (logging is not set up yet when it is made)
  // The owner of the state root as seen from the host before the namespace was entered (ids outside
  // the namespace all read as 65534 inside it), for the "owned by another user" error.
  std::filesystem::path state_root_seen;
  std::optional<uint32_t> state_root_owner;
};

// Enters the user namespace when the process is not root (see above); rootful and already-entered
// processes only record who they are. `state_root` is the root the command will use (its host owner is
// recorded). Call before any thread exists.
Status EnterUserNamespace(const std::filesystem::path& state_root);

// True when `name` is an executable file in one of $PATH's directories.
bool ProgramInPath(const std::string& name);

// The login name of host uid `uid` from the host's passwd file, "" when unknown.
std::string HostUserName(uint32_t uid);

// OK when this process's user owns `state_root` (a directory that exists); otherwise an error naming the
// owner: a rootful and a rootless mybuild must never share a root by accident.
Status CheckStateRootOwner(const std::filesystem::path& state_root);

// Instead of a namespace of its own, joins the user namespace of the process `pid` (a container that an
// earlier rootless mybuild started: `exec` must act in the namespace that owns the container's
// namespaces). The user owns that namespace, so setns(2) gives full capabilities in it. When not root only; call before any thread exists.
Status JoinUserNamespaceOf(int pid);

// What EnterUserNamespace() recorded; a rootful identity before it ran.
const Identity& CurrentIdentity();

// The state root by default: /var/lib/mybuild for root, else $XDG_DATA_HOME/mybuild, else
// ~/.local/share/mybuild.
std::filesystem::path DefaultStateRoot();

// $XDG_RUNTIME_DIR/mybuild (rootful: /run/mybuild), else a private /tmp/mybuild-run-UID; created 0700
// and refused when another user owns it.
StatusOr<std::filesystem::path> RuntimeDir();

}  // namespace mybuild::rootless

#endif  // MYBUILD_ROOTLESS_USER_NAMESPACE_H_
