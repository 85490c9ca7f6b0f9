#include <doctest/doctest.h>

#include <filesystem>

#include "src/base/temp_dir.h"
#include "src/image/image_config.h"
#include "src/image/image_store.h"
#include "src/image/manifest.h"
#include "src/registry/base64.h"
#include "src/registry/endpoint.h"
#include "src/registry/fake_registry.h"
#include "src/registry/platform_match.h"
#include "src/registry/pull.h"
#include "src/registry/push.h"
#include "src/registry/url.h"

namespace mybuild::registry {
namespace {

size_t CountFiles(const std::filesystem::path& dir) {
  size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++count;
  return count;
}

// A blob store, a fake registry and a client for its repository "app" (anonymous).
struct Fixture {
  TempDir dir = *TempDir::Create();
  cache::BlobStore blobs = *cache::BlobStore::Open(dir.path() / "root");
  FakeRegistry registry;
  Authenticator auth{registry, "registry.test", std::nullopt};
  RegistryClient client{registry, auth, Endpoint{"registry.test", "https", "registry.test"}, "app", true};
  std::vector<std::string> log;
  ProgressLog logger = [this](const std::string& line) { log.push_back(line); };

  size_t StoredBlobs() const { return CountFiles(dir.path() / "root/blobs/sha256"); }
};

// An image with uncompressed layers (their digest is their diff_id) in the fake registry's "app".
struct RemoteImage {
  std::string config;
  std::string manifest;
  Digest digest;
};

RemoteImage AddImage(FakeRegistry& registry, const std::string& tag, const std::vector<std::string>& layers,
                     const std::string& manifest_type = std::string(image::media_type::kOciManifest)) {
  image::ImageConfig config;
  image::Manifest manifest;
  manifest.media_type = manifest_type;
  for (const std::string& layer : layers) {
    config.diff_ids.push_back(registry.AddBlob(layer));
    manifest.layers.push_back(image::Descriptor{std::string(image::media_type::kOciLayer), Digest::Of(layer),
                                                static_cast<int64_t>(layer.size()), {}, {}, {}});
  }
  RemoteImage out;
  out.config = image::Serialize(config);
  manifest.config = image::Descriptor{std::string(image::media_type::kOciConfig), registry.AddBlob(out.config),
                                      static_cast<int64_t>(out.config.size()), {}, {}, {}};
  out.manifest = image::Serialize(manifest);
  out.digest = registry.AddManifest("app", tag, manifest_type, out.manifest);
  return out;
}

const image::Platform kAmd64{"amd64", "linux", "", "", {}};

TEST_CASE("url: Location headers (absolute and relative) and query parameters") {
  const std::string post = "https://r.test:5000/v2/app/blobs/uploads/";
  CHECK(ResolveLocation(post, "https://other.test/up/1?x=1") == "https://other.test/up/1?x=1");
  CHECK(ResolveLocation(post, "/v2/app/blobs/uploads/u1?_state=s") == "https://r.test:5000/v2/app/blobs/uploads/u1?_state=s");
  CHECK(ResolveLocation(post, "u1") == "https://r.test:5000/v2/app/blobs/uploads/u1");
  CHECK(ResolveLocation(post, "//cdn.test/x") == "https://cdn.test/x");
  CHECK(WithQuery("http://h/p?_state=a", "digest", "sha256:ab") == "http://h/p?_state=a&digest=sha256%3Aab");
  CHECK(WithQuery("http://h/p", "digest", "sha256:ab") == "http://h/p?digest=sha256%3Aab");
  CHECK(OriginOf("http://[::1]:5000/v2/") == "http://[::1]:5000");
}

TEST_CASE("endpoint: loopback hosts are http, docker.io is registry-1, insecure lists") {
  CHECK(ResolveEndpoint("localhost:5000", {}).BaseUrl() == "http://localhost:5000");
  CHECK(ResolveEndpoint("127.0.0.1:5000", {}).scheme == "http");
  CHECK(ResolveEndpoint("127.3.2.1", {}).scheme == "http");
  CHECK(ResolveEndpoint("[::1]:5000", {}).scheme == "http");
  CHECK(ResolveEndpoint("127.0.0.1.evil.com", {}).scheme == "https");
  CHECK(ResolveEndpoint("128.0.0.1:5000", {}).scheme == "https");
  CHECK(ResolveEndpoint("docker.io", {}).BaseUrl() == "https://registry-1.docker.io");
  CHECK(ResolveEndpoint("reg.test:5000", ParseHostList("a.test, reg.test:5000")).scheme == "http");
  CHECK(ResolveEndpoint("reg.test:5000", ParseHostList("reg.test")).scheme == "http");
  CHECK(ResolveEndpoint("reg.test:5000", ParseHostList("reg.test:6000")).scheme == "https");
  CHECK(ResolveEndpoint("reg.test", {}, /*insecure_all=*/true).scheme == "http");
}

TEST_CASE("pull: manifest, config and layers land in the blob store, verified") {
  Fixture f;
  RemoteImage remote = AddImage(f.registry, "1", {"layer one", "layer two"});
  StatusOr<PulledImage> pulled = PullImage(f.client, "1", kAmd64, f.blobs, f.logger);
  REQUIRE_MESSAGE(pulled.ok(), pulled.status().ToString());
  CHECK(pulled->manifest == remote.digest);
  CHECK(pulled->blobs_fetched == 3);
  StatusOr<image::StoredImage> stored = image::LoadImage(f.blobs, remote.digest);
  REQUIRE(stored.ok());
  CHECK(stored->manifest.layers.size() == 2);
  // A second pull downloads nothing.
  const size_t gets = f.registry.Count("GET", "/blobs/");
  pulled = PullImage(f.client, "1", kAmd64, f.blobs, f.logger);
  REQUIRE(pulled.ok());
  CHECK(pulled->blobs_fetched == 0);
  CHECK(f.registry.Count("GET", "/blobs/") == gets);
}

TEST_CASE("pull: a Docker schema 2 manifest list resolves to the host platform's manifest") {
  Fixture f;
  RemoteImage amd = AddImage(f.registry, "", {"amd64 layer"}, std::string(image::media_type::kDockerManifest));
  RemoteImage arm = AddImage(f.registry, "", {"arm64 layer"}, std::string(image::media_type::kDockerManifest));
  image::Index index;
  index.media_type = image::media_type::kDockerManifestList;
  index.manifests.push_back(image::Descriptor{std::string(image::media_type::kDockerManifest), arm.digest,
                                              static_cast<int64_t>(arm.manifest.size()), {},
                                              image::Platform{"arm64", "linux", "v8", "", {}}, {}});
  index.manifests.push_back(image::Descriptor{std::string(image::media_type::kDockerManifest), amd.digest,
                                              static_cast<int64_t>(amd.manifest.size()), {}, kAmd64, {}});
  f.registry.AddManifest("app", "multi", std::string(image::media_type::kDockerManifestList), image::Serialize(index));
  StatusOr<PulledImage> pulled = PullImage(f.client, "multi", kAmd64, f.blobs, f.logger);
  REQUIRE_MESSAGE(pulled.ok(), pulled.status().ToString());
  CHECK(pulled->manifest == amd.digest);
  CHECK_FALSE(pulled->index.empty());
  CHECK_FALSE(f.blobs.Has(Digest::Of("arm64 layer")));

  StatusOr<PulledImage> none = PullImage(f.client, "multi", image::Platform{"s390x", "linux", "", "", {}}, f.blobs, f.logger);
  CHECK(none.status().code() == StatusCode::kNotFound);
  CHECK(none.status().message().find("linux/arm64/v8") != std::string::npos);
}

TEST_CASE("platform: variant rules") {
  image::Index index;
  auto add = [&](const std::string& arch, const std::string& variant, char fill) {
    index.manifests.push_back(image::Descriptor{std::string(image::media_type::kOciManifest),
                                                Digest::FromHex(std::string(64, fill)), 1, {},
                                                image::Platform{arch, "linux", variant, "", {}}, {}});
  };
  add("arm", "v6", 'a');
  add("arm", "v7", 'b');
  add("amd64", "", 'c');
  CHECK(SelectPlatform(index, image::Platform{"arm", "linux", "v7", "", {}})->digest.hex()[0] == 'b');
  CHECK(SelectPlatform(index, image::Platform{"arm", "linux", "", "", {}})->digest.hex()[0] == 'a');
  CHECK(SelectPlatform(index, image::Platform{"amd64", "linux", "", "", {}})->digest.hex()[0] == 'c');
  CHECK_FALSE(SelectPlatform(index, image::Platform{"arm", "linux", "v5", "", {}}).ok());
}

TEST_CASE("pull: a blob served with other bytes is refused and leaves no blob") {
  Fixture f;
  RemoteImage remote = AddImage(f.registry, "1", {"good layer"});
  f.registry.served_instead[Digest::Of("good layer").ToString()] = "evil layer";  // same size
  StatusOr<PulledImage> pulled = PullImage(f.client, "1", kAmd64, f.blobs, f.logger);
  CHECK(pulled.status().code() == StatusCode::kDataLoss);
  CHECK_FALSE(f.blobs.Has(Digest::Of("good layer")));
  CHECK_FALSE(f.blobs.Has(Digest::Of("evil layer")));
  CHECK_FALSE(f.blobs.Has(remote.digest));  // no manifest: no image
  CHECK(CountFiles(f.dir.path() / "root/ingest") == 0);

  f.registry.served_instead[Digest::Of("good layer").ToString()] = "good layer and more";  // longer
  pulled = PullImage(f.client, "1", kAmd64, f.blobs, f.logger);
  CHECK(pulled.status().code() == StatusCode::kDataLoss);
  CHECK(pulled.status().message().find("more than") != std::string::npos);
  CHECK(CountFiles(f.dir.path() / "root/ingest") == 0);

  f.registry.served_instead[Digest::Of("good layer").ToString()] = "good";  // shorter
  pulled = PullImage(f.client, "1", kAmd64, f.blobs, f.logger);
  CHECK(pulled.status().code() == StatusCode::kDataLoss);
  CHECK(f.StoredBlobs() == 1);  // only the (valid) config
  CHECK(CountFiles(f.dir.path() / "root/ingest") == 0);
}

TEST_CASE("pull: manifests that lie about their digest, or are too big, are refused") {
  Fixture f;
  RemoteImage remote = AddImage(f.registry, "1", {"layer"});
  f.registry.content_digest_override = Digest::Of("something else").ToString();
  StatusOr<PulledImage> pulled = PullImage(f.client, "1", kAmd64, f.blobs, f.logger);
  CHECK(pulled.status().code() == StatusCode::kDataLoss);
  CHECK(pulled.status().message().find("Docker-Content-Digest") != std::string::npos);
  f.registry.content_digest_override.clear();

  // By digest: the bytes must hash to it, whatever the headers say.
  f.registry.served_instead[remote.digest.ToString()] = remote.manifest + " ";
  f.registry.content_digest_override = Digest::Of(remote.manifest + " ").ToString();
  pulled = PullImage(f.client, remote.digest.ToString(), kAmd64, f.blobs, f.logger);
  CHECK(pulled.status().code() == StatusCode::kDataLoss);
  f.registry.content_digest_override.clear();
  f.registry.served_instead.clear();

  f.registry.AddManifest("app", "huge", std::string(image::media_type::kOciManifest),
                         std::string(image::kMaxJsonBytes + 1, ' '));
  pulled = PullImage(f.client, "huge", kAmd64, f.blobs, f.logger);
  CHECK(pulled.status().code() == StatusCode::kResourceExhausted);
  CHECK(f.StoredBlobs() == 0);
}

TEST_CASE("pull: config diff_ids must match the layers, in count and content") {
  Fixture f;
  // One diff_id too many.
  image::ImageConfig config;
  config.diff_ids = {Digest::Of("layer"), Digest::Of("other")};
  const std::string config_text = image::Serialize(config);
  image::Manifest manifest;
  manifest.config = image::Descriptor{std::string(image::media_type::kOciConfig), f.registry.AddBlob(config_text),
                                      static_cast<int64_t>(config_text.size()), {}, {}, {}};
  manifest.layers = {image::Descriptor{std::string(image::media_type::kOciLayer), f.registry.AddBlob("layer"), 5, {}, {}, {}}};
  f.registry.AddManifest("app", "count", std::string(image::media_type::kOciManifest), image::Serialize(manifest));
  StatusOr<PulledImage> pulled = PullImage(f.client, "count", kAmd64, f.blobs, f.logger);
  CHECK(pulled.status().code() == StatusCode::kInvalidArgument);
  CHECK(pulled.status().message().find("diff_ids") != std::string::npos);

  // The right count, a wrong diff_id.
  config.diff_ids = {Digest::Of("not the layer")};
  const std::string lying = image::Serialize(config);
  manifest.config = image::Descriptor{std::string(image::media_type::kOciConfig), f.registry.AddBlob(lying),
                                      static_cast<int64_t>(lying.size()), {}, {}, {}};
  const Digest manifest_digest =
      f.registry.AddManifest("app", "lying", std::string(image::media_type::kOciManifest), image::Serialize(manifest));
  pulled = PullImage(f.client, "lying", kAmd64, f.blobs, f.logger);
  CHECK(pulled.status().code() == StatusCode::kDataLoss);
  CHECK_FALSE(f.blobs.Has(manifest_digest));
}

TEST_CASE("pull: a digest that is not sha256:<64 hex> never reaches a path") {
  Fixture f;
  f.registry.AddManifest("app", "bad", std::string(image::media_type::kOciManifest),
                         R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                         R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:../../x","size":2},"layers":[]})");
  StatusOr<PulledImage> pulled = PullImage(f.client, "bad", kAmd64, f.blobs, f.logger);
  CHECK(pulled.status().code() == StatusCode::kInvalidArgument);
  CHECK(f.registry.Count("GET", "/blobs/") == 0);
}

// A local image to push: two layers and a config in the blob store.
Digest StoreLocalImage(const cache::BlobStore& blobs, const std::vector<std::string>& layers) {
  image::ImageConfig config;
  std::vector<image::Descriptor> descriptors;
  for (const std::string& layer : layers) {
    cache::BlobInfo info = *blobs.Put(layer);
    config.diff_ids.push_back(info.digest);
    descriptors.push_back(image::Descriptor{std::string(image::media_type::kOciLayer), info.digest,
                                            static_cast<int64_t>(info.size), {}, {}, {}});
  }
  return image::StoreImage(blobs, config, descriptors)->manifest_digest;
}

TEST_CASE("push: uploads missing blobs through relative and absolute Locations, then the manifest") {
  for (bool absolute : {false, true}) {
    CAPTURE(absolute);
    Fixture f;
    f.registry.absolute_location = absolute;
    const Digest manifest = StoreLocalImage(f.blobs, {"first layer", std::string(300000, 'x')});
    StatusOr<PushedImage> pushed = PushImage(f.client, f.blobs, manifest, "v1", f.logger);
    REQUIRE_MESSAGE(pushed.ok(), pushed.status().ToString());
    CHECK(pushed->manifest == manifest);
    CHECK(pushed->blobs_uploaded == 3);
    CHECK(f.registry.blobs.count(Digest::Of(std::string(300000, 'x')).ToString()) == 1);
    CHECK(f.registry.manifests["app"]["v1"].media_type == image::media_type::kOciManifest);
    CHECK(Digest::Of(f.registry.manifests["app"]["v1"].bytes) == manifest);
    CHECK(f.registry.Count("PUT", "/blobs/uploads/upload-") == 3);
    CHECK(f.registry.Count("PUT", "?_state=x&digest=sha256%3A") == 3);
  }
}

TEST_CASE("push: credentials never go to an upload Location on another origin") {
  Fixture f;
  f.registry.auth = FakeRegistry::Auth::kBasic;
  f.registry.upload_origin = "https://storage.test";
  Authenticator auth(f.registry, "registry.test", Credentials{"user", "secret"});
  RegistryClient client(f.registry, auth, Endpoint{"registry.test", "https", "registry.test"}, "app", true);
  const Digest manifest = StoreLocalImage(f.blobs, {"layer"});
  StatusOr<PushedImage> pushed = PushImage(client, f.blobs, manifest, "1", f.logger);
  REQUIRE_MESSAGE(pushed.ok(), pushed.status().ToString());
  CHECK(pushed->blobs_uploaded == 2);
  size_t to_storage = 0;
  for (size_t i = 0; i < f.registry.requests.size(); ++i) {
    if (f.registry.requests[i].find("https://storage.test/") == std::string::npos) continue;
    ++to_storage;
    CHECK(f.registry.authorizations[i].empty());
  }
  CHECK(to_storage == 2);
  CHECK(f.registry.authorizations.back() == "Basic " + Base64Encode("user:secret"));  // the manifest PUT
}

TEST_CASE("push: blobs the registry has are skipped (HEAD), pushing twice uploads nothing") {
  Fixture f;
  const Digest manifest = StoreLocalImage(f.blobs, {"shared layer", "own layer"});
  f.registry.AddBlob("shared layer");
  StatusOr<PushedImage> pushed = PushImage(f.client, f.blobs, manifest, "v1", f.logger);
  REQUIRE(pushed.ok());
  CHECK(pushed->blobs_uploaded == 2);
  CHECK(pushed->blobs_skipped == 1);
  pushed = PushImage(f.client, f.blobs, manifest, "v2", f.logger);
  REQUIRE(pushed.ok());
  CHECK(pushed->blobs_uploaded == 0);
  CHECK(pushed->blobs_skipped == 3);
  CHECK(f.registry.Count("POST", "/blobs/uploads/") == 2);
  CHECK(f.registry.manifests["app"].count("v2") == 1);
}

TEST_CASE("push: a second repository mounts the blobs of the first instead of uploading them") {
  Fixture f;
  f.registry.separate_repositories = true;
  const Digest manifest = StoreLocalImage(f.blobs, {"layer"});
  REQUIRE(PushImage(f.client, f.blobs, manifest, "1", f.logger).ok());
  RegistryClient copy(f.registry, f.auth, Endpoint{"registry.test", "https", "registry.test"}, "copy", true);
  StatusOr<PushedImage> pushed = PushImage(copy, f.blobs, manifest, "1", f.logger, "app");
  REQUIRE_MESSAGE(pushed.ok(), pushed.status().ToString());
  CHECK(pushed->blobs_mounted == 2);
  CHECK(pushed->blobs_uploaded == 0);
  CHECK(f.registry.Count("POST", "/v2/copy/blobs/uploads/?mount=sha256%3A") == 2);
  CHECK(f.registry.Count("PUT", "/v2/copy/blobs/uploads/") == 0);
  // A repository that lacks the blobs: the registry declines the mount and the blobs are uploaded.
  RegistryClient third(f.registry, f.auth, Endpoint{"registry.test", "https", "registry.test"}, "third", true);
  pushed = PushImage(third, f.blobs, manifest, "1", f.logger, "empty");
  REQUIRE(pushed.ok());
  CHECK(pushed->blobs_mounted == 0);
  CHECK(pushed->blobs_uploaded == 2);
}

TEST_CASE("push then pull through the fake registry gives the same image") {
  Fixture f;
  const Digest manifest = StoreLocalImage(f.blobs, {"a", "b"});
  REQUIRE(PushImage(f.client, f.blobs, manifest, "rt", f.logger).ok());
  TempDir other = *TempDir::Create();
  cache::BlobStore fresh = *cache::BlobStore::Open(other.path() / "root");
  StatusOr<PulledImage> pulled = PullImage(f.client, "rt", kAmd64, fresh, f.logger);
  REQUIRE(pulled.ok());
  CHECK(pulled->manifest == manifest);
  CHECK(image::LoadImage(fresh, manifest).ok());
}

}  // namespace
}  // namespace mybuild::registry
