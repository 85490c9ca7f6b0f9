#include "src/engine/health_prober.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "src/base/files.h"
#include "src/engine/container_state_file.h"

extern char** environ;

namespace mybuild::engine {

std::string HealthJson(const HealthState& state) {
  return nlohmann::json{{"status", state.status}, {"failing_streak", state.failing_streak}, {"last_exit_code", state.last_exit_code}}
      .dump();
}

StatusOr<HealthState> ParseHealth(const std::string& text, const std::string& what) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object()) return DataLoss(what + " is not a JSON object");
  HealthState state;
  state.status = json.value("status", "starting");
  state.failing_streak = json.value("failing_streak", 0);
  state.last_exit_code = json.value("last_exit_code", 0);
  return state;
}

HealthState AfterProbe(HealthState state, int exit_code, bool in_start_period, int retries) {
  state.last_exit_code = exit_code;
  if (exit_code == 0) {
    state.status = "healthy";
    state.failing_streak = 0;
    return state;
  }
  if (in_start_period && state.status == "starting") return state;
  ++state.failing_streak;
  if (state.failing_streak >= retries) state.status = "unhealthy";
  return state;
}

StatusOr<std::unique_ptr<HealthProber>> HealthProber::Load(const std::filesystem::path& container_dir, std::string root,
                                                           std::string id, std::string mybuild) {
  MB_ASSIGN_OR_RETURN(std::string text, ReadFile(container_dir / "config.json", 1 << 20));
  nlohmann::json config = nlohmann::json::parse(text, nullptr, false);
  if (!config.is_object() || !config.contains("settings") || !config["settings"].contains("healthcheck")) return std::unique_ptr<HealthProber>();
  const nlohmann::json& check = config["settings"]["healthcheck"];
  if (!check.is_object()) return std::unique_ptr<HealthProber>();
  std::vector<std::string> test = check.value("test", std::vector<std::string>());
  if (test.empty() || test[0] == "NONE" || test.size() < 2) return std::unique_ptr<HealthProber>();
  std::unique_ptr<HealthProber> prober(new HealthProber());
  prober->dir_ = container_dir;
  prober->mybuild_ = std::move(mybuild);
  prober->argv_ = {"mybuild", "--root", std::move(root), "exec", std::move(id)};
  if (test[0] == "CMD-SHELL") {
    prober->argv_.insert(prober->argv_.end(), {"/bin/sh", "-c", test[1]});
  } else {
    prober->argv_.insert(prober->argv_.end(), test.begin() + 1, test.end());
  }
  auto ms = [&](const char* key, int64_t fallback_ms) {
    const int64_t ns = check.value(key, int64_t{0});
    return std::chrono::milliseconds(ns > 0 ? ns / 1000000 : fallback_ms);
  };
  prober->interval_ = ms("interval", 30000);
  prober->timeout_ = ms("timeout", 30000);
  prober->start_period_ = ms("start_period", 0);
  const int retries = check.value("retries", 0);
  prober->retries_ = retries > 0 ? retries : 3;
  prober->started_ = Clock::now();
  prober->next_probe_ = prober->started_ + prober->interval_;
  MB_RETURN_IF_ERROR(WriteRecordFile(container_dir / "health.json", HealthJson(prober->state_)));
  return prober;
}

HealthProber::~HealthProber() {
  if (probe_pid_ > 0) {
    kill(probe_pid_, SIGKILL);
    waitpid(probe_pid_, nullptr, 0);
  }
}

int HealthProber::TimeoutMs() const {
  const Clock::time_point at = probe_pid_ > 0 ? probe_deadline_ : next_probe_;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(at - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(std::min<int64_t>(left, 1 << 30));
}

void HealthProber::AddPollFds(std::vector<pollfd>& fds) {
  poll_index_ = -1;
  if (!probe_pidfd_.valid()) return;
  poll_index_ = static_cast<int>(fds.size());
  fds.push_back({probe_pidfd_.get(), POLLIN, 0});
}

void HealthProber::StartProbe() {
  std::vector<char*> argv;
  for (std::string& arg : argv_) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t child = fork();
  if (child == 0) {
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
      dup2(null, 2);
    }
    syscall(SYS_close_range, 3, ~0U, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(mybuild_.c_str(), argv.data(), environ);
    _exit(127);
  }
  next_probe_ = Clock::now() + interval_;
  if (child < 0) {
    EndProbe(125);
    return;
  }
  probe_pid_ = child;
  probe_pidfd_.Reset(static_cast<int>(syscall(SYS_pidfd_open, child, 0)));
  probe_deadline_ = Clock::now() + timeout_;
}

void HealthProber::EndProbe(int exit_code) {
  const bool in_start_period = Clock::now() < started_ + start_period_;
  state_ = AfterProbe(state_, exit_code, in_start_period, retries_);
  WriteRecordFile(dir_ / "health.json", HealthJson(state_)).IgnoreError();
}

void HealthProber::Tick(const std::vector<pollfd>& fds) {
  if (probe_pid_ > 0) {
    const bool ended = poll_index_ >= 0 && fds[static_cast<size_t>(poll_index_)].revents != 0;
    if (!ended && Clock::now() < probe_deadline_) return;
    if (!ended) kill(probe_pid_, SIGKILL);
    int status = 0;
    while (waitpid(probe_pid_, &status, 0) < 0 && errno == EINTR) {
    }
    probe_pid_ = -1;
    probe_pidfd_.Reset();
    EndProbe(!ended ? 124 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return;
  }
  if (Clock::now() >= next_probe_) StartProbe();
}

}  // namespace mybuild::engine
