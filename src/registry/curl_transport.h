// HttpTransport over libcurl. One easy handle is kept for the transport's lifetime so that requests to
// the same registry reuse the connection (and its TLS session). Not thread-safe: one per thread.
#ifndef MYBUILD_REGISTRY_CURL_TRANSPORT_H_
#define MYBUILD_REGISTRY_CURL_TRANSPORT_H_

#include <memory>
#include <string>

#include "src/registry/http_transport.h"

namespace mybuild::registry {

struct CurlOptions {
  // A PEM file of extra CA certificates to trust for https registries (e.g. a self-signed registry);
  // empty: the system's.
  std::string ca_file;
};

class CurlTransport : public HttpTransport {
 public:
  explicit CurlTransport(CurlOptions options = {});
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  StatusOr<HttpResponse> Send(const HttpRequest& request) override;

 private:
  struct Handle;
  CurlOptions options_;
  std::unique_ptr<Handle> handle_;
};

}  // namespace mybuild::registry

#endif  // MYBUILD_REGISTRY_CURL_TRANSPORT_H_
