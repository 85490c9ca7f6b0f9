#include <doctest/doctest.h>

#include "src/image/descriptor.h"
#include "src/image/image_config.h"
#include "src/image/manifest.h"
#include "src/image/reference.h"
#include "tests/test_support.h"

namespace mybuild::image {
namespace {

Digest D(char c) { return Digest::FromHex(std::string(64, c)); }

TEST_CASE("oci types: manifest serialises canonically and round-trips") {
  Manifest manifest;
  manifest.config = {std::string(media_type::kOciConfig), D('a'), 123, {}, std::nullopt, {}};
  manifest.layers.push_back(
      {std::string(media_type::kOciLayerGzip), D('b'), 456, {{"k", "v"}}, std::nullopt, {}});
  std::string json = Serialize(manifest);
  CHECK(json == "{\"config\":{\"digest\":\"sha256:" + std::string(64, 'a') +
                    "\",\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":123},"
                    "\"layers\":[{\"annotations\":{\"k\":\"v\"},\"digest\":\"sha256:" +
                    std::string(64, 'b') +
                    "\",\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"size\":456}],"
                    "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"schemaVersion\":2}");
  StatusOr<Manifest> parsed = ParseManifest(json);
  REQUIRE(parsed.ok());
  CHECK(*parsed == manifest);
}

TEST_CASE("oci types: hostile manifests are refused") {
  CHECK_FALSE(ParseManifest("{").ok());
  CHECK_FALSE(ParseManifest("[]").ok());
  CHECK_FALSE(ParseManifest("{\"schemaVersion\":1,\"config\":{}}").ok());
  std::string bad_digest =
      "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:../../etc/"
      "passwd\",\"size\":1}}";
  StatusOr<Manifest> parsed = ParseManifest(bad_digest);
  CHECK(parsed.status().code() == StatusCode::kInvalidArgument);
  CHECK(parsed.status().message().find("manifest.config.digest") != std::string::npos);
  std::string negative =
      "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:" + std::string(64, 'a') +
      "\",\"size\":-1}}";
  CHECK_FALSE(ParseManifest(negative).ok());
  std::string huge(kMaxJsonBytes + 1, ' ');
  CHECK(ParseManifest(huge).status().code() == StatusCode::kResourceExhausted);
  Index index;
  index.manifests.push_back({std::string(media_type::kOciManifest),
                             D('c'),
                             10,
                             {{std::string(kRefNameAnnotation), "latest"}},
                             Platform{"arm64", "linux", "v8", "", {}},
                             {}});
  StatusOr<Index> round = ParseIndex(Serialize(index));
  REQUIRE(round.ok());
  CHECK(*round == index);
  CHECK_FALSE(ParseIndex(Serialize(Manifest{})).ok());
}

TEST_CASE("oci types: image config with docker extensions round-trips") {
  ImageConfig config;
  config.created = FormatTimestamp(0);
  CHECK(config.created == "1970-01-01T00:00:00Z");
  config.config.user = "app";
  config.config.exposed_ports = {"443/tcp", "80/tcp"};
  config.config.env = {"PATH=/usr/bin", "A=b"};
  config.config.entrypoint = std::vector<std::string>{"/init"};
  config.config.cmd = std::vector<std::string>{};
  config.config.volumes = {"/data"};
  config.config.working_dir = "/app";
  config.config.labels = {{"b", "2"}, {"a", "1"}};
  config.config.stop_signal = "SIGTERM";
  config.config.shell = {"/bin/bash", "-c"};
  config.config.healthcheck = HealthConfig{{"CMD-SHELL", "true"}, 30000000000, 5000000000, 0, 0, 3};
  config.config.on_build = {"RUN echo hi"};
  config.diff_ids = {D('1'), D('2')};
  config.history = {{"1970-01-01T00:00:00Z", "RUN x", "", "", false}, {"", "ENV A=b", "", "", true}};
  std::string json = Serialize(config);
  CHECK(json.find("\"ExposedPorts\":{\"443/tcp\":{},\"80/tcp\":{}}") != std::string::npos);
  CHECK(json.find("\"Cmd\":[]") != std::string::npos);
  CHECK(json.find("\"rootfs\":{\"diff_ids\":[") != std::string::npos);
  CHECK(json.find("\": ") == std::string::npos);
  CHECK(json.find(", \"") == std::string::npos);
  StatusOr<ImageConfig> parsed = ParseImageConfig(json);
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  CHECK(*parsed == config);
  CHECK(Serialize(*parsed) == json);
}

TEST_CASE("oci types: image config validation names the field") {
  StatusOr<ImageConfig> no_rootfs = ParseImageConfig("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
  CHECK(no_rootfs.status().message().find("rootfs") != std::string::npos);
  StatusOr<ImageConfig> bad_diff =
      ParseImageConfig("{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"md5:x\"]}}");
  CHECK(bad_diff.status().message().find("diff_ids[0]") != std::string::npos);
  StatusOr<ImageConfig> bad_env =
      ParseImageConfig("{\"config\":{\"Env\":\"A=b\"},\"rootfs\":{\"type\":\"layers\"}}");
  CHECK(bad_env.status().message().find("config.Env") != std::string::npos);
  StatusOr<ImageConfig> null_cmd =
      ParseImageConfig("{\"config\":{\"Cmd\":null},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
  REQUIRE(null_cmd.ok());
  CHECK_FALSE(null_cmd->config.cmd.has_value());
}

TEST_CASE("oci types: media types map to compressions") {
  CHECK(*CompressionOfMediaType(media_type::kDockerLayerGzip) == Compression::kGzip);
  CHECK(*CompressionOfMediaType(media_type::kOciLayerZstd) == Compression::kZstd);
  CHECK(*CompressionOfMediaType(media_type::kOciLayer) == Compression::kNone);
  CHECK_FALSE(CompressionOfMediaType("application/json").ok());
}

TEST_CASE("references: docker normalisation") {
  CHECK(*NormalizeReference("busybox") == "docker.io/library/busybox:latest");
  CHECK(*NormalizeReference("me/app:1.0") == "docker.io/me/app:1.0");
  CHECK(*NormalizeReference("localhost:5000/app") == "localhost:5000/app:latest");
  CHECK(*NormalizeReference("index.docker.io/library/alpine:3") == "docker.io/library/alpine:3");
  std::string digest = "sha256:" + std::string(64, 'a');
  CHECK(*NormalizeReference("ghcr.io/o/r@" + digest) == "ghcr.io/o/r@" + digest);
  CHECK(*NormalizeReference("ghcr.io/o/r:v1@" + digest) == "ghcr.io/o/r:v1@" + digest);
  CHECK(ParseReference("busybox")->Familiar() == "busybox:latest");
  CHECK(ParseReference("ghcr.io/o/r:v1")->Familiar() == "ghcr.io/o/r:v1");
  CHECK_FALSE(NormalizeReference("Busybox").ok());
  CHECK_FALSE(NormalizeReference("a//b").ok());
  CHECK_FALSE(NormalizeReference("a:-bad").ok());
  CHECK_FALSE(NormalizeReference("a@sha256:../x").ok());
  CHECK_FALSE(NormalizeReference("").ok());
}

}  // namespace
}  // namespace mybuild::image
