// Real sandboxes over a busybox rootfs. Every case needs root and namespaces and says "skipped" otherwise.
#include "src/executor/namespace_executor.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "tests/executor/sandbox_test_support.h"
#include "tests/test_support.h"

namespace mybuild::executor {
namespace {

using testing::BusyboxRootfs;
using testing::HostMountsUnder;
using testing::ReadText;
using testing::SandboxUnavailable;

#define REQUIRE_SANDBOX()                                  \
  do {                                                     \
    if (auto why = SandboxUnavailable()) MYBUILD_SKIP(*why); \
  } while (0)

ExecSpec Shell(const std::filesystem::path& rootfs, const std::string& script) {
  ExecSpec spec;
  spec.rootfs = rootfs;
  spec.args = {"/bin/sh", "-c", script};
  return spec;
}

// The names in a directory (unsorted: the tests compare against a single entry).
std::vector<std::string> EntriesOf(const std::filesystem::path& dir) {
  std::vector<std::string> entries;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) entries.push_back(entry.path().filename().string());
  return entries;
}

Mount BindMount(const std::filesystem::path& source, const std::string& target, bool read_only) {
  Mount mount;
  mount.type = Mount::Type::kBind;
  mount.source = source;
  mount.target = target;
  mount.read_only = read_only;
  return mount;
}

Mount TmpfsMount(const std::string& target, uint64_t size_bytes) {
  Mount mount;
  mount.type = Mount::Type::kTmpfs;
  mount.target = target;
  mount.tmpfs_size_bytes = size_bytes;
  return mount;
}

Mount FileMount(const std::string& target, const std::string& contents) {
  Mount mount;
  mount.type = Mount::Type::kFile;
  mount.target = target;
  mount.contents = contents;
  return mount;
}

struct Run {
  StatusOr<ExecResult> result = Internal("not run");
  CollectingSink sink;
};

std::unique_ptr<Run> RunSpec(const ExecSpec& spec, const std::filesystem::path& state_dir = {}) {
  auto run = std::make_unique<Run>();
  NamespaceExecutor executor(state_dir);
  CancelToken cancel;
  run->result = executor.Run(spec, run->sink, cancel);
  return run;
}

std::vector<std::string> Words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

std::string StatusLine(const std::string& status, const std::string& key) {
  std::istringstream in(status);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + ":", 0) == 0) {
      std::string value = line.substr(key.size() + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      return value;
    }
  }
  return "<missing " + key + ">";
}

TEST_CASE("stdout and stderr are captured line by line") {
  REQUIRE_SANDBOX();
  auto rootfs = BusyboxRootfs::Create();
  REQUIRE(rootfs);
  std::string mounts_before = HostMountsUnder(rootfs->path());
  auto run = RunSpec(Shell(rootfs->path(), "echo hello; echo oops >&2; printf 'no newline'"));
  REQUIRE_MESSAGE(run->result.ok(), run->result.status().ToString());
  CHECK(run->result->success());
  CHECK(run->sink.Text(OutputStream::kStdout) == "hello\nno newline\n");
  CHECK(run->sink.Text(OutputStream::kStderr) == "oops\n");
  CHECK(HostMountsUnder(rootfs->path()) == mounts_before);
}

TEST_CASE("exit codes and deaths by signal are results") {
  REQUIRE_SANDBOX();
  auto rootfs = BusyboxRootfs::Create();
  REQUIRE(rootfs);
  auto exit3 = RunSpec(Shell(rootfs->path(), "exit 3"));
  REQUIRE_MESSAGE(exit3->result.ok(), exit3->result.status().ToString());
  CHECK(exit3->result->exit_code == 3);
  CHECK(exit3->result->signal == 0);

  auto killed = RunSpec(Shell(rootfs->path(), "kill -KILL $$"));
  REQUIRE_MESSAGE(killed->result.ok(), killed->result.status().ToString());
  CHECK(killed->result->signal == SIGKILL);
  CHECK(!killed->result->success());
}

TEST_CASE("a missing command is an error naming it") {
  REQUIRE_SANDBOX();
  auto rootfs = BusyboxRootfs::Create();
  REQUIRE(rootfs);
  ExecSpec spec;
  spec.rootfs = rootfs->path();
  spec.args = {"no-such-command"};
  auto run = RunSpec(spec);
  REQUIRE(!run->result.ok());
  CHECK(run->result.status().code() == StatusCode::kNotFound);
  CHECK(run->result.status().message().find("no-such-command") != std::string::npos);
}

