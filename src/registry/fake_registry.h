// An in-memory distribution registry behind HttpTransport, for unit tests: manifests, blobs and
// monolithic uploads of any repository, an optional Basic or Bearer login (with its token service), and
// knobs that make it misbehave like a hostile server. Every request is recorded.
//   registry: https://registry.test        token service: https://auth.test/token
#ifndef MYBUILD_REGISTRY_FAKE_REGISTRY_H_
#define MYBUILD_REGISTRY_FAKE_REGISTRY_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "src/base/digest.h"
#include "src/registry/http_transport.h"

namespace mybuild::registry {

class FakeRegistry : public HttpTransport {
 public:
  static constexpr const char* kBaseUrl = "https://registry.test";
  static constexpr const char* kRealm = "https://auth.test/token";

  enum class Auth { kNone, kBasic, kBearer };
  Auth auth = Auth::kNone;
  std::string username = "user";
  std::string password = "secret";
  bool allow_anonymous_token = false;   // Bearer: issue tokens without credentials
  bool absolute_location = false;       // upload Location as an absolute URL (else host-relative)
  std::string upload_origin;            // uploads go to this other origin (pre-authorised, like storage)
  std::string token_field = "token";    // or "access_token"
  std::map<std::string, std::string> served_instead;  // blob/manifest digest -> bytes served for it
  std::string content_digest_override;  // sent as Docker-Content-Digest for every manifest
  // Blobs belong to the repositories they were uploaded (or mounted) to, as in distribution; else every
  // blob is visible in every repository. Mounts (?mount=&from=) are served either way.
  bool separate_repositories = false;

  // Content, by repository.
  std::map<std::string, std::string> blobs;  // digest string -> bytes (shared by all repositories)
  struct StoredManifest {
    std::string media_type;
    std::string bytes;
  };
  std::map<std::string, std::map<std::string, StoredManifest>> manifests;  // repository -> tag/digest -> …

  // "METHOD URL" of every request, in order; the Authorization header of each.
  std::vector<std::string> requests;
  std::vector<std::string> authorizations;

  // Adds a blob / a manifest (under its digest and `tag` when given); returns the digest.
  Digest AddBlob(const std::string& bytes);
  Digest AddManifest(const std::string& repository, const std::string& tag, const std::string& media_type,
                     const std::string& bytes);
  // How many requests match "METHOD" and contain `url_part`.
  size_t Count(const std::string& method, const std::string& url_part) const;

  StatusOr<HttpResponse> Send(const HttpRequest& request) override;

 private:
  StatusOr<HttpResponse> Handle(const HttpRequest& request, const std::string& body);
  HttpResponse Token(const HttpRequest& request) const;
  bool Authorized(const HttpRequest& request) const;
  int next_upload_ = 0;
  std::map<std::string, std::string> uploads_;  // upload id -> repository
  std::set<std::pair<std::string, std::string>> links_;  // (repository, digest) uploaded or mounted
};

}  // namespace mybuild::registry

#endif  // MYBUILD_REGISTRY_FAKE_REGISTRY_H_
