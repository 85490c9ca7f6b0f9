// A detached container's health check (HEALTHCHECK / compose `healthcheck:`), run by its small monitor
// (monitor_relay.h) while the container runs, as docker's daemon runs it: every `interval` one probe,
// `mybuild --root ROOT exec ID CMD…` (["CMD", …] as given, ["CMD-SHELL", c] as /bin/sh -c c), killed
// after `timeout`. Exit 0 is healthy (the failing streak restarts); anything else a failure, which counts
// only after `start_period`; `retries` failures in a row make the container unhealthy.
//
// The check comes from the container's config.json ("settings"."healthcheck": {"test":[…],"interval":NS,
// "timeout":NS,"start_period":NS,"retries":N}); its state goes to ROOT/containers/ID/health.json:
//   {"status":"starting|healthy|unhealthy","failing_streak":N,"last_exit_code":N}
#ifndef MYBUILD_ENGINE_HEALTH_PROBER_H_
#define MYBUILD_ENGINE_HEALTH_PROBER_H_

#include <poll.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/base/unique_fd.h"

namespace mybuild::engine {

struct HealthState {
  std::string status = "starting";
  int failing_streak = 0;
  int last_exit_code = 0;
};
std::string HealthJson(const HealthState& state);
StatusOr<HealthState> ParseHealth(const std::string& text, const std::string& what);

// The decision after one probe (pure): `in_start_period` failures do not count.
HealthState AfterProbe(HealthState state, int exit_code, bool in_start_period, int retries);

class HealthProber {
 public:
  // nullptr when the container has no health check (or test NONE).
  static StatusOr<std::unique_ptr<HealthProber>> Load(const std::filesystem::path& container_dir, std::string root,
                                                      std::string id, std::string mybuild);
  ~HealthProber();

  // Milliseconds until Tick() has something to do (a probe to start or to time out).
  int TimeoutMs() const;
  void AddPollFds(std::vector<pollfd>& fds);
  // Starts a probe when one is due, reaps one that ended, kills one past its timeout.
  void Tick(const std::vector<pollfd>& fds);

 private:
  using Clock = std::chrono::steady_clock;
  HealthProber() = default;
  void StartProbe();
  void EndProbe(int exit_code);

  std::filesystem::path dir_;
  std::vector<std::string> argv_;
  std::string mybuild_;
  std::chrono::milliseconds interval_{30000}, timeout_{30000}, start_period_{0};
  int retries_ = 3;
  Clock::time_point started_, next_probe_, probe_deadline_;
  pid_t probe_pid_ = -1;
  UniqueFd probe_pidfd_;
  int poll_index_ = -1;
  HealthState state_;
};

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_HEALTH_PROBER_H_