TEST_CASE("env, PATH default, cwd and hostname are honoured") {
  REQUIRE_SANDBOX();
  auto rootfs = BusyboxRootfs::Create();
  REQUIRE(rootfs);
  ExecSpec spec = Shell(rootfs->path(), "echo \"$FOO\"; echo \"$PATH\"; pwd; hostname; cat /etc/hostname");
  spec.env = {"FOO=bar baz"};
  spec.cwd = "/work/dir";
  spec.hostname = "step-host";
  auto run = RunSpec(spec);
  REQUIRE_MESSAGE(run->result.ok(), run->result.status().ToString());
  CHECK(run->sink.Text(OutputStream::kStdout) ==
        std::string("bar baz\n") + kDefaultPath + "\n/work/dir\nstep-host\nstep-host\n");
  CHECK_FALSE(std::filesystem::exists(rootfs->path() / "etc/hostname"));  // provided for the step only
  CHECK(std::filesystem::is_directory(rootfs->path() / "work/dir"));

  // execvp semantics: argv[0] is searched in the container's PATH, not ours.
  std::filesystem::create_directories(rootfs->path() / "opt/tools");
  {
    std::ofstream(rootfs->path() / "opt/tools/mytool") << "#!/bin/sh\necho found\n";
  }
  std::filesystem::permissions(rootfs->path() / "opt/tools/mytool", std::filesystem::perms(0755));
  ExecSpec search;
  search.rootfs = rootfs->path();
  search.args = {"mytool"};
  search.env = {"PATH=/nowhere:/opt/tools"};
  auto found = RunSpec(search);
  REQUIRE_MESSAGE(found->result.ok(), found->result.status().ToString());
  CHECK(found->sink.Text(OutputStream::kStdout) == "found\n");
}

TEST_CASE("uid, gid and supplementary groups include the primary gid") {
  REQUIRE_SANDBOX();
  auto rootfs = BusyboxRootfs::Create();
  REQUIRE(rootfs);
  ExecSpec spec = Shell(rootfs->path(), "id -u; id -g; id -G; cat /proc/self/status");
  spec.uid = 1000;
  spec.gid = 1000;
  spec.additional_gids = {10, 20};
  auto run = RunSpec(spec);
  REQUIRE_MESSAGE(run->result.ok(), run->result.status().ToString());
  std::string out = run->sink.Text(OutputStream::kStdout);
  auto words = Words(out.substr(0, out.find("Name:")));
  REQUIRE(words.size() >= 5);
  CHECK(words[0] == "1000");
  CHECK(words[1] == "1000");
  std::set<std::string> groups(words.begin() + 2, words.begin() + 5);
  CHECK(groups == std::set<std::string>{"1000", "10", "20"});
  CHECK(StatusLine(out, "CapEff") == "0000000000000000");
  CHECK(StatusLine(out, "CapPrm") == "0000000000000000");
  CHECK(StatusLine(out, "CapBnd") == "00000000a80425fb");
}

TEST_CASE("capabilities, no_new_privs and fds are the baseline") {
  REQUIRE_SANDBOX();
  auto rootfs = BusyboxRootfs::Create();
  REQUIRE(rootfs);
  ExecSpec status_spec;
  status_spec.rootfs = rootfs->path();
  status_spec.args = {"cat", "/proc/self/status"};
  auto run = RunSpec(status_spec);
  REQUIRE_MESSAGE(run->result.ok(), run->result.status().ToString());
  std::string status = run->sink.Text(OutputStream::kStdout);
  CHECK(StatusLine(status, "CapBnd") == "00000000a80425fb");
  CHECK(StatusLine(status, "CapEff") == "00000000a80425fb");
  CHECK(StatusLine(status, "CapPrm") == "00000000a80425fb");
  CHECK(StatusLine(status, "CapInh") == "0000000000000000");
  CHECK(StatusLine(status, "CapAmb") == "0000000000000000");
  CHECK(StatusLine(status, "NoNewPrivs") == "1");

  // `ls` itself holds fd 3 for the directory it lists; nothing else may be open.
  ExecSpec fd_spec;
  fd_spec.rootfs = rootfs->path();
  fd_spec.args = {"ls", "/proc/self/fd"};
  auto fds = RunSpec(fd_spec);
  REQUIRE_MESSAGE(fds->result.ok(), fds->result.status().ToString());
  CHECK(Words(fds->sink.Text(OutputStream::kStdout)) == std::vector<std::string>{"0", "1", "2", "3"});
}

