// The one side effect of the registry client: sending an HTTP request and reading the answer. The real
// transport is libcurl (curl_transport.h); unit tests use an in-memory registry (fake_registry.h).
#ifndef MYBUILD_REGISTRY_HTTP_TRANSPORT_H_
#define MYBUILD_REGISTRY_HTTP_TRANSPORT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/base/status.h"

namespace mybuild::registry {

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, POST, PUT, PATCH
  std::string url;             // absolute: scheme://host[:port]/path[?query]
  std::vector<std::pair<std::string, std::string>> headers;
  // The body: `body` bytes, or, when body_fd >= 0, body_size bytes read with pread() from offset 0 of
  // body_fd (never buffered whole; reading from offset 0 makes the request repeatable after a 401).
  std::string body;
  int body_fd = -1;
  uint64_t body_size = 0;
  // Receives the body of a 2xx answer chunk by chunk (the bytes of a blob). When unset, or for any
  // other status, the body is collected in HttpResponse::body up to max_body bytes.
  std::function<Status(std::string_view)> on_body;
  uint64_t max_body = 64 << 10;
  // GET of a blob may be redirected to storage elsewhere; credentials are not sent there.
  bool follow_redirects = false;
};

struct HttpResponse {
  int status = 0;
  std::multimap<std::string, std::string> headers;  // names lower-cased, values trimmed
  std::string body;  // see HttpRequest::on_body
  std::string url;   // the URL that answered (after redirects)

  // The first value of a header ("" when absent); `name` lower-case.
  std::string Header(std::string_view name) const;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Any HTTP status is a response; a network failure, a collected body larger than max_body
  // (kResourceExhausted) or an error from on_body is an error Status.
  virtual StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

}  // namespace mybuild::registry

#endif  // MYBUILD_REGISTRY_HTTP_TRANSPORT_H_
