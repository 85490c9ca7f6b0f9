#include <doctest/doctest.h>

#include <fstream>

#include "src/base/temp_dir.h"
#include "src/registry/auth_challenge.h"
#include "src/registry/authenticator.h"
#include "src/registry/base64.h"
#include "src/registry/credentials.h"
#include "src/registry/fake_registry.h"
#include "src/registry/registry_client.h"

namespace mybuild::registry {
namespace {

TEST_CASE("challenge: Bearer with quoted parameters") {
  std::vector<AuthChallenge> challenges = ParseWwwAuthenticate(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull")");
  REQUIRE(challenges.size() == 1);
  CHECK(challenges[0].scheme == "bearer");
  CHECK(challenges[0].params["realm"] == "https://auth.docker.io/token");
  CHECK(challenges[0].params["service"] == "registry.docker.io");
  CHECK(challenges[0].params["scope"] == "repository:library/busybox:pull");
}

TEST_CASE("challenge: several challenges, bare and escaped values, odd spacing") {
  std::vector<AuthChallenge> challenges =
      ParseWwwAuthenticate(R"(basic realm="a \"q\" b" , Bearer realm=https://x/t, service=svc)");
  REQUIRE(challenges.size() == 2);
  CHECK(challenges[0].scheme == "basic");
  CHECK(challenges[0].params["realm"] == "a \"q\" b");
  CHECK(challenges[1].scheme == "bearer");
  CHECK(challenges[1].params["realm"] == "https://x/t");
  CHECK(challenges[1].params["service"] == "svc");
}

TEST_CASE("challenge: malformed headers never fail, they yield what was readable") {
  CHECK(ParseWwwAuthenticate("").empty());
  CHECK(ParseWwwAuthenticate(",,,").empty());
  std::vector<AuthChallenge> open = ParseWwwAuthenticate(R"(Bearer realm="unterminated)");
  REQUIRE(open.size() == 1);
  CHECK(open[0].params.empty());
  CHECK(ParseWwwAuthenticate("Basic").size() == 1);
}

TEST_CASE("base64: round trip and strict decoding") {
  for (const std::string& text : std::vector<std::string>{"", "a", "ab", "abc", "user:pass word", std::string("\0\xff", 2)}) {
    CHECK(*Base64Decode(Base64Encode(text)) == text);
  }
  CHECK(Base64Encode("user:secret") == "dXNlcjpzZWNyZXQ=");
  CHECK_FALSE(Base64Decode("abc").ok());
  CHECK_FALSE(Base64Decode("ab=c").ok());
  CHECK_FALSE(Base64Decode("a b=").ok());
}

void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

TEST_CASE("credentials: docker config, podman auth.json, order and Docker Hub aliases") {
  TempDir dir = *TempDir::Create();
  AuthFileEnvironment env;
  env.home = (dir.path() / "home").string();
  env.xdg_runtime_dir = (dir.path() / "run").string();
  WriteText(dir.path() / "home/.docker/config.json",
            R"({"auths":{"https://index.docker.io/v1/":{"auth":")" + Base64Encode("hub:pw") +
                R"("},"localhost:5000":{"auth":")" + Base64Encode("docker:d") + R"("}}})");
  WriteText(dir.path() / "run/containers/auth.json",
            R"({"auths":{"localhost:5000/team":{"auth":")" + Base64Encode("podman:p:with:colons") + R"("}}})");
  std::vector<std::filesystem::path> files = AuthFiles(env);
  REQUIRE(files.size() == 2);
  CHECK(files[0] == dir.path() / "run/containers/auth.json");

  std::optional<Credentials> local = *FindCredentials(files, "localhost:5000");
  REQUIRE(local);
  CHECK(local->username == "podman");  // auth.json comes first
  CHECK(local->password == "p:with:colons");
  std::optional<Credentials> hub = *FindCredentials(files, "docker.io");
  REQUIRE(hub);
  CHECK(hub->username == "hub");
  CHECK_FALSE(*FindCredentials(files, "ghcr.io"));

  env.docker_config = (dir.path() / "elsewhere").string();
  env.registry_auth_file = (dir.path() / "explicit.json").string();
  files = AuthFiles(env);
  REQUIRE(files.size() == 3);
  CHECK(files[0] == dir.path() / "explicit.json");
  CHECK(files[2] == dir.path() / "elsewhere/config.json");