TEST_CASE("seccomp is on and refuses new user namespaces") {
  REQUIRE_SANDBOX();
  auto rootfs = BusyboxRootfs::Create();
  REQUIRE(rootfs);
  ExecSpec spec = Shell(rootfs->path(),
                        "grep '^Seccomp:' /proc/self/status; if unshare -U true 2>/dev/null; then echo userns; fi; "
                        "if unshare -m true 2>/dev/null; then echo mountns; fi; echo done");
  auto run = RunSpec(spec);
  REQUIRE_MESSAGE(run->result.ok(), run->result.status().ToString());
  CHECK(Words(run->sink.Text(OutputStream::kStdout)) == std::vector<std::string>{"Seccomp:", "2", "done"});

  spec.seccomp = false;
  auto insecure = RunSpec(spec);
  REQUIRE_MESSAGE(insecure->result.ok(), insecure->result.status().ToString());
  CHECK(Words(insecure->sink.Text(OutputStream::kStdout)).at(1) == "0");
}

TEST_CASE("PID 1 is our init and it reaps orphans") {
  REQUIRE_SANDBOX();
  auto rootfs = BusyboxRootfs::Create();
  REQUIRE(rootfs);
  // The orphan `true` is re-parented to PID 1 when its subshell exits; it must not stay a zombie. The
  // loop is bounded by iterations, not time: it ends as soon as no zombie is left.
  auto run = RunSpec(Shell(rootfs->path(),
                           "echo pid=$$; tr '\\0' ' ' </proc/1/cmdline; echo; (true &); "
                           "if cat /proc/1/environ >/dev/null 2>&1; then echo init-readable; fi; "
                           "i=0; while [ $i -lt 200 ]; do "
                           "  if ! grep -q '^State:.*Z' /proc/[0-9]*/status 2>/dev/null; then echo reaped; exit 0; fi; "
                           "  i=$((i+1)); usleep 10000; done; echo zombie"));
  REQUIRE_MESSAGE(run->result.ok(), run->result.status().ToString());
  std::string out = run->sink.Text(OutputStream::kStdout);
  CHECK(out.find("pid=2\n") == 0);
  CHECK(out.find("executor_tests") != std::string::npos);
  CHECK(out.find("reaped") != std::string::npos);
  CHECK(out.find("init-readable") == std::string::npos);
}

TEST_CASE("/dev has only the standard nodes and the rootfs is nodev") {
  REQUIRE_SANDBOX();
  auto rootfs = BusyboxRootfs::Create();
  REQUIRE(rootfs);
  auto run = RunSpec(Shell(rootfs->path(),
                           "ls -A /dev; echo ---; awk '$5 == \"/\" {print $6}' /proc/self/mountinfo; "
                           "echo x > /dev/null && head -c 4 /dev/zero | wc -c; mount | grep -c devpts"));
  REQUIRE_MESSAGE(run->result.ok(), run->result.status().ToString());
  std::string out = run->sink.Text(OutputStream::kStdout);
  std::string dev = out.substr(0, out.find("---"));
  CHECK(Words(dev) == std::vector<std::string>{"fd", "full", "null", "ptmx", "pts", "random", "shm", "stderr",
                                               "stdin", "stdout", "tty", "urandom", "zero"});
  auto rest = Words(out.substr(out.find("---") + 3));
  REQUIRE(rest.size() == 3);
  CHECK(rest[0].find("nodev") != std::string::npos);
  CHECK(rest[1] == "4");
  CHECK(rest[2] == "1");
}

