// The WWW-Authenticate header of a 401 answer (RFC 7235), as registries send it:
//   Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:x:pull"
//   Basic realm="Registry Realm"
#ifndef MYBUILD_REGISTRY_AUTH_CHALLENGE_H_
#define MYBUILD_REGISTRY_AUTH_CHALLENGE_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mybuild::registry {

struct AuthChallenge {
  std::string scheme;                         // lower-case: "bearer", "basic"
  std::map<std::string, std::string> params;  // names lower-case; quoted values unescaped
};

// Every challenge in the header, in order. Malformed parts end the parse (what was read is kept), so a
// hostile header can only yield fewer challenges, never an error.
std::vector<AuthChallenge> ParseWwwAuthenticate(std::string_view header);

}  // namespace mybuild::registry

#endif  // MYBUILD_REGISTRY_AUTH_CHALLENGE_H_
