#include "src/registry/url.h"

#include <cctype>

namespace mybuild::registry {

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

std::string OriginOf(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string();
  const size_t path = url.find_first_of("/?#", scheme + 3);
  return std::string(url.substr(0, path));
}

std::string ResolveLocation(std::string_view request_url, std::string_view location) {
  if (location.find("://") != std::string_view::npos && location.find("://") < location.find_first_of("/?")) {
    return std::string(location);
  }
  const std::string origin = OriginOf(request_url);
  if (location.rfind("//", 0) == 0) return origin.substr(0, origin.find("://") + 1) + std::string(location);
  if (!location.empty() && location.front() == '/') return origin + std::string(location);
  // Path-relative: replace the last segment of the request's path.
  std::string_view base = request_url.substr(0, request_url.find_first_of("?#", origin.size()));
  const size_t slash = base.rfind('/');
  if (slash == std::string_view::npos || slash < origin.size()) return origin + "/" + std::string(location);
  return std::string(base.substr(0, slash + 1)) + std::string(location);
}

std::string WithQuery(std::string_view url, std::string_view key, std::string_view value) {
  std::string out(url);
  out += url.find('?') == std::string_view::npos ? '?' : '&';
  out += std::string(key) + "=" + UrlEncode(value);
  return out;
}

}  // namespace mybuild::registry
