#include "src/cli/registry_access.h"

#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>

#include "src/image/manifest.h"
#include "src/image/reference.h"
#include "src/planner/platform.h"
#include "src/registry/authenticator.h"
#include "src/registry/credentials.h"
#include "src/registry/curl_transport.h"
#include "src/registry/endpoint.h"

namespace mybuild::cli {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

// Everything one command needs to talk to one repository.
struct Connection {
  explicit Connection(registry::CurlOptions options) : transport(std::move(options)) {}
  registry::CurlTransport transport;
  registry::Endpoint endpoint;
  std::unique_ptr<registry::Authenticator> auth;
  std::unique_ptr<registry::RegistryClient> client;
};

StatusOr<std::unique_ptr<Connection>> Connect(const image::Reference& reference, const RegistryAccess& access,
                                              bool push) {
  auto connection = std::make_unique<Connection>(registry::CurlOptions{Env("MYBUILD_REGISTRY_CA_FILE")});
  connection->endpoint = registry::ResolveEndpoint(
      reference.domain, registry::ParseHostList(Env("MYBUILD_INSECURE_REGISTRIES")), access.insecure);
  MB_ASSIGN_OR_RETURN(std::optional<registry::Credentials> credentials,
                      registry::FindCredentials(registry::AuthFiles(registry::AuthFileEnvironment::FromProcess()),
                                                reference.domain));
  connection->auth =
      std::make_unique<registry::Authenticator>(connection->transport, reference.domain, std::move(credentials));
  connection->client = std::make_unique<registry::RegistryClient>(connection->transport, *connection->auth,
                                                                  connection->endpoint, reference.repository, push);
  if (Status ping = connection->client->Ping(); !ping.ok()) {
    return ping.WithContext("registry " + reference.domain + " (" + connection->endpoint.BaseUrl() + ")");
  }
  return connection;
}

}  // namespace

StatusOr<registry::PulledImage> PullReference(const cache::BlobStore& blobs, const std::string& reference,
                                              const RegistryAccess& access) {
  MB_ASSIGN_OR_RETURN(image::Reference parsed, image::ParseReference(reference));
  MB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection, Connect(parsed, access, /*push=*/false));
  const planner::Platform host = planner::HostPlatform();
  image::Platform platform;
  platform.os = host.os;
  platform.architecture = host.architecture;
  platform.variant = host.variant;
  const std::string ref = parsed.digest ? parsed.digest->ToString() : parsed.tag;
  StatusOr<registry::PulledImage> pulled = registry::PullImage(*connection->client, ref, platform, blobs, access.log);
  if (!pulled.ok()) return pulled.status().WithContext("pull " + parsed.ToString());
  return pulled;
}

StatusOr<registry::PushedImage> PushToReference(const cache::BlobStore& blobs, const Digest& manifest,
                                                const std::string& name, const RegistryAccess& access) {
  MB_ASSIGN_OR_RETURN(image::Reference parsed, image::ParseReference(name));
  if (parsed.digest) return InvalidArgument("push " + name + ": push to a tag, not to a digest");
  MB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection, Connect(parsed, access, /*push=*/true));
  std::string mount_from;
  if (StatusOr<image::Reference> earlier = image::ParseReference(access.mount_from);
      !access.mount_from.empty() && earlier.ok() && earlier->domain == parsed.domain) {
    mount_from = earlier->repository;
  }
  StatusOr<registry::PushedImage> pushed =
      registry::PushImage(*connection->client, blobs, manifest, parsed.tag, access.log, mount_from);
  if (!pushed.ok()) return pushed.status().WithContext("push " + parsed.ToString());
  return pushed;
}

StatusOr<worker::ImportedCache> ImportRegistryCache(const cache::BlobStore& blobs, const std::string& reference,
                                                    const RegistryAccess& access) {
  MB_ASSIGN_OR_RETURN(image::Reference parsed, image::ParseReference(reference));
  MB_ASSIGN_OR_RETURN(std::shared_ptr<Connection> connection, Connect(parsed, access, /*push=*/false));
  MB_ASSIGN_OR_RETURN(registry::FetchedManifest fetched,
                      connection->client->GetManifest(parsed.digest ? parsed.digest->ToString() : parsed.tag));
  if (!image::IsManifestMediaType(fetched.media_type)) {
    return InvalidArgument(parsed.ToString() + " is not a mybuild cache (a " + fetched.media_type + ")");
  }
  MB_ASSIGN_OR_RETURN(image::Manifest manifest, image::ParseManifest(fetched.bytes));
  if (manifest.config.media_type != worker::kCacheRecordsMediaType) {
    return InvalidArgument(parsed.ToString() + " is not a mybuild cache (its config is a " +
                           manifest.config.media_type + ")");
  }
  if (manifest.config.size < 0 || static_cast<uint64_t>(manifest.config.size) > image::kMaxJsonBytes) {
    return ResourceExhausted(parsed.ToString() + ": cache records of " + std::to_string(manifest.config.size) +
                             " bytes");
  }
  MB_RETURN_IF_ERROR(connection->client->FetchBlob(manifest.config, blobs).status());
  MB_RETURN_IF_ERROR(blobs.Put(fetched.bytes, fetched.digest).status());
  MB_ASSIGN_OR_RETURN(auto records, worker::LoadCacheRecords(blobs, fetched.digest));
  auto transfer = std::make_shared<std::mutex>();
  return worker::ImportedCache{
      parsed.ToString(), std::move(records), [connection, transfer, &blobs](const worker::LayerRef& layer) {
        std::lock_guard<std::mutex> lock(*transfer);
        image::Descriptor descriptor{layer.media_type, layer.digest, static_cast<int64_t>(layer.size), {}, {}, {}};
        return connection->client->FetchBlob(descriptor, blobs).status();
      }};
}

StatusOr<Digest> PullForBuild(const cache::BlobStore& blobs, image::ImageStore& images, const std::string& name) {
  RegistryAccess access;
  access.log = [&name](const std::string& line) { std::cerr << "pull " << name << ": " << line << "\n"; };
  MB_ASSIGN_OR_RETURN(registry::PulledImage pulled, PullReference(blobs, name, access));
  MB_RETURN_IF_ERROR(images.Tag(name, pulled.manifest));
  std::cerr << "pulled " << name << "@" << pulled.manifest.ToString() << "\n";
  return pulled.manifest;
}

}  // namespace mybuild::cli
