#include "src/rootless/doctor.h"

#include <doctest/doctest.h>

#include <map>
#include <set>

namespace mybuild::rootless {
namespace {

// A host described by its files; by default a well set-up Debian machine with user alice.
class FakeProbe : public HostProbe {
 public:
  FakeProbe() {
    files["/etc/subuid"] = "alice:100000:65536\n";
    files["/etc/subgid"] = "alice:100000:65536\n";
    files["/proc/sys/user/max_user_namespaces"] = "63000\n";
    files["/proc/self/status"] = "Name:\tmybuild\nSeccomp:\t0\n";
    files["/proc/sys/fs/binfmt_misc/qemu-aarch64"] = "enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64\nflags: F\n";
    files["/proc/sys/fs/binfmt_misc/python3"] = "disabled\ninterpreter /usr/bin/python3\n";
  }
  std::optional<std::string> ReadText(const std::string& path) override {
    auto it = files.find(path);
    if (it == files.end()) return std::nullopt;
    return it->second;
  }
  std::vector<std::string> ListDir(const std::string& path) override {
    std::vector<std::string> names;
    for (const auto& [file, text] : files) {
      if (file.rfind(path + "/", 0) == 0) names.push_back(file.substr(path.size() + 1));
    }
    return names;
  }
  bool HasProgram(const std::string& name) override { return programs.count(name) != 0; }
  uint32_t HostUid() override { return uid; }
  std::string HostUserName() override { return user; }
  std::string KernelRelease() override { return kernel; }
  std::string CgroupVersion() override { return cgroup; }
  std::string TryUserNamespace() override { return userns_error; }

  std::map<std::string, std::string> files;
  std::set<std::string> programs = {"newuidmap", "newgidmap"};
  uint32_t uid = 1000;
  std::string user = "alice";
  std::string kernel = "6.1.0-13-amd64";
  std::string cgroup = "v2";
  std::string userns_error;
};

bool HasBlocker(const std::vector<Finding>& findings) {
  for (const Finding& f : findings) {
    if (f.severity == Severity::kBlocker) return true;
  }
  return false;
}

std::string AllText(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& f : findings) out += f.problem + " | " + f.fix + "\n";
  return out;
}

TEST_CASE("doctor: a well set-up host has nothing to say") {
  FakeProbe probe;
  HostFacts facts = GatherFacts(probe);
  CHECK(facts.subuid == IdRange{100000, 65536});
  CHECK(facts.seccomp);
  REQUIRE(facts.binfmt.size() == 1);
  CHECK(facts.binfmt[0].first == "qemu-aarch64");
  CHECK(facts.binfmt[0].second == "/usr/libexec/qemu-binfmt/aarch64");
  CHECK(facts.kernel_major == 6);
  CHECK(Diagnose(facts).empty());
}

TEST_CASE("doctor: no subuid range is a warning with the usermod line") {
  FakeProbe probe;
  probe.files["/etc/subuid"] = "bob:100000:65536\n";
  std::vector<Finding> findings = Diagnose(GatherFacts(probe));
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == Severity::kWarning);
  CHECK(findings[0].problem.find("no subordinate uid range for alice in /etc/subuid") != std::string::npos);
  CHECK(findings[0].fix == "usermod --add-subuids 100000-165535 --add-subgids 100000-165535 alice (as root)");
}

TEST_CASE("doctor: user.max_user_namespaces=0 is a blocker naming the sysctl") {
  FakeProbe probe;
  probe.files["/proc/sys/user/max_user_namespaces"] = "0\n";
  probe.userns_error = "unshare(CLONE_NEWUSER): No space left on device";
  probe.files.erase("/etc/subuid");
  std::vector<Finding> findings = Diagnose(GatherFacts(probe));
  CHECK(HasBlocker(findings));
  REQUIRE(findings.size() == 2);  // the sysctl explains the failed trial: no second blocker for it
  CHECK(findings[0].problem == "user namespaces are switched off (user.max_user_namespaces=0)");
  CHECK(findings[0].fix.rfind("sysctl -w user.max_user_namespaces=", 0) == 0);
  CHECK(findings[1].problem.find("no subordinate uid range") != std::string::npos);
}

TEST_CASE("doctor: AppArmor's restriction of unprivileged user namespaces is a blocker") {
  FakeProbe probe;
  probe.files["/proc/sys/kernel/apparmor_restrict_unprivileged_userns"] = "1\n";
  std::vector<Finding> findings = Diagnose(GatherFacts(probe));
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == Severity::kBlocker);
  CHECK(AllText(findings).find("sysctl -w kernel.apparmor_restrict_unprivileged_userns=0") != std::string::npos);
}

TEST_CASE("doctor: no newuidmap says to install uidmap") {
  FakeProbe probe;
  probe.programs = {"newgidmap"};
  std::vector<Finding> findings = Diagnose(GatherFacts(probe));
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == Severity::kWarning);
  CHECK(findings[0].problem.find("newuidmap/newgidmap are missing") != std::string::npos);
  CHECK(findings[0].fix == "apt-get install uidmap (as root)");
}

TEST_CASE("doctor: a failed trial without a known cause is a blocker with its error") {
  FakeProbe probe;
  probe.userns_error = "unshare(CLONE_NEWUSER): Operation not permitted";
  std::vector<Finding> findings = Diagnose(GatherFacts(probe));
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == Severity::kBlocker);
  CHECK(findings[0].problem.find("Operation not permitted") != std::string::npos);
}

TEST_CASE("doctor: an old kernel and cgroup v1 are warnings; root needs no subuid range") {
  FakeProbe probe;
  probe.kernel = "5.10.0-28-amd64";
  probe.cgroup = "v1";
  std::string text = AllText(Diagnose(GatherFacts(probe)));
  CHECK(text.find("kernel 5.10.0-28-amd64 cannot mount overlayfs in a user namespace") != std::string::npos);
  CHECK(text.find("no cgroup v2 hierarchy") != std::string::npos);
  FakeProbe root;
  root.uid = 0;
  root.user = "root";
  root.files.erase("/etc/subuid");
  root.programs.clear();
  CHECK(Diagnose(GatherFacts(root)).empty());
}

}  // namespace
}  // namespace mybuild::rootless
