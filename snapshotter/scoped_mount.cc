#include "snapshotter/scoped_mount.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <utility>

#include "fmt/format.h"
#include "src/base/unique_fd.h"

namespace mybuild::snapshotter {
namespace {

std::atomic<bool> g_force_legacy{false};

std::vector<std::string> SplitColon(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= s.size()) {
    size_t e = s.find(':', i);
    if (e == std::string::npos) e = s.size();
    if (e > i) out.push_back(s.substr(i, e - i));
    i = e + 1;
  }
  return out;
}

// New mount API: one fsconfig call per lower layer, so the depth is not bound by a page of options.
// Returns ENOSYS/EINVAL style errors as Status with the errno in the message; `unsupported` is set when
// the kernel lacks the API or "lowerdir+".
Status MountOverlayNewApi(const Mount& m, const std::filesystem::path& target, bool* unsupported) {
  *unsupported = false;
  UniqueFd fs(::fsopen("overlay", FSOPEN_CLOEXEC));
  if (!fs) {
    *unsupported = errno == ENOSYS;
    return ErrnoError("fsopen overlay");
  }
  for (const auto& opt : m.options) {
    size_t eq = opt.find('=');
    if (eq == std::string::npos) {
      if (::fsconfig(fs.get(), FSCONFIG_SET_FLAG, opt.c_str(), nullptr, 0) != 0) {
        return ErrnoError(fmt::format("fsconfig overlay flag {}", opt));
      }
      continue;
    }
    std::string key = opt.substr(0, eq);
    std::string value = opt.substr(eq + 1);
    if (key == "lowerdir") {
      for (const auto& dir : SplitColon(value)) {
        if (::fsconfig(fs.get(), FSCONFIG_SET_STRING, "lowerdir+", dir.c_str(), 0) != 0) {
          *unsupported = errno == EINVAL;
          return ErrnoError(fmt::format("fsconfig overlay lowerdir+ {}", dir));
        }
      }
      continue;
    }
    if (::fsconfig(fs.get(), FSCONFIG_SET_STRING, key.c_str(), value.c_str(), 0) != 0) {
      return ErrnoError(fmt::format("fsconfig overlay {}", opt));
    }
  }
  if (::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) return ErrnoError("fsconfig overlay create");
  UniqueFd mnt(::fsmount(fs.get(), FSMOUNT_CLOEXEC, 0));
  if (!mnt) return ErrnoError("fsmount overlay");
  if (::move_mount(mnt.get(), "", AT_FDCWD, target.c_str(), MOVE_MOUNT_F_EMPTY_PATH) != 0) {
    return ErrnoError(fmt::format("move_mount overlay on {}", target.string()));
  }
  return Status::Ok();
}

// Legacy mount(2). When the options do not fit in a page, the lower dirs are given relative to their
// common parent from a forked child that chdir()s there (the parent's cwd is shared by its threads).
Status MountOverlayLegacy(const Mount& m, const std::filesystem::path& target) {
  std::string data;
  std::vector<std::string> lowers;
  std::vector<std::string> others;
  for (const auto& opt : m.options) {
    if (opt.rfind("lowerdir=", 0) == 0) {
      lowers = SplitColon(opt.substr(9));
    } else {
      others.push_back(opt);
    }
  }
  auto build = [&](const std::string& strip) {
    std::string d = "lowerdir=";
    for (size_t i = 0; i < lowers.size(); ++i) {
      if (i) d += ':';
      d += strip.empty() ? lowers[i] : lowers[i].substr(strip.size());
    }
    for (const auto& o : others) d += "," + o;
    return d;
  };
  data = build("");
  const long page = ::sysconf(_SC_PAGESIZE);
  if (static_cast<long>(data.size()) < page) {
    if (::mount("overlay", target.c_str(), "overlay", 0, data.c_str()) != 0) {
      return ErrnoError(fmt::format("mount overlay on {} ({} lower dirs)", target.string(), lowers.size()));
    }
    return Status::Ok();
  }
  // Common parent of all lower dirs, with a trailing slash.
  std::string common = lowers.empty() ? "" : std::filesystem::path(lowers[0]).parent_path().parent_path().string() + "/";
  for (const auto& l : lowers) {
    if (l.rfind(common, 0) != 0) return ResourceExhausted("overlay lower dirs share no parent; options too long");
  }
  data = build(common);
  if (static_cast<long>(data.size()) >= page) {
    return ResourceExhausted(fmt::format("overlay options are {} bytes even with relative paths", data.size()));
  }
  std::string abs_target = std::filesystem::absolute(target).string();
  pid_t pid = ::fork();
  if (pid < 0) return ErrnoError("fork for overlay mount");
  if (pid == 0) {
    if (::chdir(common.c_str()) != 0) ::_exit(100);
    if (::mount("overlay", abs_target.c_str(), "overlay", 0, data.c_str()) != 0) ::_exit(errno & 0x7f);
    ::_exit(0);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return ErrnoError("waitpid");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    return ErrnoError(fmt::format("mount overlay on {} with relative lower dirs", target.string()),
                      code == 100 ? ENOENT : code);
  }
  return Status::Ok();
}

}  // namespace

Status MountAt(const Mount& m, const std::filesystem::path& target) {
  if (m.type == "bind") {
    bool ro = false;
    for (const auto& o : m.options) ro = ro || o == "ro";
    if (::mount(m.source.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      return ErrnoError(fmt::format("bind mount {} on {}", m.source, target.string()));
    }
    if (ro && ::mount(nullptr, target.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0) {
      Status s = ErrnoError(fmt::format("remount {} read-only", target.string()));
      ::umount2(target.c_str(), MNT_DETACH);
      return s;
    }
    return Status::Ok();
  }
  if (m.type == "overlay") {
    if (g_force_legacy) return MountOverlayLegacy(m, target);
    bool unsupported = false;
    Status s = MountOverlayNewApi(m, target, &unsupported);
    if (s.ok() || !unsupported) return s;
    return MountOverlayLegacy(m, target);
  }
  return InvalidArgument(fmt::format("unknown mount type \"{}\"", m.type));
}

void ForceLegacyOverlayMountForTesting(bool force) { g_force_legacy = force; }

ScopedMount::~ScopedMount() { Unmount().IgnoreError(); }

ScopedMount::ScopedMount(ScopedMount&& other) noexcept
    : target_(std::move(other.target_)), count_(std::exchange(other.count_, 0)) {}

ScopedMount& ScopedMount::operator=(ScopedMount&& other) noexcept {
  if (this != &other) {
    Unmount().IgnoreError();
    target_ = std::move(other.target_);
    count_ = std::exchange(other.count_, 0);
  }
  return *this;
}

StatusOr<ScopedMount> ScopedMount::MountAll(const std::vector<Mount>& mounts, const std::filesystem::path& target) {
  ScopedMount sm;
  sm.target_ = target;
  for (const auto& m : mounts) {
    MB_RETURN_IF_ERROR(MountAt(m, target));
    ++sm.count_;
  }
  return sm;
}

Status ScopedMount::Unmount() {
  Status result;
  while (count_ > 0) {
    if (::umount2(target_.c_str(), 0) != 0) {
      if (errno == EBUSY && ::umount2(target_.c_str(), MNT_DETACH) == 0) {
        --count_;
        continue;
      }
      if (errno == EINVAL || errno == ENOENT) {  // not mounted any more
        count_ = 0;
        break;
      }
      result = ErrnoError(fmt::format("umount {}", target_.string()));
      count_ = 0;
      break;
    }
    --count_;
  }
  return result;
}

}  // namespace mybuild::snapshotter
