#include "src/cli/compose_build_inputs.h"

#include <algorithm>
#include <optional>

#include "src/cli/secret_flags.h"

namespace mybuild::cli {
namespace {

EnvLookup ProjectEnvironment(const compose::Project& project) {
  return [&project](const std::string& name) -> std::optional<std::string> {
    auto found = project.environment.find(name);
    if (found == project.environment.end()) return std::nullopt;
    return found->second;
  };
}

// The id of an ssh entry ("default", "ID" or "ID=SOCKET").
std::string SshId(const std::string& entry) { return entry.substr(0, entry.find('=')); }

}  // namespace

std::string QualifiedSecretId(const std::string& service, const std::string& id) { return service + "/" + id; }

StatusOr<worker::RunSecrets> LoadServiceSecrets(const compose::Project& project,
                                                const std::vector<compose::ServiceBuild>& builds) {
  const EnvLookup getenv = ProjectEnvironment(project);
  worker::RunSecrets out;
  for (const compose::ServiceBuild& build : builds) {
    const std::string where = "services." + build.service + ".build";
    for (const compose::ServiceSecret& secret : build.secrets) {
      SecretFlag flag{QualifiedSecretId(build.service, secret.id), secret.file, secret.environment};
      StatusOr<std::optional<std::string>> content = ReadSecretContent(flag, getenv);
      if (!content.ok()) return content.status().WithContext(where + ".secrets." + secret.id);
      if (*content) out.secrets[flag.id] = std::move(**content);
    }
    for (const std::string& entry : build.ssh) {
      StatusOr<SshFlag> flag = ParseSshFlag(entry, getenv);
      if (!flag.ok()) return flag.status().WithContext(where + ".ssh");
      out.ssh_agents[QualifiedSecretId(build.service, flag->id)] = flag->socket;
    }
  }
  return out;
}

void QualifySecretMounts(const compose::ServiceBuild& build, graph::ExecOp& exec) {
  for (graph::Mount& mount : exec.mounts) {
    if (mount.type == graph::MountType::kSecret) {
      auto declared = std::find_if(build.secrets.begin(), build.secrets.end(),
                                   [&](const compose::ServiceSecret& secret) { return secret.id == mount.secret_id; });
      if (declared == build.secrets.end()) continue;
      mount.secret_id = QualifiedSecretId(build.service, mount.secret_id);
      if (!mount.uid) mount.uid = declared->uid;
      if (!mount.gid) mount.gid = declared->gid;
      if (!mount.mode) mount.mode = declared->mode;
    } else if (mount.type == graph::MountType::kSsh) {
      const std::string id = mount.secret_id.empty() ? "default" : mount.secret_id;
      if (std::any_of(build.ssh.begin(), build.ssh.end(), [&](const std::string& entry) { return SshId(entry) == id; })) {
        mount.secret_id = QualifiedSecretId(build.service, id);
      }
    }
  }
}

StatusOr<ServiceCaches> ParseServiceCaches(const std::vector<compose::ServiceBuild>& builds,
                                           std::vector<std::string>& warnings) {
  ServiceCaches out;
  // A type mybuild has not: a warning; anything else wrong: the error, with the key path.
  auto keep = [&](const Status& status, const std::string& key, const std::string& text) -> StatusOr<bool> {
    if (status.ok()) return true;
    if (status.code() == StatusCode::kUnimplemented) {
      warnings.push_back(key + ": \"" + text + "\" is ignored: " + status.message());
      return false;
    }
    return status.WithContext(key);
  };
  for (const compose::ServiceBuild& build : builds) {
    const std::string where = "services." + build.service + ".build.";
    for (const std::string& text : build.cache_from) {
      StatusOr<CacheImportSpec> spec = ParseCacheFrom(text);
      MB_ASSIGN_OR_RETURN(bool use, keep(spec.status(), where + "cache_from", text));
      if (use) out.from.push_back(std::move(*spec));
    }
    for (const std::string& text : build.cache_to) {
      StatusOr<CacheExportSpec> spec = ParseCacheTo(text);
      MB_ASSIGN_OR_RETURN(bool use, keep(spec.status(), where + "cache_to", text));
      if (use) out.to[build.service].push_back(std::move(*spec));
    }
  }
  return out;
}

}  // namespace mybuild::cli
