// The little URL handling the distribution protocol needs: Location headers (absolute, scheme-relative,
// host-relative or path-relative), query parameters, origins.
#ifndef MYBUILD_REGISTRY_URL_H_
#define MYBUILD_REGISTRY_URL_H_

#include <string>
#include <string_view>

namespace mybuild::registry {

// Percent-encodes everything except unreserved characters (RFC 3986).
std::string UrlEncode(std::string_view text);

// The absolute URL a Location header names, relative to the URL of the request that returned it.
std::string ResolveLocation(std::string_view request_url, std::string_view location);

// Appends "key=value" (value encoded) with '?' or '&' as the URL needs.
std::string WithQuery(std::string_view url, std::string_view key, std::string_view value);

// "scheme://host[:port]" of an absolute URL ("" when it is not one).
std::string OriginOf(std::string_view url);

}  // namespace mybuild::registry

#endif  // MYBUILD_REGISTRY_URL_H_
