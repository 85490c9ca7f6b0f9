// The seccomp filter of a RUN step: a deny list in the spirit of Docker's default profile. Everything
// is allowed except calls that reach kernel state no build needs and that capabilities alone do not
// fence off: kernel keyrings, BPF, perf, io_uring, userfaultfd, new user namespaces (clone/unshare with
// CLONE_NEWUSER; clone3 answers ENOSYS so that libc falls back to clone), module loading, reboot,
// clock setting, swap, and the mount API. Denied calls fail with EPERM. The rules cover x86-64, x32
// and i386 entry points so that 32-bit calls cannot go around them.
#ifndef MYBUILD_EXECUTOR_SECCOMP_FILTER_H_
#define MYBUILD_EXECUTOR_SECCOMP_FILTER_H_

#include <linux/filter.h>

#include <vector>

#include "src/base/status.h"

namespace mybuild::executor {

// The filter as a classic BPF program, compiled once per process (thread-safe). The pointer stays
// valid for the life of the process.
StatusOr<const std::vector<sock_filter>*> DefaultSeccompProgram();

}  // namespace mybuild::executor

#endif  // MYBUILD_EXECUTOR_SECCOMP_FILTER_H_
