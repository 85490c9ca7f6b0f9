#include "src/engine/container_spec.h"

#include "src/engine/restart_policy.h"

#include <signal.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "src/base/files.h"

namespace mybuild::engine {
namespace {

std::string_view KeyOf(std::string_view entry) { return entry.substr(0, entry.find('=')); }


// One -e value or --env-file line: KEY=VALUE as given, KEY from the caller (nullopt when unset).
StatusOr<std::optional<std::string>> EnvEntry(const std::string& item, const LookupEnv& lookup,
                                              const std::string& where) {
  size_t equals = item.find('=');
  std::string key = item.substr(0, equals);
  if (key.empty()) return InvalidArgument(where + ": \"" + item + "\" has an empty variable name");
  if (std::any_of(key.begin(), key.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); })) {
    return InvalidArgument(where + ": variable \"" + key + "\" contains whitespace");
  }
  if (equals != std::string::npos) return std::optional<std::string>(item);
  std::optional<std::string> value = lookup(key);
  if (!value) return std::optional<std::string>();
  return std::optional<std::string>(key + "=" + *value);
}

constexpr struct {
  const char* name;
  int number;
} kSignals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},     {"QUIT", SIGQUIT}, {"ILL", SIGILL},   {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT}, {"BUS", SIGBUS},     {"FPE", SIGFPE},   {"KILL", SIGKILL}, {"USR1", SIGUSR1},
    {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},   {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM},
    {"CHLD", SIGCHLD}, {"CONT", SIGCONT},   {"STOP", SIGSTOP}, {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU}, {"URG", SIGURG},     {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},     {"PWR", SIGPWR},   {"SYS", SIGSYS},
};

}  // namespace

void SetEnv(std::vector<std::string>& env, const std::string& entry) {
  auto same = std::find_if(env.begin(), env.end(), [&](const std::string& old) { return KeyOf(old) == KeyOf(entry); });
  if (same != env.end()) {
    *same = entry;
  } else {
    env.push_back(entry);
  }
}

StatusOr<PullPolicy> ParsePullPolicy(std::string_view text) {
  if (text == "missing") return PullPolicy::kMissing;
  if (text == "always") return PullPolicy::kAlways;
  if (text == "never") return PullPolicy::kNever;
  return InvalidArgument("--pull \"" + std::string(text) + "\": expected always, missing or never");
}

LookupEnv ProcessEnvironmentLookup() {
  return [](const std::string& key) -> std::optional<std::string> {
    const char* value = std::getenv(key.c_str());
    return value == nullptr ? std::nullopt : std::optional<std::string>(value);
  };
}

StatusOr<std::vector<std::string>> ResolveEnvFlags(const std::vector<std::string>& env,
                                                   const std::vector<std::string>& env_files, const LookupEnv& lookup) {
  std::vector<std::string> out;
  for (const std::string& file : env_files) {
    StatusOr<std::string> text = ReadFile(file, 16 << 20);
    if (!text.ok()) return InvalidArgument("--env-file " + file + ": " + text.status().message());
    size_t line_number = 0;
    size_t start = 0;
    while (start < text->size()) {
      size_t end = text->find('\n', start);
      if (end == std::string::npos) end = text->size();
      std::string line = text->substr(start, end - start);
      start = end + 1;
      ++line_number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      size_t first = line.find_first_not_of(" \t");
      if (first == std::string::npos || line[first] == '#') continue;
      MB_ASSIGN_OR_RETURN(std::optional<std::string> entry,
                          EnvEntry(line.substr(first), lookup, file + ":" + std::to_string(line_number)));
      if (entry) SetEnv(out, *entry);
    }
  }
  for (const std::string& item : env) {
    MB_ASSIGN_OR_RETURN(std::optional<std::string> entry, EnvEntry(item, lookup, "-e " + item));
    if (entry) SetEnv(out, *entry);
  }
  return out;
}

StatusOr<int> ParseSignal(std::string_view text) {
  std::string name(text);
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (name.starts_with("SIG")) name = name.substr(3);
  if (!name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    int number = name.size() <= 2 ? std::stoi(name) : 0;
    if (number >= 1 && number <= 64) return number;
  }
  for (const auto& known : kSignals) {
    if (name == known.name) return known.number;
  }
  return InvalidArgument("\"" + std::string(text) + "\" is not a signal (a name such as SIGTERM, or 1-64)");
}