TEST_CASE("network none has only a loopback that is up") {
  REQUIRE_SANDBOX();
  auto rootfs = BusyboxRootfs::Create();
  REQUIRE(rootfs);
  ExecSpec spec = Shell(rootfs->path(), "ls /sys/class/net; cat /sys/class/net/lo/flags; tail -n +3 /proc/net/dev | cut -d: -f1");
  spec.network = ExecSpec::Network::kNone;
  auto run = RunSpec(spec);
  REQUIRE_MESSAGE(run->result.ok(), run->result.status().ToString());
  auto words = Words(run->sink.Text(OutputStream::kStdout));
  REQUIRE(words.size() == 3);
  CHECK(words[0] == "lo");
  CHECK((std::stoi(words[1], nullptr, 16) & 1) == 1);  // IFF_UP
  CHECK(words[2] == "lo");
}

TEST_CASE("/proc/sys and /sys are read-only and /proc/interrupts is masked") {
  REQUIRE_SANDBOX();
  auto rootfs = BusyboxRootfs::Create();
  REQUIRE(rootfs);
  if (!std::filesystem::exists("/proc/interrupts")) MYBUILD_SKIP("this kernel has no /proc/interrupts");
  auto run = RunSpec(Shell(rootfs->path(),
                           "if { echo 1 > /proc/sys/kernel/ns_last_pid; } 2>/dev/null; then echo proc-writable; fi; "
                           "wc -c < /proc/interrupts; if touch /sys/x 2>/dev/null; then echo sys-writable; fi"));
  REQUIRE_MESSAGE(run->result.ok(), run->result.status().ToString());
  CHECK(run->sink.AllText() == "0\n");
}

TEST_CASE("cancellation kills the whole sandbox and leaves no mounts") {
  REQUIRE_SANDBOX();
  auto rootfs = BusyboxRootfs::Create();
  REQUIRE(rootfs);
  std::string mounts_before = HostMountsUnder(rootfs->path());
  NamespaceExecutor executor;
  CancelToken cancel;
  // Cancels as soon as the first line arrives: this also shows that output streams before exit.
  FunctionSink sink([&](OutputStream, std::string_view line) {
    if (line == "started") cancel.Cancel();
  });
  auto result = executor.Run(Shell(rootfs->path(), "sleep 1000 & echo started; exec sleep 1000"), sink, cancel);
  CHECK(result.status().code() == StatusCode::kCancelled);
  CHECK(HostMountsUnder(rootfs->path()) == mounts_before);

  ExecSpec timed = Shell(rootfs->path(), "exec sleep 1000");
  timed.timeout = std::chrono::milliseconds(100);
  CancelToken fresh;
  CollectingSink ignored;
  auto timed_result = executor.Run(timed, ignored, fresh);
  CHECK(timed_result.status().code() == StatusCode::kResourceExhausted);
  CHECK(HostMountsUnder(rootfs->path()) == mounts_before);
}

// Finds a process whose command line contains `marker` (arguments joined by spaces).
bool ProcessWithArgumentExists(const std::string& marker) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = ReadText(entry.path() / "cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find(marker) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("a sandbox dies with the process that started it") {
  REQUIRE_SANDBOX();
  auto rootfs = BusyboxRootfs::Create();
  REQUIRE(rootfs);
  const std::string marker = "1000." + std::to_string(getpid());
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  pid_t builder = fork();
  REQUIRE(builder >= 0);
  if (builder == 0) {
    close(ready[0]);
    NamespaceExecutor executor;
    CancelToken cancel;
    FunctionSink sink([&](OutputStream, std::string_view line) {
      if (line == "started") (void)!write(ready[1], "x", 1);
    });
    (void)executor.Run(Shell(rootfs->path(), "echo started; exec sleep " + marker), sink, cancel);
    _exit(0);
  }
  close(ready[1]);
  char byte;
  REQUIRE(read(ready[0], &byte, 1) == 1);
  close(ready[0]);
  CHECK(ProcessWithArgumentExists("sleep " + marker));
  kill(builder, SIGKILL);
  waitpid(builder, nullptr, 0);
  // PDEATHSIG is delivered at once; give the kernel a bounded number of looks at /proc.
  bool gone = false;
  for (int i = 0; i < 500 && !gone; ++i) {
    gone = !ProcessWithArgumentExists("sleep " + marker);
    if (!gone) usleep(10000);
  }
  CHECK(gone);
}

