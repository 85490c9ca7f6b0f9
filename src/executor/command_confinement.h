// The command's side of a sandbox, shared by the init of a RUN or container (sandbox_init.cc) and by
// a process joining a running container (`exec`, joined_sandbox.cc): the same confinement in the same
// order up to execve. Runs between clone and execve: no allocation, no locks, system calls only
// (sandbox_init.h).
#ifndef MYBUILD_EXECUTOR_COMMAND_CONFINEMENT_H_
#define MYBUILD_EXECUTOR_COMMAND_CONFINEMENT_H_

#include "src/executor/child_report.h"
#include "src/executor/sandbox_init.h"

namespace mybuild::executor {

// Makes plan.stdin_fd, stdout_fd and stderr_fd the process's 0, 1 and 2 and plan.sync_fd its 3 (then
// the reporter's), closes every other descriptor, sets umask 022.
void RedirectChildFds(const SandboxPlan& plan, ChildReporter& report);

// In order: signals back to their defaults, a new session (with the terminal on stdin as its controlling
// terminal when plan.controlling_terminal), no_new_privs, the default capability bounding set, no
// ambient capabilities, chdir to plan.cwd, groups, gid, uid, the capabilities of the uid, seccomp, every
// descriptor above 2 close-on-exec, then execve of plan.argv searched in plan.search_path. Each failure
// is reported and exits 127.
[[noreturn]] void ConfineAndExec(const SandboxPlan& plan, ChildReporter& report);

}  // namespace mybuild::executor

#endif  // MYBUILD_EXECUTOR_COMMAND_CONFINEMENT_H_