  WriteText(dir.path() / "explicit.json", R"({"auths":{"localhost:5000":{"auth":"bm90LXVzZXItcGFzcw=="}}})");
  CHECK(FindCredentials(files, "localhost:5000").status().code() == StatusCode::kInvalidArgument);
  WriteText(dir.path() / "explicit.json", "not json");
  CHECK_FALSE(FindCredentials(files, "localhost:5000").ok());
  // A credentials file that cannot be read is an error naming it, never an anonymous request.
  std::filesystem::remove(dir.path() / "explicit.json");
  std::filesystem::create_directory(dir.path() / "explicit.json");
  StatusOr<std::optional<Credentials>> directory = FindCredentials(files, "localhost:5000");
  REQUIRE_FALSE(directory.ok());
  CHECK(directory.status().message().find("explicit.json is a directory") != std::string::npos);
  WriteText(dir.path() / "big/config.json", std::string((1 << 20) + 1, ' '));
  CHECK(FindCredentials({dir.path() / "big/config.json"}, "localhost:5000").status().code() ==
        StatusCode::kResourceExhausted);
  CHECK_FALSE(*FindCredentials({dir.path() / "none.json"}, "localhost:5000"));  // missing: none
}

struct AuthFixture {
  FakeRegistry registry;
  Endpoint endpoint{"registry.test", "https", "registry.test"};
};

TEST_CASE("auth: Bearer token flow sends the credentials to the realm, the token to the registry") {
  AuthFixture f;
  f.registry.auth = FakeRegistry::Auth::kBearer;
  f.registry.AddBlob("blob");
  Authenticator auth(f.registry, "registry.test", Credentials{"user", "secret"});
  RegistryClient client(f.registry, auth, f.endpoint, "app", /*push=*/true);
  REQUIRE(client.Ping().ok());
  CHECK(*client.HasBlob(Digest::Of("blob")));
  // ping (401), token, ping again, then HEAD with the token straight away.
  REQUIRE(f.registry.requests.size() == 4);
  CHECK(f.registry.requests[1].find("https://auth.test/token?service=registry.test&scope=repository%3Aapp%3Apull%2Cpush") == 4);
  CHECK(f.registry.authorizations[1] == "Basic " + Base64Encode("user:secret"));
  CHECK(f.registry.authorizations[3] == "Bearer fake-token");
}

TEST_CASE("auth: anonymous tokens and the access_token field") {
  AuthFixture f;
  f.registry.auth = FakeRegistry::Auth::kBearer;
  f.registry.allow_anonymous_token = true;
  f.registry.token_field = "access_token";
  Authenticator auth(f.registry, "registry.test", std::nullopt);
  RegistryClient client(f.registry, auth, f.endpoint, "app", false);
  CHECK(client.Ping().ok());
  CHECK(f.registry.authorizations[1].empty());
  CHECK(f.registry.authorizations.back() == "Bearer fake-token");
}

TEST_CASE("auth: a token service refusing the credentials is a clear permission error") {
  AuthFixture f;
  f.registry.auth = FakeRegistry::Auth::kBearer;
  Authenticator auth(f.registry, "registry.test", Credentials{"user", "wrong"});
  RegistryClient client(f.registry, auth, f.endpoint, "app", false);
  Status status = client.Ping();
  CHECK(status.code() == StatusCode::kPermissionDenied);
  CHECK(status.message().find("refused the credentials of user") != std::string::npos);
}

TEST_CASE("auth: Basic challenge uses the config file's credentials; without any it says where it looked") {
  AuthFixture f;
  f.registry.auth = FakeRegistry::Auth::kBasic;
  {
    Authenticator auth(f.registry, "registry.test", Credentials{"user", "secret"});
    RegistryClient client(f.registry, auth, f.endpoint, "app", false);
    CHECK(client.Ping().ok());
    CHECK(f.registry.authorizations.back() == "Basic " + Base64Encode("user:secret"));
  }
  {
    Authenticator auth(f.registry, "registry.test", std::nullopt);
    RegistryClient client(f.registry, auth, f.endpoint, "app", false);
    Status status = client.Ping();
    CHECK(status.code() == StatusCode::kPermissionDenied);
    CHECK(status.message().find("no credentials") != std::string::npos);
  }
  {
    Authenticator auth(f.registry, "registry.test", Credentials{"user", "bad"});
    RegistryClient client(f.registry, auth, f.endpoint, "app", false);
    CHECK(client.Ping().code() == StatusCode::kPermissionDenied);
  }
}

}  // namespace
}  // namespace mybuild::registry
