#include "src/executor/sync_protocol.h"

namespace mybuild::executor {

const char* SetupStepName(SetupStep step) {
  switch (step) {
    case SetupStep::kNone: return "none";
    case SetupStep::kRedirectFds: return "redirect stdio";
    case SetupStep::kParentDeathSignal: return "set parent death signal";
    case SetupStep::kPrivateMounts: return "make mounts private";
    case SetupStep::kLoopback: return "bring up loopback";
    case SetupStep::kHostname: return "set hostname";
    case SetupStep::kCloneHostMounts: return "clone host mounts";
    case SetupStep::kBindRootfs: return "bind rootfs";
    case SetupStep::kPivotRoot: return "pivot_root";
    case SetupStep::kMountProc: return "mount /proc";
    case SetupStep::kMountDev: return "mount /dev";
    case SetupStep::kMountSys: return "mount /sys";
    case SetupStep::kMaskPaths: return "mask paths";
    case SetupStep::kMountEtcFiles: return "mount /etc/resolv.conf, /etc/hosts and /etc/hostname";
    case SetupStep::kExtraMounts: return "extra mounts";
    case SetupStep::kWorkdir: return "create working directory";
    case SetupStep::kReadOnlyRoot: return "make the root read-only";
    case SetupStep::kForkCommand: return "fork command";
    case SetupStep::kReap: return "reap";
    case SetupStep::kSession: return "new session";
    case SetupStep::kRlimits: return "resource limits (--ulimit)";
    case SetupStep::kControllingTerminal: return "set controlling terminal";
    case SetupStep::kNoNewPrivs: return "set no_new_privs";
    case SetupStep::kBoundingSet: return "drop bounding set";
    case SetupStep::kAmbientCaps: return "clear ambient capabilities";
    case SetupStep::kChdir: return "change to working directory";
    case SetupStep::kGroups: return "set groups";
    case SetupStep::kGid: return "set gid";
    case SetupStep::kUid: return "set uid";
    case SetupStep::kCapabilities: return "set capabilities";
    case SetupStep::kSeccomp: return "install seccomp filter";
    case SetupStep::kCloseFds: return "close fds";
    case SetupStep::kExec: return "exec";
    case SetupStep::kJoinNamespaces: return "join the container's namespaces";
  }
  return "unknown step";
}

}  // namespace mybuild::executor
