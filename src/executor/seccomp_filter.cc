#include "src/executor/seccomp_filter.h"

#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>

#include "src/base/unique_fd.h"

namespace mybuild::executor {
namespace {

constexpr const char* kDeniedSyscalls[] = {
    "acct",          "add_key",         "bpf",           "clock_adjtime",  "clock_settime",  "create_module",
    "delete_module", "finit_module",    "fsconfig",      "fsmount",        "fsopen",         "fspick",
    "get_kernel_syms", "init_module",   "io_uring_enter", "io_uring_register", "io_uring_setup", "ioperm",
    "iopl",          "kexec_file_load", "kexec_load",    "keyctl",         "lookup_dcookie", "mount",
    "mount_setattr", "move_mount",      "name_to_handle_at", "nfsservctl", "open_by_handle_at", "open_tree",
    "perf_event_open", "pivot_root",    "query_module",  "quotactl",       "quotactl_fd",    "reboot",
    "request_key",   "setns",           "settimeofday",  "stime",          "swapoff",        "swapon",
    "_sysctl",       "syslog",          "umount",        "umount2",        "userfaultfd",    "uselib",
    "ustat",         "vm86",            "vm86old",
};

struct ContextDeleter {
  void operator()(void* context) const { seccomp_release(context); }
};

Status SeccompError(const std::string& what, int result) {
  return Internal("building the seccomp filter: " + what + ": " + std::strerror(-result));
}

StatusOr<std::vector<sock_filter>> Compile() {
  std::unique_ptr<void, ContextDeleter> context(seccomp_init(SCMP_ACT_ALLOW));
  if (!context) return Internal("building the seccomp filter: seccomp_init failed");
  for (uint32_t arch : {uint32_t{SCMP_ARCH_X86_64}, uint32_t{SCMP_ARCH_X86}, uint32_t{SCMP_ARCH_X32}}) {
    if (arch == seccomp_arch_native()) continue;
    int result = seccomp_arch_add(context.get(), arch);
    if (result < 0 && result != -EEXIST) return SeccompError("seccomp_arch_add", result);
  }
  for (const char* name : kDeniedSyscalls) {
    int number = seccomp_syscall_resolve_name(name);
    if (number == __NR_SCMP_ERROR) continue;  // unknown to this libseccomp: nothing to deny
    int result = seccomp_rule_add(context.get(), SCMP_ACT_ERRNO(EPERM), number, 0);
    if (result < 0) return SeccompError(std::string("deny ") + name, result);
  }
  for (const char* name : {"clone", "unshare"}) {
    int number = seccomp_syscall_resolve_name(name);
    int result = seccomp_rule_add(context.get(), SCMP_ACT_ERRNO(EPERM), number, 1,
                                  SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
    if (result < 0) return SeccompError(std::string("restrict ") + name, result);
  }
  // clone3 passes its flags in memory, where a filter cannot look: make libc fall back to clone.
  int clone3 = seccomp_syscall_resolve_name("clone3");
  if (clone3 != __NR_SCMP_ERROR) {
    int result = seccomp_rule_add(context.get(), SCMP_ACT_ERRNO(ENOSYS), clone3, 0);
    if (result < 0) return SeccompError("deny clone3", result);
  }

  UniqueFd memory(memfd_create("mybuild-seccomp", MFD_CLOEXEC));
  if (!memory.valid()) return ErrnoError("memfd_create (seccomp filter)");
  int result = seccomp_export_bpf(context.get(), memory.get());
  if (result < 0) return SeccompError("seccomp_export_bpf", result);
  struct stat st;
  if (fstat(memory.get(), &st) < 0) return ErrnoError("fstat (seccomp filter)");
  if (st.st_size <= 0 || st.st_size % sizeof(sock_filter) != 0) {
    return Internal("building the seccomp filter: exported program has odd size " + std::to_string(st.st_size));
  }
  std::vector<sock_filter> program(static_cast<size_t>(st.st_size) / sizeof(sock_filter));
  if (pread(memory.get(), program.data(), static_cast<size_t>(st.st_size), 0) != st.st_size) {
    return ErrnoError("pread (seccomp filter)");
  }
  return program;
}

}  // namespace

StatusOr<const std::vector<sock_filter>*> DefaultSeccompProgram() {
  static std::once_flag once;
  static StatusOr<std::vector<sock_filter>> program = Internal("not compiled");
  std::call_once(once, [] { program = Compile(); });
  if (!program.ok()) return program.status();
  return &program.value();
}

}  // namespace mybuild::executor
