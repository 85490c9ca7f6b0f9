// The mounts a command makes (snapshots mounted for RUN and COPY, overlay diff views, the overlay probe)
// live in a mount namespace of the process's own, so that the kernel tears them down when the process
// ends, however it ends: a build killed with SIGKILL leaves nothing mounted in the host's namespace.
//
// EnterPrivateMountNamespace() unshares the mount namespace and makes every mount in it a slave of the
// host's (mount --make-rslave /): mounts and unmounts made on the host still show here, none made here
// shows there. Only the mount table is private: files written (the store, outputs, --iidfile) land in the
// same file systems as before. Children (the RUN sandbox, runc, git) start in it and make their own.
//
// unshare(2) moves only the calling thread: call it on the main thread before any thread that mounts
// exists (threads started later inherit the namespace). The interrupt watcher's thread, which runs from
// the start of main, stays outside; it never touches the file system. A process without CAP_SYS_ADMIN
// (which cannot mount either) stays where it is. Idempotent.
#ifndef MYBUILD_CLI_MOUNT_NAMESPACE_H_
#define MYBUILD_CLI_MOUNT_NAMESPACE_H_

#include "src/base/status.h"

namespace mybuild::cli {

Status EnterPrivateMountNamespace();

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_MOUNT_NAMESPACE_H_
