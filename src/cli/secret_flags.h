// `--secret` and `--ssh` of `mybuild build`, with the forms and defaults of `docker buildx build`:
//
//   --secret id=ID[,src=PATH|source=PATH][,env=VAR][,type=file|env]
//       src: the secret is the file's content (≤ 500 KiB); env: the value of the host's variable VAR;
//       only id: the variable ID when it is set, else the file ID (BuildKit's lookup order);
//       type=env with src=NAME reads the variable NAME.
//   --ssh ID[=SOCKET]            ("default" is the usual ID; without SOCKET: $SSH_AUTH_SOCK)
//       SOCKET must be an ssh-agent's unix socket; key files are refused (they would need an agent of our
//       own: run ssh-agent and ssh-add them instead).
//
// Everything is read and checked when the build starts, before any state is touched. A secret whose
// variable is not set is "not given" (a RUN that requires it fails, others skip the mount), as in BuildKit.
#ifndef MYBUILD_CLI_SECRET_FLAGS_H_
#define MYBUILD_CLI_SECRET_FLAGS_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"
#include "src/worker/run_secrets.h"

namespace mybuild::cli {

// Looks up an environment variable of the mybuild process (a fake in tests).
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup ProcessEnvironment();

// Where one --secret comes from: exactly one of `file` and `env` is set.
struct SecretFlag {
  std::string id;
  std::string file;
  std::string env;
};
StatusOr<SecretFlag> ParseSecretFlag(std::string_view value, const EnvLookup& getenv);

// One --ssh: the agent socket (a host path) for `id`.
struct SshFlag {
  std::string id;
  std::string socket;
};
StatusOr<SshFlag> ParseSshFlag(std::string_view value, const EnvLookup& getenv);

// The content of one secret: the file's (≤ kMaxFileMountBytes) or the variable's; nullopt (with a
// warning) when the variable is not set, which makes the secret "not given".
StatusOr<std::optional<std::string>> ReadSecretContent(const SecretFlag& flag, const EnvLookup& getenv);

// Parses every flag, reads the secrets and checks that each socket is a unix socket.
StatusOr<worker::RunSecrets> LoadRunSecrets(const std::vector<std::string>& secrets,
                                            const std::vector<std::string>& ssh, const EnvLookup& getenv);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_SECRET_FLAGS_H_
