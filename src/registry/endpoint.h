// Where a registry named in a reference is reached. Docker's rules: https unless the host is a loopback
// one (localhost, 127.0.0.0/8, [::1]), which docker treats as insecure, or the user named it insecure;
// docker.io is served by registry-1.docker.io.
#ifndef MYBUILD_REGISTRY_ENDPOINT_H_
#define MYBUILD_REGISTRY_ENDPOINT_H_

#include <string>
#include <string_view>
#include <vector>

namespace mybuild::registry {

struct Endpoint {
  std::string domain;  // as in the reference: "docker.io", "localhost:5000" (credentials are looked up by it)
  std::string scheme;  // "https" or "http"
  std::string host;    // host[:port] to connect to
  std::string BaseUrl() const { return scheme + "://" + host; }
};

// `insecure_hosts` are host[:port] entries (a host without port matches every port); `insecure_all`
// makes every host plain http (`-o type=registry,registry.insecure=true`).
Endpoint ResolveEndpoint(std::string_view domain, const std::vector<std::string>& insecure_hosts,
                         bool insecure_all = false);

// True for localhost, 127.x.y.z and [::1] (with or without a port).
bool IsLoopbackHost(std::string_view domain);

// "a:5000, b" -> {"a:5000", "b"} (MYBUILD_INSECURE_REGISTRIES).
std::vector<std::string> ParseHostList(std::string_view text);

}  // namespace mybuild::registry

#endif  // MYBUILD_REGISTRY_ENDPOINT_H_
