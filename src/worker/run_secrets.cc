#include "src/worker/run_secrets.h"

#include <algorithm>

namespace mybuild::worker {
namespace {

// Sets NAME=value in `env`, replacing an entry of the same name.
void SetEnv(std::vector<std::string>& env, const std::string& name, const std::string& value) {
  const std::string prefix = name + "=";
  auto same = [&](const std::string& entry) { return entry.starts_with(prefix); };
  std::erase_if(env, same);
  env.push_back(prefix + value);
}

bool HasEnv(const std::vector<std::string>& env, const std::string& name) {
  const std::string prefix = name + "=";
  return std::any_of(env.begin(), env.end(), [&](const std::string& entry) { return entry.starts_with(prefix); });
}

Status AddSecret(const graph::Mount& mount, const RunSecrets& secrets, executor::ExecSpec& spec) {
  auto found = secrets.secrets.find(mount.secret_id);
  if (found == secrets.secrets.end()) {
    if (!mount.required) return Status::Ok();  // an optional secret that was not given: no mount, no env
    return FailedPrecondition("secret \"" + mount.secret_id +
                              "\" is required by RUN --mount=type=secret but was not given to the build: pass "
                              "--secret id=" + mount.secret_id + ",src=FILE or --secret id=" + mount.secret_id +
                              ",env=VARIABLE");
  }
  const std::string& content = found->second;
  if (!mount.env.empty()) {
    if (content.find('\0') != std::string::npos) {
      return InvalidArgument("secret \"" + mount.secret_id + "\" contains a NUL byte and cannot be the value of "
                             "environment variable " + mount.env);
    }
    SetEnv(spec.env, mount.env, content);
  }
  if (mount.target.empty()) return Status::Ok();
  executor::Mount out;
  out.type = executor::Mount::Type::kFile;
  out.target = mount.target;
  out.read_only = true;
  out.contents = content;
  out.file_mode = mount.mode.value_or(0400);
  out.file_uid = mount.uid.value_or(0);
  out.file_gid = mount.gid.value_or(0);
  spec.extra_mounts.push_back(std::move(out));
  return Status::Ok();
}

Status AddSsh(const graph::Mount& mount, const RunSecrets& secrets, const SshSocketFor& socket_for,
              executor::ExecSpec& spec) {
  // Like BuildKit, whether or not the agent was given (the variable is part of what the RUN sees).
  if (!HasEnv(spec.env, "SSH_AUTH_SOCK")) SetEnv(spec.env, "SSH_AUTH_SOCK", mount.target);
  const std::string id = mount.secret_id.empty() ? "default" : mount.secret_id;
  auto found = secrets.ssh_agents.find(id);
  if (found == secrets.ssh_agents.end()) {
    if (!mount.required) return Status::Ok();
    return FailedPrecondition("ssh agent \"" + id + "\" is required by RUN --mount=type=ssh but was not given to "
                              "the build: pass --ssh " + id + (id == "default" ? "" : "=SOCKET") +
                              " (default: $SSH_AUTH_SOCK)");
  }
  executor::Mount out;
  out.type = executor::Mount::Type::kBind;
  MB_ASSIGN_OR_RETURN(out.source, socket_for(mount, found->second));
  out.target = mount.target;
  // Always read-only, even for `rw`: connect() works through a read-only bind, and a writable one would let
  // the RUN chmod or chown the socket.
  out.read_only = true;
  spec.extra_mounts.push_back(std::move(out));
  return Status::Ok();
}

}  // namespace

Status AddSecretMount(const graph::Mount& mount, const RunSecrets& secrets, const SshSocketFor& socket_for,
                      executor::ExecSpec& spec) {
  if (mount.type == graph::MountType::kSecret) return AddSecret(mount, secrets, spec);
  if (mount.type == graph::MountType::kSsh) return AddSsh(mount, secrets, socket_for, spec);
  return Status::Ok();
}

}  // namespace mybuild::worker
