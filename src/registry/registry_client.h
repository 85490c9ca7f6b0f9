// The OCI distribution-spec endpoints of one repository on one registry:
//   GET  /v2/                                   ping (and the first auth challenge)
//   HEAD/GET /v2/<name>/manifests/<ref>         manifests and indexes (≤ 4 MiB, digest verified)
//   HEAD/GET /v2/<name>/blobs/<digest>          blobs, streamed into the blob store and verified there
//   POST /v2/<name>/blobs/uploads/ + PUT <Location>?digest=   monolithic upload, streamed from the blob file
//   POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<other>  cross-repository mount (no upload)
//   PUT  /v2/<name>/manifests/<tag>             a manifest with its media type
// Every request carries the authorization its scope needs; a 401 is answered (authenticator.h) and the
// request sent once more. The Authorization header goes only to the registry's own origin: a Location
// or redirect to another host gets none.
#ifndef MYBUILD_REGISTRY_REGISTRY_CLIENT_H_
#define MYBUILD_REGISTRY_REGISTRY_CLIENT_H_

#include <cstdint>
#include <string>

#include "cache/blob_store.h"
#include "src/base/digest.h"
#include "src/image/descriptor.h"
#include "src/registry/authenticator.h"
#include "src/registry/endpoint.h"
#include "src/registry/http_transport.h"

namespace mybuild::registry {

// A manifest or index as the registry sent it: the exact bytes (their digest is its identity).
struct FetchedManifest {
  std::string media_type;
  std::string bytes;
  Digest digest;
};

class RegistryClient {
 public:
  // `repository` is the path on the registry ("library/busybox", "app"); `push` asks for push access.
  RegistryClient(HttpTransport& transport, Authenticator& auth, Endpoint endpoint, std::string repository, bool push);

  // GET /v2/: checks that a registry answers (a 401 is answered too, so later requests carry auth).
  Status Ping();

  // The manifest or index that `reference` (a tag or "sha256:…") names. At most image::kMaxJsonBytes;
  // for a digest reference the bytes must hash to it, and a Docker-Content-Digest header must match the
  // bytes (kDataLoss otherwise).
  StatusOr<FetchedManifest> GetManifest(const std::string& reference);

  // Whether the registry has the blob (HEAD).
  StatusOr<bool> HasBlob(const Digest& digest);

  // Downloads a blob into `blobs`: it becomes visible only when its size and digest are `descriptor`'s
  // (kDataLoss otherwise, nothing stored). More bytes than `descriptor.size` end the transfer early.
  StatusOr<cache::BlobInfo> FetchBlob(const image::Descriptor& descriptor, const cache::BlobStore& blobs);

  // Uploads a stored blob (POST + PUT, streamed from its file). With `mount_from` (another repository on
  // the same registry that has the blob) the registry is asked to link it instead; a registry that
  // declines (202) gets the upload. Returns true when the blob was mounted.
  StatusOr<bool> UploadBlob(const image::Descriptor& descriptor, const cache::BlobStore& blobs,
                            const std::string& mount_from = {});

  // PUT /v2/<name>/manifests/<tag>; returns the digest of `bytes` (checked against the registry's
  // Docker-Content-Digest answer when it sends one).
  StatusOr<Digest> PutManifest(const std::string& tag, const std::string& media_type, const std::string& bytes);

  const Endpoint& endpoint() const { return endpoint_; }
  const std::string& repository() const { return repository_; }

 private:
  // Sends with authorization (only to the registry's origin), answering one 401.
  StatusOr<HttpResponse> Send(HttpRequest request);
  // "GET URL: HTTP 404 MANIFEST_UNKNOWN: manifest unknown" from a failed answer.
  Status Failure(const HttpRequest& request, const HttpResponse& response) const;
  std::string Url(const std::string& path) const;

  HttpTransport& transport_;
  Authenticator& auth_;
  Endpoint endpoint_;
  std::string repository_;
  std::string scope_;
};

}  // namespace mybuild::registry

#endif  // MYBUILD_REGISTRY_REGISTRY_CLIENT_H_
