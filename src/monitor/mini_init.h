// `--init`: the minimal init a container runs as its PID 1 (as docker's tini), this same static program
// bound read-only into the container at /sbin/mybuild-init and started as
//     /sbin/mybuild-init init -- COMMAND [ARG…]
// It starts COMMAND as its child (in a process group of its own, given the terminal when stdin is one),
// forwards every signal it gets to it (SIGCHLD excepted), reaps every process re-parented to it, and
// when COMMAND ends exits with its status (128+N when signal N killed it). A COMMAND that cannot be
// executed: a line on stderr, 127 when it is not found, else 126.
#ifndef MYBUILD_MONITOR_MINI_INIT_H_
#define MYBUILD_MONITOR_MINI_INIT_H_

namespace mybuild::monitor {

// `argv` is COMMAND [ARG…], NULL-terminated.
[[noreturn]] void RunMiniInit(char** argv);

}  // namespace mybuild::monitor

#endif  // MYBUILD_MONITOR_MINI_INIT_H_