TEST_CASE("steps run concurrently from several threads") {
  REQUIRE_SANDBOX();
  auto rootfs = BusyboxRootfs::Create();
  REQUIRE(rootfs);
  // Steps never share a writable rootfs in a build; here they do, so no stubs may come and go under them.
  for (const char* dir : {"proc", "dev", "sys", "etc"}) std::filesystem::create_directory(rootfs->path() / dir);
  std::ofstream(rootfs->path() / "etc/hostname") << "image\n";
  NamespaceExecutor executor;
  std::vector<std::string> outputs(8);
  std::vector<std::string> errors(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 5; ++round) {
        CollectingSink sink;
        CancelToken cancel;
        auto result = executor.Run(Shell(rootfs->path(), "echo step" + std::to_string(i)), sink, cancel);
        if (!result.ok()) errors[i] = result.status().ToString();
        outputs[i] += sink.Text(OutputStream::kStdout);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < 8; ++i) {
    CHECK_MESSAGE(errors[i].empty(), errors[i]);
    std::string expected;
    for (int round = 0; round < 5; ++round) expected += "step" + std::to_string(i) + "\n";
    CHECK(outputs[i] == expected);
  }
}

TEST_CASE("a symlinked WORKDIR resolves inside the rootfs, never on the host") {
  REQUIRE_SANDBOX();
  auto rootfs = BusyboxRootfs::Create();
  REQUIRE(rootfs);
  auto outside = TempDir::Create({}, "mybuild-exec-outside-");
  REQUIRE(outside.ok());
  std::filesystem::create_symlink(outside->path(), rootfs->path() / "wd");
  std::filesystem::create_symlink("/etc", rootfs->path() / "etclink");
  ExecSpec spec = Shell(rootfs->path(), "pwd");
  spec.cwd = "/wd/sub";
  auto run = RunSpec(spec);
  REQUIRE_MESSAGE(run->result.ok(), run->result.status().ToString());
  CHECK(!std::filesystem::exists(outside->path() / "sub"));
  CHECK(std::filesystem::is_directory(rootfs->path() / outside->path().relative_path() / "sub"));

  spec.cwd = "/etclink/mybuild-must-not-exist";
  auto etc_run = RunSpec(spec);
  REQUIRE_MESSAGE(etc_run->result.ok(), etc_run->result.status().ToString());
  CHECK(!std::filesystem::exists("/etc/mybuild-must-not-exist"));
  CHECK(std::filesystem::is_directory(rootfs->path() / "etc/mybuild-must-not-exist"));
}

TEST_CASE("resolv.conf, hosts and extra mounts are mounted and their stubs removed") {
  REQUIRE_SANDBOX();
  auto rootfs = BusyboxRootfs::Create();
  REQUIRE(rootfs);
  auto cache = TempDir::Create({}, "mybuild-exec-cache-");
  REQUIRE(cache.ok());
  auto source = TempDir::Create({}, "mybuild-exec-src-");
  REQUIRE(source.ok());
  {
    std::ofstream(source->path() / "input") << "from host\n";
  }
  ExecSpec spec = Shell(rootfs->path(),
                        "cat /etc/resolv.conf /etc/hosts /src/input; echo cached > /cache/out; "
                        "if echo x > /src/input 2>/dev/null; then echo src-writable; fi; "
                        "if echo x > /etc/hosts 2>/dev/null; then echo hosts-writable; fi; "
                        "echo t > /scratch/file && echo tmpfs-ok");
  spec.resolv_conf = "nameserver 192.0.2.1\n";
  spec.hosts = "127.0.0.1 localhost\n";
  spec.extra_mounts = {
      BindMount(cache->path(), "/cache", false),
      BindMount(source->path(), "/src", true),
      TmpfsMount("/scratch/", 1 << 20),
  };
  auto run = RunSpec(spec);
  REQUIRE_MESSAGE(run->result.ok(), run->result.status().ToString());
  CHECK(run->sink.Text(OutputStream::kStdout) ==
        "nameserver 192.0.2.1\n127.0.0.1 localhost\nfrom host\ntmpfs-ok\n");
  CHECK(ReadText(cache->path() / "out") == "cached\n");
  CHECK(ReadText(source->path() / "input") == "from host\n");
  CHECK(run->result->mount_targets ==
        std::vector<std::string>{"/cache", "/dev", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/proc", "/scratch", "/src",
                                 "/sys"});
  // The rootfs had only /bin: every stub the step created is gone again.
  CHECK(EntriesOf(rootfs->path()) == std::vector<std::string>{"bin"});
}

