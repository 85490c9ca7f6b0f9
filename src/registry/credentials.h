// Registry credentials from the files docker and podman/buildah keep them in. Both formats have the
// same shape: {"auths": {"<host>": {"auth": base64("user:password")}}}. Keys may carry a scheme and a
// path ("https://index.docker.io/v1/", "localhost:5000/team"); only the host part is compared. Docker
// Hub's credentials are found under any of its names (docker.io, index.docker.io, registry-1.docker.io).
// Credential helpers (credsStore, credHelpers) are not run: their entries are skipped.
#ifndef MYBUILD_REGISTRY_CREDENTIALS_H_
#define MYBUILD_REGISTRY_CREDENTIALS_H_

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"

namespace mybuild::registry {

struct Credentials {
  std::string username;
  std::string password;
};

// The environment that decides where auth files are (a struct so tests need not set variables).
struct AuthFileEnvironment {
  std::string registry_auth_file;  // $REGISTRY_AUTH_FILE
  std::string xdg_runtime_dir;     // $XDG_RUNTIME_DIR
  std::string docker_config;       // $DOCKER_CONFIG (a directory)
  std::string home;                // $HOME
  static AuthFileEnvironment FromProcess();
};

// The files to search, in order: $REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json (podman,
// buildah), then $DOCKER_CONFIG/config.json or else ~/.docker/config.json (docker).
std::vector<std::filesystem::path> AuthFiles(const AuthFileEnvironment& env);

// The credentials for registry `host` (as written in the reference: "docker.io", "localhost:5000") from
// the first file that has them. Missing files are skipped; a file that is not valid JSON or whose entry
// for the host is malformed is an error naming the file.
StatusOr<std::optional<Credentials>> FindCredentials(const std::vector<std::filesystem::path>& files,
                                                     std::string_view host);

}  // namespace mybuild::registry

#endif  // MYBUILD_REGISTRY_CREDENTIALS_H_
