#include "src/registry/credentials.h"

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "src/base/files.h"
#include "src/registry/base64.h"

namespace mybuild::registry {
namespace {

constexpr uint64_t kMaxAuthFileBytes = 1 << 20;

// "https://index.docker.io/v1/" -> "index.docker.io"; "localhost:5000/team" -> "localhost:5000".
std::string HostOfKey(std::string_view key) {
  if (size_t scheme = key.find("://"); scheme != std::string_view::npos) key = key.substr(scheme + 3);
  return std::string(key.substr(0, key.find('/')));
}

bool IsDockerHub(std::string_view host) {
  return host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io";
}

bool SameRegistry(std::string_view a, std::string_view b) {
  return a == b || (IsDockerHub(a) && IsDockerHub(b));
}

std::string EnvOr(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace

AuthFileEnvironment AuthFileEnvironment::FromProcess() {
  return AuthFileEnvironment{EnvOr("REGISTRY_AUTH_FILE"), EnvOr("XDG_RUNTIME_DIR"), EnvOr("DOCKER_CONFIG"),
                             EnvOr("HOME")};
}

std::vector<std::filesystem::path> AuthFiles(const AuthFileEnvironment& env) {
  std::vector<std::filesystem::path> files;
  if (!env.registry_auth_file.empty()) files.emplace_back(env.registry_auth_file);
  if (!env.xdg_runtime_dir.empty()) files.push_back(std::filesystem::path(env.xdg_runtime_dir) / "containers/auth.json");
  if (!env.docker_config.empty()) {
    files.push_back(std::filesystem::path(env.docker_config) / "config.json");
  } else if (!env.home.empty()) {
    files.push_back(std::filesystem::path(env.home) / ".docker/config.json");
  }
  return files;
}

StatusOr<std::optional<Credentials>> FindCredentials(const std::vector<std::filesystem::path>& files,
                                                     std::string_view host) {
  for (const std::filesystem::path& file : files) {
    // A missing file is no credentials; one that cannot be read (a directory, too large, unreadable) is an
    // error rather than an anonymous request.
    MB_ASSIGN_OR_RETURN(std::optional<std::string> present, ReadFileIfPresent(file, kMaxAuthFileBytes));
    if (!present) continue;
    const std::string& text = *present;
    nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object()) return InvalidArgument(file.string() + ": not a JSON object");
    auto auths = json.find("auths");
    if (auths == json.end() || !auths->is_object()) continue;
    // An exact key wins over an alias ("docker.io" over "https://index.docker.io/v1/").
    const nlohmann::json* entry = nullptr;
    for (const auto& [key, value] : auths->items()) {
      const std::string key_host = HostOfKey(key);
      if (key_host == host) {
        entry = &value;
        break;
      }
      if (entry == nullptr && SameRegistry(key_host, host)) entry = &value;
    }
    if (entry == nullptr || !entry->is_object()) continue;
    auto auth = entry->find("auth");
    if (auth == entry->end() || !auth->is_string() || auth->get<std::string>().empty()) continue;
    StatusOr<std::string> decoded = Base64Decode(auth->get<std::string>());
    const size_t colon = decoded.ok() ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) {
      return InvalidArgument(file.string() + ": the \"auth\" of " + std::string(host) +
                             " is not base64 of \"user:password\"");
    }
    return std::optional<Credentials>(Credentials{decoded->substr(0, colon), decoded->substr(colon + 1)});
  }
  return std::optional<Credentials>();
}

}  // namespace mybuild::registry
