// What a container runs, decided from its image's config and docker run's flags, before anything is
// created: the process (Entrypoint + Cmd), its environment, working directory and user spec, the
// network, /etc/hosts entries and mounts. Pure data and decisions (no state is touched; only
// --env-file and the caller's environment are read), so that `run` and compose share the rules.
//
// Docker's rules (docs.docker.com/reference/dockerfile/#understand-how-cmd-and-entrypoint-interact):
//   - arguments after IMAGE replace the image's Cmd;
//   - --entrypoint X replaces the Entrypoint with [X] and clears the image's Cmd; --entrypoint "" clears
//     the Entrypoint (and the Cmd);
//   - the process is Entrypoint + Cmd; nothing at all is an error;
//   - Env: the image's, then -e / --env-file in order (a later KEY replaces an earlier one in place);
//     HOSTNAME is set first, HOME last when neither sets it;
//   - -w replaces WorkingDir (absolute; "/" when neither sets one); -u replaces User ("0" when unset).
#ifndef MYBUILD_ENGINE_CONTAINER_SPEC_H_
#define MYBUILD_ENGINE_CONTAINER_SPEC_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"
#include "src/engine/mount_flags.h"
#include "src/executor/resources.h"
#include "src/image/image_config.h"

namespace mybuild::engine {

enum class PullPolicy { kMissing, kAlways, kNever };
// "missing" (the default), "always", "never" (docker run --pull).
StatusOr<PullPolicy> ParsePullPolicy(std::string_view text);

// kJoined: the network namespace of a compose network's holder (network_holder.h), loopback only.
enum class NetworkMode { kHost, kNone, kJoined };

// The caller's environment, for -e KEY and --env-file lines without '='.
using LookupEnv = std::function<std::optional<std::string>(const std::string& key)>;
LookupEnv ProcessEnvironmentLookup();

// KEY=VALUE entries from -e flags and --env-file files: `env_files` first (in order), then `env`, as
// docker does. "KEY" alone takes the caller's value and is dropped when the caller has none. File
// lines: leading blanks ignored, '#' starts a comment line, empty lines skipped; a name with
// whitespace is an error naming the file and line.
StatusOr<std::vector<std::string>> ResolveEnvFlags(const std::vector<std::string>& env,
                                                   const std::vector<std::string>& env_files, const LookupEnv& lookup);

// The flags of `docker run` that shape the container, as given.
struct RunFlags {
  std::string image;
  std::vector<std::string> command;       // the arguments after IMAGE
  std::optional<std::string> entrypoint;  // --entrypoint
  std::vector<std::string> env;           // -e
  std::vector<std::string> env_files;     // --env-file
  std::optional<std::string> workdir;     // -w
  std::optional<std::string> user;        // -u
  std::string hostname;                   // --hostname ("" = the short container id)
  std::string name;                       // --name ("" = none)
  bool remove = false;                    // --rm
  bool read_only = false;                 // --read-only
  bool interactive = false;               // -i
  bool tty = false;                       // -t
  std::string network = "host";           // --network host|none (default = host)
  std::vector<std::string> add_hosts;     // --add-host
  std::vector<std::string> volumes;       // -v
  std::vector<std::string> mounts;        // --mount
  std::string pull = "missing";           // --pull
  bool init = false;                      // --init
  bool sig_proxy = true;                  // --sig-proxy
  int stop_timeout_seconds = 10;          // --stop-timeout
  std::string stop_signal;                // --stop-signal ("" = the image's StopSignal, else SIGTERM)
  executor::ResourceFlags resources;      // --ulimit, --shm-size, --cgroup-parent, --pids-limit, --memory
  std::map<std::string, std::string> labels;  // --label (compose's com.docker.compose.* labels)
  std::string join_network;               // a compose network's directory (network_holder.h): network kJoined
  std::optional<image::HealthConfig> healthcheck;  // nullopt: the image's HEALTHCHECK (health_prober.h)
  std::string restart = "no";             // --restart (restart_policy.h)
};

// The flags checked and parsed, independent of the image: every user error is found here (exit 125).
struct RunOptions {
  RunFlags flags;
  PullPolicy pull = PullPolicy::kMissing;
  NetworkMode network = NetworkMode::kHost;
  std::vector<std::string> env;          // resolved -e / --env-file entries
  std::vector<std::string> extra_hosts;  // /etc/hosts lines
  std::vector<MountRequest> mounts;      // -v then --mount
  int stop_signal = 0;                   // from --stop-signal, 0 = unset
  executor::Resources resources;
};
StatusOr<RunOptions> ParseRunFlags(RunFlags flags, const LookupEnv& lookup);

// A signal by name or number: "SIGTERM", "TERM", "15" (docker's --stop-signal and StopSignal).
StatusOr<int> ParseSignal(std::string_view text);

// The process of the container, by docker's rules above: argv, environment (before HOME, which needs
// the user's passwd entry: see WithHome), working directory, user spec.
struct ContainerProcess {
  std::vector<std::string> args;
  size_t entrypoint_args = 0;  // how many of `args` came from the Entrypoint (the rest from the Cmd)
  std::vector<std::string> env;
  std::string workdir;
  std::string user;
};
StatusOr<ContainerProcess> DecideProcess(const image::ContainerConfig& config, const RunOptions& options,
                                         const std::string& hostname);

// Replaces the entry of `env` with the same key as `entry` in place, or appends it (docker's
// ReplaceOrAppendEnvValues).
void SetEnv(std::vector<std::string>& env, const std::string& entry);

// `env` with HOME=`home` appended unless it sets HOME.
std::vector<std::string> WithHome(std::vector<std::string> env, const std::string& home);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_SPEC_H_