StatusOr<RunOptions> ParseRunFlags(RunFlags flags, const LookupEnv& lookup) {
  RunOptions options;
  MB_ASSIGN_OR_RETURN(options.pull, ParsePullPolicy(flags.pull));
  if (flags.network == "host" || flags.network == "default") {
    options.network = NetworkMode::kHost;
  } else if (flags.network == "none") {
    options.network = NetworkMode::kNone;
  } else {
    return InvalidArgument("--network \"" + flags.network + "\": expected host or none");
  }
  if (!flags.join_network.empty()) {
    if (options.network != NetworkMode::kHost) return InvalidArgument("a container on a compose network cannot also be on --network none");
    options.network = NetworkMode::kJoined;
  }
  if (StatusOr<RestartPolicy> restart = ParseRestartPolicy(flags.restart); !restart.ok()) {
    return InvalidArgument("--restart: " + restart.status().message());
  } else if (restart->kind != RestartPolicy::Kind::kNo && flags.remove) {
    return InvalidArgument("--restart " + flags.restart + " and --rm are incompatible");
  }
  MB_ASSIGN_OR_RETURN(options.env, ResolveEnvFlags(flags.env, flags.env_files, lookup));
  MB_ASSIGN_OR_RETURN(options.resources, executor::ParseResourceFlags(flags.resources));
  for (const std::string& host : flags.add_hosts) {
    MB_ASSIGN_OR_RETURN(std::string line, ParseAddHost(host));
    options.extra_hosts.push_back(std::move(line));
  }
  for (const std::string& volume : flags.volumes) {
    MB_ASSIGN_OR_RETURN(MountRequest mount, ParseVolumeFlag(volume));
    options.mounts.push_back(std::move(mount));
  }
  for (const std::string& text : flags.mounts) {
    MB_ASSIGN_OR_RETURN(MountRequest mount, ParseMountFlag(text));
    options.mounts.push_back(std::move(mount));
  }
  for (size_t i = 0; i < options.mounts.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (options.mounts[i].target == options.mounts[j].target) {
        return InvalidArgument("duplicate mount point: " + options.mounts[i].target);
      }
    }
  }
  if (flags.workdir && (flags.workdir->empty() || (*flags.workdir)[0] != '/')) {
    return InvalidArgument("-w \"" + *flags.workdir + "\": the working directory must be an absolute path");
  }
  if (flags.hostname.size() > 64) return InvalidArgument("--hostname \"" + flags.hostname + "\": longer than 64 bytes");
  if (!flags.name.empty()) {
    const std::string& name = flags.name;
    bool valid = std::isalnum(static_cast<unsigned char>(name[0])) &&
                 std::all_of(name.begin(), name.end(), [](char c) {
                   return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
                 });
    if (!valid || name.size() > 128) {
      return InvalidArgument("--name \"" + name + "\": expected [a-zA-Z0-9][a-zA-Z0-9_.-]* (at most 128 bytes)");
    }
  }
  if (flags.stop_timeout_seconds < -1) {
    return InvalidArgument("--stop-timeout " + std::to_string(flags.stop_timeout_seconds) + ": expected -1 or more");
  }
  if (!flags.stop_signal.empty()) {
    StatusOr<int> signal = ParseSignal(flags.stop_signal);
    if (!signal.ok()) return InvalidArgument("--stop-signal: " + signal.status().message());
    options.stop_signal = *signal;
  }
  options.flags = std::move(flags);
  return options;
}

StatusOr<ContainerProcess> DecideProcess(const image::ContainerConfig& config, const RunOptions& options,
                                         const std::string& hostname) {
  const RunFlags& flags = options.flags;
  ContainerProcess process;
  std::vector<std::string> entrypoint;
  if (flags.entrypoint) {
    if (!flags.entrypoint->empty()) entrypoint.push_back(*flags.entrypoint);
  } else if (config.entrypoint) {
    entrypoint = *config.entrypoint;
  }
  std::vector<std::string> cmd;
  if (!flags.command.empty()) {
    cmd = flags.command;
  } else if (!flags.entrypoint && config.cmd) {
    cmd = *config.cmd;
  }
  process.args = entrypoint;
  process.entrypoint_args = entrypoint.size();
  process.args.insert(process.args.end(), cmd.begin(), cmd.end());
  if (process.args.empty()) {
    return InvalidArgument("no command specified: the image " + flags.image +
                           " has neither Entrypoint nor Cmd (give a command after the image)");
  }
  process.env.push_back("HOSTNAME=" + hostname);
  for (const std::string& entry : config.env) SetEnv(process.env, entry);
  for (const std::string& entry : options.env) SetEnv(process.env, entry);
  process.workdir = flags.workdir ? *flags.workdir : config.working_dir.empty() ? "/" : config.working_dir;
  if (process.workdir[0] != '/') {
    return InvalidArgument("the image's WorkingDir \"" + process.workdir + "\" is not an absolute path");
  }
  process.user = flags.user ? *flags.user : config.user.empty() ? "0" : config.user;
  return process;
}

std::vector<std::string> WithHome(std::vector<std::string> env, const std::string& home) {
  if (std::none_of(env.begin(), env.end(), [](const std::string& entry) { return KeyOf(entry) == "HOME"; })) {
    env.push_back("HOME=" + (home.empty() ? std::string("/") : home));
  }
  return env;
}

}  // namespace mybuild::engine
