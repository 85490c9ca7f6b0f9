// --secret and --ssh: the forms docker buildx accepts, BuildKit's lookup order for a bare id, the errors
// (naming the flag and what was expected), the size limit, and sockets versus key files.
#include "src/cli/secret_flags.h"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "src/base/temp_dir.h"
#include "src/base/unique_fd.h"

namespace mybuild::cli {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto found = vars.find(name);
    if (found == vars.end()) return std::nullopt;
    return found->second;
  };
}

SecretFlag Parsed(const std::string& value, const EnvLookup& env = FakeEnv({})) {
  StatusOr<SecretFlag> flag = ParseSecretFlag(value, env);
  REQUIRE_MESSAGE(flag.ok(), flag.status().ToString());
  return *flag;
}

std::string ErrorOf(const std::string& value) {
  StatusOr<SecretFlag> flag = ParseSecretFlag(value, FakeEnv({}));
  REQUIRE_FALSE(flag.ok());
  CHECK(flag.status().code() == StatusCode::kInvalidArgument);
  return flag.status().message();
}

// A listening unix socket, closed and removed on destruction.
struct ListeningSocket {
  UniqueFd fd;
  std::filesystem::path path;
  explicit ListeningSocket(std::filesystem::path where) : path(std::move(where)) {
    fd = UniqueFd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    REQUIRE(fd.valid());
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    REQUIRE(path.string().size() < sizeof address.sun_path);
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
    REQUIRE(bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(listen(fd.get(), 1) == 0);
  }
};

TEST_CASE("--secret: src, source, env and type forms") {
  SecretFlag file = Parsed("id=tok,src=./token.txt");
  CHECK(file.id == "tok");
  CHECK(file.file == "./token.txt");
  CHECK(file.env.empty());
  CHECK(Parsed("id=tok,source=/a b").file == "/a b");
  CHECK(Parsed("ID=tok,SRC=x").file == "x");  // keys are case-insensitive, as in buildx
  SecretFlag env = Parsed("id=tok,env=TOKEN");
  CHECK(env.env == "TOKEN");
  CHECK(env.file.empty());
  CHECK(Parsed("type=env,id=tok,src=TOKEN").env == "TOKEN");  // type=env: src names the variable
  CHECK(Parsed("type=file,id=tok,src=f").file == "f");
  CHECK(Parsed("\"id=a,b\",src=f").id == "a,b");  // CSV quoting
}

TEST_CASE("--secret: a bare id is the variable of that name when set, else the file of that name") {
  CHECK(Parsed("id=API_TOKEN", FakeEnv({{"API_TOKEN", "x"}})).env == "API_TOKEN");
  CHECK(Parsed("id=API_TOKEN").file == "API_TOKEN");
  CHECK(Parsed("type=file,id=API_TOKEN", FakeEnv({{"API_TOKEN", "x"}})).file == "API_TOKEN");
  CHECK(Parsed("type=env,id=API_TOKEN").env == "API_TOKEN");
}

TEST_CASE("--secret: errors name the flag and what was expected") {
  std::string missing_id = ErrorOf("src=./token");
  CHECK(missing_id.find("--secret \"src=./token\"") != std::string::npos);
  CHECK(missing_id.find("id=ID is required") != std::string::npos);
  CHECK(ErrorOf("id=tok,path=x").find("unexpected key 'path'") != std::string::npos);
  CHECK(ErrorOf("id=tok,type=vault").find("unsupported secret type \"vault\" (expected file or env)") !=
        std::string::npos);
  CHECK(ErrorOf("tok").find("must be a key=value pair") != std::string::npos);
  CHECK(ErrorOf("id=tok,src=f,env=V").find("not both") != std::string::npos);
}

TEST_CASE("--secret: contents are read at start, bounded, and an unset variable means not given") {
  auto tmp = TempDir::Create({}, "secret-flags-");
  REQUIRE(tmp.ok());
  const auto file = tmp->path() / "tok";
  std::ofstream(file) << "s3cr3t";
  auto loaded = LoadRunSecrets({"id=tok,src=" + file.string(), "id=e,env=FROM_ENV", "id=unset,env=NOT_SET"}, {},
                               FakeEnv({{"FROM_ENV", "value"}}));
  REQUIRE_MESSAGE(loaded.ok(), loaded.status().ToString());
  CHECK(loaded->secrets.at("tok") == "s3cr3t");
  CHECK(loaded->secrets.at("e") == "value");
  CHECK(loaded->secrets.count("unset") == 0);

  auto missing = LoadRunSecrets({"id=tok,src=" + (tmp->path() / "nope").string()}, {}, FakeEnv({}));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("--secret id=tok,src=") != std::string::npos);
  CHECK(missing.status().message().find("No such file") != std::string::npos);

  std::ofstream(tmp->path() / "big") << std::string(executor::kMaxFileMountBytes + 1, 'x');
  auto big = LoadRunSecrets({"id=big,src=" + (tmp->path() / "big").string()}, {}, FakeEnv({}));
  REQUIRE_FALSE(big.ok());
  CHECK(big.status().message().find("larger than the limit of 500 KiB") != std::string::npos);
  std::ofstream(tmp->path() / "edge") << std::string(executor::kMaxFileMountBytes, 'x');
  CHECK(LoadRunSecrets({"id=edge,src=" + (tmp->path() / "edge").string()}, {}, FakeEnv({})).ok());
  auto directory = LoadRunSecrets({"id=d,src=" + tmp->path().string()}, {}, FakeEnv({}));
  REQUIRE_FALSE(directory.ok());
  CHECK(directory.status().message().find("is a directory") != std::string::npos);
}

TEST_CASE("--ssh: default is $SSH_AUTH_SOCK, ID=SOCKET names one, key files are refused") {
  auto tmp = TempDir::Create({}, "ssh-flags-");
  REQUIRE(tmp.ok());
  ListeningSocket agent(tmp->path() / "agent.sock");
  auto by_env = ParseSshFlag("default", FakeEnv({{"SSH_AUTH_SOCK", agent.path.string()}}));
  REQUIRE_MESSAGE(by_env.ok(), by_env.status().ToString());
  CHECK(by_env->id == "default");
  CHECK(by_env->socket == agent.path.string());
  auto named = ParseSshFlag("github=" + agent.path.string(), FakeEnv({}));
  REQUIRE(named.ok());
  CHECK(named->id == "github");

  auto unset = ParseSshFlag("default", FakeEnv({}));
  REQUIRE_FALSE(unset.ok());
  CHECK(unset.status().message().find("--ssh \"default\": SSH_AUTH_SOCK is not set") != std::string::npos);

  std::ofstream(tmp->path() / "id_ed25519") << "-----BEGIN OPENSSH PRIVATE KEY-----\n";
  auto key = ParseSshFlag("default=" + (tmp->path() / "id_ed25519").string(), FakeEnv({}));
  REQUIRE_FALSE(key.ok());
  CHECK(key.status().message().find("is not a unix socket: forwarding key files is not supported") !=
        std::string::npos);
  CHECK_FALSE(ParseSshFlag("default=a,b", FakeEnv({})).ok());
  CHECK_FALSE(ParseSshFlag("=x", FakeEnv({})).ok());
  CHECK_FALSE(ParseSshFlag("default=" + (tmp->path() / "gone").string(), FakeEnv({})).ok());

  auto loaded = LoadRunSecrets({}, {"default=" + agent.path.string()}, FakeEnv({}));
  REQUIRE(loaded.ok());
  CHECK(loaded->ssh_agents.at("default") == agent.path);
}

}  // namespace
}  // namespace mybuild::cli