TEST_CASE("a file mount (secret) has its mode and owner, is read-only, and leaves nothing behind") {
  REQUIRE_SANDBOX();
  auto rootfs = BusyboxRootfs::Create();
  REQUIRE(rootfs);
  auto state = TempDir::Create({}, "mybuild-exec-state-");
  REQUIRE(state.ok());
  const std::string host_mounts = HostMountsUnder(state->path());
  ExecSpec spec = Shell(rootfs->path(),
                        "cat /run/secrets/tok; echo; stat -c '%a %u:%g' /run/secrets/tok /deep/er/key; "
                        "cat /deep/er/key; echo; "
                        "if echo x > /run/secrets/tok 2>/dev/null; then echo secret-writable; fi; "
                        "grep -c ' /run/secrets/tok ' /proc/self/mountinfo");
  Mount secret = FileMount("/run/secrets/tok", "s3cr3t");
  Mount key = FileMount("/deep/er/key", std::string("a\0b", 3));
  key.file_mode = 0440;
  key.file_uid = 1000;
  key.file_gid = 50;
  spec.extra_mounts = {secret, key};
  auto run = RunSpec(spec, state->path());
  const StatusOr<ExecResult>& result = run->result;
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  CHECK(result->exit_code == 0);
  CHECK(run->sink.Text(OutputStream::kStdout) ==
        "s3cr3t\n400 0:0\n440 1000:50\n" + std::string("a\0b", 3) + "\n1\n");
  CHECK(run->sink.Text(OutputStream::kStderr).find("/run/secrets/tok: Read-only file system") != std::string::npos);
  // Every stub is gone (the rootfs had only /bin), the host never saw the tmpfs, no state is left.
  CHECK(EntriesOf(rootfs->path()) == std::vector<std::string>{"bin"});
  CHECK(HostMountsUnder(state->path()) == host_mounts);
  CHECK(std::filesystem::is_empty(state->path()));
  CHECK(std::find(result->mount_targets.begin(), result->mount_targets.end(), "/run/secrets/tok") !=
        result->mount_targets.end());
}

