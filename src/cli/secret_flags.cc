#include "src/cli/secret_flags.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "src/base/logging.h"
#include "src/base/unique_fd.h"
#include "src/frontend/text_util.h"
#include "src/planner/run_mount.h"

namespace mybuild::cli {
namespace {

Status SecretError(std::string_view value, const std::string& what) {
  return InvalidArgument("--secret \"" + std::string(value) + "\": " + what);
}

Status SshError(std::string_view value, const std::string& what) {
  return InvalidArgument("--ssh \"" + std::string(value) + "\": " + what);
}

// Reads a secret file, refusing more than kMaxFileMountBytes without reading further.
StatusOr<std::string> ReadSecretFile(const SecretFlag& flag) {
  const std::string shown = "--secret id=" + flag.id + ",src=" + flag.file;
  UniqueFd fd(open(flag.file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return InvalidArgument(shown + ": cannot read " + flag.file + ": " + std::strerror(errno));
  struct stat st;
  if (fstat(fd.get(), &st) < 0) return ErrnoError("fstat " + flag.file);
  if (S_ISDIR(st.st_mode)) return InvalidArgument(shown + ": " + flag.file + " is a directory, expected a file");
  std::string content;
  char buffer[64 * 1024];
  for (;;) {
    ssize_t n = read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("read " + flag.file);
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
    if (content.size() > executor::kMaxFileMountBytes) {
      return InvalidArgument(shown + ": the secret is larger than the limit of " +
                             std::to_string(executor::kMaxFileMountBytes / 1024) + " KiB");
    }
  }
  return content;
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

StatusOr<SecretFlag> ParseSecretFlag(std::string_view value, const EnvLookup& getenv) {
  SecretFlag flag;
  std::string type;
  for (const std::string& field : planner::SplitCsv(value)) {
    size_t eq = field.find('=');
    if (eq == std::string::npos) {
      return SecretError(value, "field '" + field + "' must be a key=value pair (id=ID,src=PATH or id=ID,env=VAR)");
    }
    std::string key = frontend::AsciiLower(field.substr(0, eq));
    std::string v = field.substr(eq + 1);
    if (key == "type") {
      if (v != "file" && v != "env") return SecretError(value, "unsupported secret type \"" + v + "\" (expected file or env)");
      type = v;
    } else if (key == "id") {
      flag.id = v;
    } else if (key == "src" || key == "source") {
      flag.file = v;
    } else if (key == "env") {
      flag.env = v;
    } else {
      return SecretError(value, "unexpected key '" + key + "' (expected id, src, source, env or type)");
    }
  }
  if (type == "env" && flag.env.empty()) {  // `type=env,src=NAME` names the variable
    flag.env = flag.file;
    flag.file.clear();
  }
  if (flag.id.empty()) return SecretError(value, "id=ID is required");
  if (!flag.file.empty() && !flag.env.empty()) return SecretError(value, "give either src=PATH or env=VAR, not both");
  if (flag.file.empty() && flag.env.empty()) {
    // Only the id: the variable of that name when it is set (and not type=file), else the file.
    if (type != "file" && (type == "env" || getenv(flag.id).has_value())) {
      flag.env = flag.id;
    } else {
      flag.file = flag.id;
    }
  }
  return flag;
}

StatusOr<SshFlag> ParseSshFlag(std::string_view value, const EnvLookup& getenv) {
  SshFlag flag;
  size_t eq = value.find('=');
  flag.id = std::string(value.substr(0, eq));
  if (flag.id.empty()) return SshError(value, "expected ID[=SOCKET], e.g. default or default=$SSH_AUTH_SOCK");
  std::string paths = eq == std::string_view::npos ? "" : std::string(value.substr(eq + 1));
  if (paths.find(',') != std::string::npos) {
    return SshError(value, "only one agent socket per id is supported (key files are not)");
  }
  if (paths.empty()) {
    std::optional<std::string> sock = getenv("SSH_AUTH_SOCK");
    if (!sock || sock->empty()) {
      return SshError(value, "SSH_AUTH_SOCK is not set: start ssh-agent or pass --ssh " + flag.id + "=SOCKET");
    }
    paths = *sock;
  }
  struct stat st;
  if (stat(paths.c_str(), &st) < 0) return SshError(value, "cannot use " + paths + ": " + std::strerror(errno));
  if (!S_ISSOCK(st.st_mode)) {
    return SshError(value, paths + " is not a unix socket: forwarding key files is not supported; load the key into "
                           "an agent (ssh-agent, ssh-add " + paths + ") and pass --ssh " + flag.id + "=$SSH_AUTH_SOCK");
  }
  std::error_code error;
  flag.socket = std::filesystem::absolute(paths, error).lexically_normal().string();
  if (error) return SshError(value, "cannot resolve " + paths + ": " + error.message());
  return flag;
}

StatusOr<std::optional<std::string>> ReadSecretContent(const SecretFlag& flag, const EnvLookup& getenv) {
  if (flag.env.empty()) {
    MB_ASSIGN_OR_RETURN(std::string content, ReadSecretFile(flag));
    return std::optional<std::string>(std::move(content));
  }
  std::optional<std::string> content = getenv(flag.env);
  if (!content) {
    // As in BuildKit: not given. A RUN that requires it says so, with its Dockerfile location.
    spdlog::warn("secret {}: environment variable {} is not set; the secret is not given", flag.id, flag.env);
    return std::optional<std::string>();
  }
  if (content->size() > executor::kMaxFileMountBytes) {
    return InvalidArgument("secret " + flag.id + " (environment variable " + flag.env +
                           ") is larger than the limit of " + std::to_string(executor::kMaxFileMountBytes / 1024) +
                           " KiB");
  }
  return content;
}

StatusOr<worker::RunSecrets> LoadRunSecrets(const std::vector<std::string>& secrets,
                                            const std::vector<std::string>& ssh, const EnvLookup& getenv) {
  worker::RunSecrets out;
  for (const std::string& text : secrets) {
    MB_ASSIGN_OR_RETURN(SecretFlag flag, ParseSecretFlag(text, getenv));
    MB_ASSIGN_OR_RETURN(std::optional<std::string> content, ReadSecretContent(flag, getenv));
    if (content) {
      out.secrets[flag.id] = std::move(*content);
    } else {
      out.secrets.erase(flag.id);
    }
  }
  for (const std::string& text : ssh) {
    MB_ASSIGN_OR_RETURN(SshFlag flag, ParseSshFlag(text, getenv));
    out.ssh_agents[flag.id] = flag.socket;
  }
  return out;
}

}  // namespace mybuild::cli
