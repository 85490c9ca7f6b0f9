// Answers a registry's 401 challenge, as docker does:
//   Bearer: GET <realm>?service=<service>&scope=<scope> (with Basic credentials when there are any) and
//           use the "token" (or "access_token") of the JSON answer;
//   Basic:  send the credentials with every request.
// Tokens are kept per scope for the authenticator's lifetime (one command).
#ifndef MYBUILD_REGISTRY_AUTHENTICATOR_H_
#define MYBUILD_REGISTRY_AUTHENTICATOR_H_

#include <map>
#include <optional>
#include <string>

#include "src/registry/credentials.h"
#include "src/registry/http_transport.h"

namespace mybuild::registry {

class Authenticator {
 public:
  // `credentials` are the user's for this registry (nullopt: anonymous); `registry` names it in errors.
  Authenticator(HttpTransport& transport, std::string registry, std::optional<Credentials> credentials)
      : transport_(transport), registry_(std::move(registry)), credentials_(std::move(credentials)) {}

  // The Authorization header value for requests needing `scope` ("" while none is known).
  std::string Authorization(const std::string& scope) const;

  // Obtains authorization for `scope` ("repository:app:pull,push") from the challenges of `unauthorized`
  // (a 401 answer). kPermissionDenied when the registry wants credentials we do not have or refuses them;
  // kUnavailable when the token service cannot be reached.
  Status Answer(const HttpResponse& unauthorized, const std::string& scope);

 private:
  StatusOr<std::string> FetchToken(const std::map<std::string, std::string>& params, const std::string& scope);

  HttpTransport& transport_;
  std::string registry_;
  std::optional<Credentials> credentials_;
  std::string basic_;                          // "Basic …" once the registry asked for it
  std::map<std::string, std::string> tokens_;  // scope -> "Bearer …"
};

}  // namespace mybuild::registry

#endif  // MYBUILD_REGISTRY_AUTHENTICATOR_H_
