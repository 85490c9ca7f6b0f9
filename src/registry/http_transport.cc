#include "src/registry/http_transport.h"

namespace mybuild::registry {

std::string HttpResponse::Header(std::string_view name) const {
  auto found = headers.find(std::string(name));
  return found == headers.end() ? std::string() : found->second;
}

}  // namespace mybuild::registry
