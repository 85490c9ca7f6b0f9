// RUN --mount=type=secret|ssh → executor mounts and environment: given, missing and optional, required.
#include "src/worker/run_secrets.h"

#include <doctest/doctest.h>

namespace mybuild::worker {
namespace {

graph::Mount Secret(const std::string& id, const std::string& target) {
  graph::Mount mount;
  mount.type = graph::MountType::kSecret;
  mount.secret_id = id;
  mount.target = target;
  mount.readonly = true;
  mount.mode = 0400;
  return mount;
}

graph::Mount Ssh(const std::string& target) {
  graph::Mount mount;
  mount.type = graph::MountType::kSsh;
  mount.secret_id = "default";
  mount.target = target;
  mount.readonly = true;
  return mount;
}

// Stands in for the worker's SshForwarder: the relay socket for an agent at A is "/relay" + A.
SshSocketFor FakeSockets() {
  return [](const graph::Mount& mount, const std::filesystem::path& agent) -> StatusOr<std::filesystem::path> {
    return std::filesystem::path("/relay" + agent.string());
  };
}

RunSecrets Given() {
  RunSecrets secrets;
  secrets.secrets["tok"] = "s3cr3t";
  secrets.ssh_agents["default"] = "/tmp/agent.sock";
  return secrets;
}

TEST_CASE("a given secret becomes a read-only file mount with its mode and owner") {
  executor::ExecSpec spec;
  graph::Mount mount = Secret("tok", "/run/secrets/tok");
  mount.mode = 0440;
  mount.uid = 1000;
  mount.gid = 50;
  REQUIRE(AddSecretMount(mount, Given(), FakeSockets(), spec).ok());
  REQUIRE(spec.extra_mounts.size() == 1);
  const executor::Mount& out = spec.extra_mounts[0];
  CHECK(out.type == executor::Mount::Type::kFile);
  CHECK(out.target == "/run/secrets/tok");
  CHECK(out.contents == "s3cr3t");
  CHECK(out.read_only);
  CHECK(out.file_mode == 0440);
  CHECK(out.file_uid == 1000);
  CHECK(out.file_gid == 50);
  CHECK(spec.env.empty());
}

TEST_CASE("secret env=: the variable only (no target) or both, replacing an existing variable") {
  executor::ExecSpec spec;
  spec.env = {"PATH=/bin", "TOKEN=old"};
  graph::Mount env_only = Secret("tok", "");
  env_only.env = "TOKEN";
  REQUIRE(AddSecretMount(env_only, Given(), FakeSockets(), spec).ok());
  CHECK(spec.extra_mounts.empty());
  CHECK(spec.env == std::vector<std::string>{"PATH=/bin", "TOKEN=s3cr3t"});

  executor::ExecSpec both;
  graph::Mount with_target = Secret("tok", "/run/secrets/tok");
  with_target.env = "TOKEN";
  REQUIRE(AddSecretMount(with_target, Given(), FakeSockets(), both).ok());
  CHECK(both.extra_mounts.size() == 1);
  CHECK(both.env == std::vector<std::string>{"TOKEN=s3cr3t"});

  RunSecrets nul;
  nul.secrets["tok"] = std::string("a\0b", 3);
  executor::ExecSpec refused;
  CHECK(AddSecretMount(env_only, nul, FakeSockets(), refused).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a secret that was not given: skipped, or an error naming the id and the flag when required") {
  executor::ExecSpec spec;
  graph::Mount optional = Secret("other", "/run/secrets/other");
  optional.env = "OTHER";
  REQUIRE(AddSecretMount(optional, Given(), FakeSockets(), spec).ok());
  CHECK(spec.extra_mounts.empty());
  CHECK(spec.env.empty());

  graph::Mount required = optional;
  required.required = true;
  Status status = AddSecretMount(required, Given(), FakeSockets(), spec);
  CHECK(status.code() == StatusCode::kFailedPrecondition);
  CHECK(status.message().find("secret \"other\" is required") != std::string::npos);
  CHECK(status.message().find("--secret id=other,src=FILE") != std::string::npos);
}

TEST_CASE("ssh: the agent socket is bound at the target and SSH_AUTH_SOCK points at the first ssh mount") {
  executor::ExecSpec spec;
  REQUIRE(AddSecretMount(Ssh("/run/buildkit/ssh_agent.0"), Given(), FakeSockets(), spec).ok());
  REQUIRE(AddSecretMount(Ssh("/run/buildkit/ssh_agent.1"), Given(), FakeSockets(), spec).ok());
  REQUIRE(spec.extra_mounts.size() == 2);
  CHECK(spec.extra_mounts[0].type == executor::Mount::Type::kBind);
  CHECK(spec.extra_mounts[0].source == "/relay/tmp/agent.sock");  // the relay, never the agent's own socket
  CHECK(spec.extra_mounts[0].target == "/run/buildkit/ssh_agent.0");
  CHECK(spec.extra_mounts[0].read_only);
  CHECK(spec.env == std::vector<std::string>{"SSH_AUTH_SOCK=/run/buildkit/ssh_agent.0"});

  executor::ExecSpec preset;
  preset.env = {"SSH_AUTH_SOCK=/mine"};
  REQUIRE(AddSecretMount(Ssh("/run/buildkit/ssh_agent.0"), Given(), FakeSockets(), preset).ok());
  CHECK(preset.env == std::vector<std::string>{"SSH_AUTH_SOCK=/mine"});
}

TEST_CASE("ssh without --ssh: skipped, or an error naming the id and the flag when required") {
  executor::ExecSpec spec;
  REQUIRE(AddSecretMount(Ssh("/run/buildkit/ssh_agent.0"), RunSecrets{}, FakeSockets(), spec).ok());
  CHECK(spec.extra_mounts.empty());
  graph::Mount required = Ssh("/run/buildkit/ssh_agent.0");
  required.required = true;
  Status status = AddSecretMount(required, RunSecrets{}, FakeSockets(), spec);
  CHECK(status.code() == StatusCode::kFailedPrecondition);
  CHECK(status.message().find("ssh agent \"default\" is required") != std::string::npos);
  CHECK(status.message().find("--ssh default") != std::string::npos);
}

TEST_CASE("other mount types are left alone") {
  executor::ExecSpec spec;
  graph::Mount cache;
  cache.type = graph::MountType::kCache;
  cache.target = "/c";
  REQUIRE(AddSecretMount(cache, Given(), FakeSockets(), spec).ok());
  CHECK(spec.extra_mounts.empty());
}

}  // namespace
}  // namespace mybuild::worker