TEST_CASE("a bad file mount is refused before anything starts") {
  auto rootfs = TempDir::Create({}, "mybuild-exec-bad-");
  REQUIRE(rootfs.ok());
  ExecSpec spec = Shell(rootfs->path(), "true");
  Mount big = FileMount("/run/secrets/big", std::string(kMaxFileMountBytes + 1, 'x'));
  spec.extra_mounts = {big};
  CHECK(ValidateExecSpec(spec).code() == StatusCode::kInvalidArgument);
  Mount mode = FileMount("/run/secrets/m", "x");
  mode.file_mode = 010000;
  spec.extra_mounts = {mode};
  CHECK(ValidateExecSpec(spec).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a stub the command wrote into is kept") {
  REQUIRE_SANDBOX();
  auto rootfs = BusyboxRootfs::Create();
  REQUIRE(rootfs);
  ExecSpec spec = Shell(rootfs->path(), "echo keep > /etc/motd");
  spec.hosts = "127.0.0.1 localhost\n";
  auto run = RunSpec(spec);
  REQUIRE_MESSAGE(run->result.ok(), run->result.status().ToString());
  CHECK(ReadText(rootfs->path() / "etc/motd") == "keep\n");
  CHECK(!std::filesystem::exists(rootfs->path() / "etc/hosts"));
  CHECK(!std::filesystem::exists(rootfs->path() / "proc"));
}

// An overlay mount on the host, unmounted on destruction.
class ScopedOverlay {
 public:
  ScopedOverlay(const std::filesystem::path& lower, const std::filesystem::path& base) : base_(base) {
    for (const char* dir : {"upper", "work", "merged"}) std::filesystem::create_directory(base / dir);
    std::string options = "lowerdir=" + lower.string() + ",upperdir=" + (base / "upper").string() +
                          ",workdir=" + (base / "work").string();
    mounted_ = ::mount("overlay", merged().c_str(), "overlay", 0, options.c_str()) == 0;
  }
  ~ScopedOverlay() {
    if (mounted_) ::umount2(merged().c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  std::filesystem::path merged() const { return base_ / "merged"; }
  std::filesystem::path upper() const { return base_ / "upper"; }

 private:
  std::filesystem::path base_;
  bool mounted_ = false;
};

TEST_CASE("an overlay rootfs gets only the command's changes in its upper layer") {
  REQUIRE_SANDBOX();
  auto lower = BusyboxRootfs::Create();
  REQUIRE(lower);
  auto base = TempDir::Create({}, "mybuild-exec-overlay-");
  REQUIRE(base.ok());
  std::string mounts_before = HostMountsUnder(base->path());
  {
    ScopedOverlay overlay(lower->path(), base->path());
    if (!overlay.mounted()) MYBUILD_SKIP("overlayfs cannot be mounted here");
    ExecSpec spec = Shell(overlay.merged(), "echo data > /out; ls /dev/null /proc/self/status >/dev/null && echo ok");
    spec.hosts = "127.0.0.1 localhost\n";
    spec.cwd = "/";
    auto run = RunSpec(spec);
    REQUIRE_MESSAGE(run->result.ok(), run->result.status().ToString());
    CHECK(run->sink.Text(OutputStream::kStdout) == "ok\n");
    std::vector<std::string> upper;
    for (const auto& entry : std::filesystem::directory_iterator(overlay.upper())) {
      upper.push_back(entry.path().filename().string());
    }
    CHECK(upper == std::vector<std::string>{"out"});
  }
  CHECK(HostMountsUnder(base->path()) == mounts_before);
}

TEST_CASE("bad specs are refused before anything starts") {
  auto rootfs = BusyboxRootfs::Create();
  if (!rootfs) MYBUILD_SKIP("no /bin/busybox");
  ExecSpec spec = Shell(rootfs->path(), "true");
  CHECK(ValidateExecSpec(spec).ok());
  ExecSpec bad = spec;
  bad.uid = 0xffffffffu;
  CHECK(ValidateExecSpec(bad).code() == StatusCode::kInvalidArgument);
  bad = spec;
  bad.cwd = "relative";
  CHECK(ValidateExecSpec(bad).code() == StatusCode::kInvalidArgument);
  bad = spec;
  bad.args = {};
  CHECK(ValidateExecSpec(bad).code() == StatusCode::kInvalidArgument);
  bad = spec;
  bad.env = {"NOEQUALS"};
  CHECK(ValidateExecSpec(bad).code() == StatusCode::kInvalidArgument);
  bad = spec;
  bad.extra_mounts = {TmpfsMount("/a/../../b", 0)};
  CHECK(ValidateExecSpec(bad).code() == StatusCode::kInvalidArgument);
  bad = spec;
  bad.rootfs = rootfs->path() / "missing";
  CHECK(ValidateExecSpec(bad).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("timing of 50 runs of true") {
  REQUIRE_SANDBOX();
  auto rootfs = BusyboxRootfs::Create();
  REQUIRE(rootfs);
  // As in real images, the mount targets exist (creating and removing stubs costs a few ms).
  for (const char* dir : {"proc", "dev", "sys"}) std::filesystem::create_directory(rootfs->path() / dir);
  NamespaceExecutor executor;
  for (auto network : {ExecSpec::Network::kHost, ExecSpec::Network::kNone}) {
    ExecSpec spec;
    spec.rootfs = rootfs->path();
    spec.args = {"true"};
    spec.network = network;
    std::vector<double> millis;
    for (int i = 0; i < 50; ++i) {
      CollectingSink sink;
      CancelToken cancel;
      auto start = std::chrono::steady_clock::now();
      auto result = executor.Run(spec, sink, cancel);
      millis.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      REQUIRE_MESSAGE(result.ok(), result.status().ToString());
      REQUIRE(result->success());
    }
    std::sort(millis.begin(), millis.end());
    MESSAGE("median ms per RUN of `true` (network " << (network == ExecSpec::Network::kHost ? "host" : "none")
                                                    << "): " << millis[millis.size() / 2] << " (min "
                                                    << millis.front() << ", max " << millis.back() << ")");
  }
}

}  // namespace
}  // namespace mybuild::executor
