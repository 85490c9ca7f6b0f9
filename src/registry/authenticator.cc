#include "src/registry/authenticator.h"

#include <nlohmann/json.hpp>

#include "src/registry/auth_challenge.h"
#include "src/registry/base64.h"
#include "src/registry/url.h"

namespace mybuild::registry {
namespace {

Status PermissionDenied(std::string message) { return Status(StatusCode::kPermissionDenied, std::move(message)); }

}  // namespace

std::string Authenticator::Authorization(const std::string& scope) const {
  if (auto found = tokens_.find(scope); found != tokens_.end()) return found->second;
  return basic_;
}

StatusOr<std::string> Authenticator::FetchToken(const std::map<std::string, std::string>& params,
                                                const std::string& scope) {
  auto realm = params.find("realm");
  if (realm == params.end() || OriginOf(realm->second).empty() ||
      (realm->second.rfind("https://", 0) != 0 && realm->second.rfind("http://", 0) != 0)) {
    return PermissionDenied(registry_ + " sent a Bearer challenge without an http(s) realm");
  }
  std::string url = realm->second;
  if (auto service = params.find("service"); service != params.end()) url = WithQuery(url, "service", service->second);
  if (!scope.empty()) url = WithQuery(url, "scope", scope);
  HttpRequest request;
  request.url = url;
  request.max_body = 1 << 20;
  if (credentials_) {
    request.headers.emplace_back("Authorization",
                                 "Basic " + Base64Encode(credentials_->username + ":" + credentials_->password));
  }
  MB_ASSIGN_OR_RETURN(HttpResponse response, transport_.Send(request));
  if (response.status == 401 || response.status == 403) {
    return PermissionDenied("the token service of " + registry_ + " refused " +
                            (credentials_ ? "the credentials of " + credentials_->username : "anonymous access") +
                            " for " + scope + " (HTTP " + std::to_string(response.status) + ")");
  }
  if (response.status != 200) {
    return Unavailable("token service " + realm->second + " answered HTTP " + std::to_string(response.status));
  }
  nlohmann::json json = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return Unavailable("token service " + realm->second + " sent no JSON");
  for (const char* key : {"token", "access_token"}) {
    auto token = json.find(key);
    if (token != json.end() && token->is_string() && !token->get<std::string>().empty()) {
      return "Bearer " + token->get<std::string>();
    }
  }
  return Unavailable("token service " + realm->second + " sent no token");
}

Status Authenticator::Answer(const HttpResponse& unauthorized, const std::string& scope) {
  std::vector<AuthChallenge> challenges;
  for (auto [it, end] = unauthorized.headers.equal_range("www-authenticate"); it != end; ++it) {
    for (AuthChallenge& challenge : ParseWwwAuthenticate(it->second)) challenges.push_back(std::move(challenge));
  }
  for (const AuthChallenge& challenge : challenges) {
    if (challenge.scheme == "bearer") {
      MB_ASSIGN_OR_RETURN(tokens_[scope], FetchToken(challenge.params, scope));
      return Status::Ok();
    }
  }
  for (const AuthChallenge& challenge : challenges) {
    if (challenge.scheme != "basic") continue;
    if (!credentials_) {
      return PermissionDenied(registry_ + " requires a login and no credentials for it were found (docker "
                              "config.json, $REGISTRY_AUTH_FILE or $XDG_RUNTIME_DIR/containers/auth.json)");
    }
    const std::string basic = "Basic " + Base64Encode(credentials_->username + ":" + credentials_->password);
    if (basic_ == basic) return PermissionDenied(registry_ + " refused the credentials of " + credentials_->username);
    basic_ = basic;
    return Status::Ok();
  }
  return PermissionDenied(registry_ + " answered 401 Unauthorized without a Bearer or Basic challenge");
}

}  // namespace mybuild::registry
