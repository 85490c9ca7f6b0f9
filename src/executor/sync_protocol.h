// The messages the sandbox sends to the parent over the sync pipe (child → parent only; the parent has
// nothing to tell the child). Each message is one fixed-size ChildMessage written with a single write(),
// smaller than PIPE_BUF, so it arrives whole.
//
//   type       sent by               when                                  fields used
//   ---------  --------------------  ------------------------------------  -------------------------------
//   kCreated   init (sandbox PID 1)  it created a mount target stub         path (container path)
//   kError     init or command proc  a setup step failed; the sender exits  step, syscall, err, path
//   kExited    init                  the command process ended              wait_status (as from waitpid)
//
// The pipe reaches end of file when init has exited and the command has exec'd or exited (the command's
// copy is close-on-exec). A kError means the command never ran: the parent reports it as an error.
#ifndef MYBUILD_EXECUTOR_SYNC_PROTOCOL_H_
#define MYBUILD_EXECUTOR_SYNC_PROTOCOL_H_

#include <limits.h>

#include <cstdint>

namespace mybuild::executor {

enum class MessageType : uint32_t { kCreated = 1, kError = 2, kExited = 3 };

// The named steps of the sandbox setup, in the order they run (see sandbox_init.cc).
enum class SetupStep : int32_t {
  kNone = 0,
  kRedirectFds,
  kParentDeathSignal,
  kPrivateMounts,
  kLoopback,
  kHostname,
  kCloneHostMounts,
  kBindRootfs,
  kPivotRoot,
  kMountProc,
  kMountDev,
  kMountSys,
  kMaskPaths,
  kMountEtcFiles,
  kExtraMounts,
  kWorkdir,
  kReadOnlyRoot,
  kForkCommand,
  kReap,
  kSession,
  kRlimits,
  kControllingTerminal,
  kNoNewPrivs,
  kBoundingSet,
  kAmbientCaps,
  kChdir,
  kGroups,
  kGid,
  kUid,
  kCapabilities,
  kSeccomp,
  kCloseFds,
  kExec,
  kJoinNamespaces,  // exec into a running container: setns(2) into its namespaces
};

const char* SetupStepName(SetupStep step);

inline constexpr int kMessagePathSize = 2048;
inline constexpr int kMessageSyscallSize = 32;

struct ChildMessage {
  MessageType type;
  SetupStep step;
  int32_t err;          // errno of the failed call
  int32_t wait_status;  // kExited
  char syscall[kMessageSyscallSize];
  char path[kMessagePathSize];
};

// The `syscall` of a kError when a kernel file system's mount target (/proc, /sys) is not an ordinary
// directory in the image (err is ENOTDIR).
inline constexpr char kNotADirectoryTarget[] = "mount target check";

static_assert(sizeof(ChildMessage) <= PIPE_BUF, "a message must be written atomically");

}  // namespace mybuild::executor

#endif  // MYBUILD_EXECUTOR_SYNC_PROTOCOL_H_
