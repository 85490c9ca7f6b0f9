#include "src/registry/endpoint.h"

#include <cctype>

namespace mybuild::registry {
namespace {

// "host:port" -> "host"; "[::1]:5000" -> "[::1]".
std::string_view HostName(std::string_view domain) {
  if (!domain.empty() && domain.front() == '[') {
    size_t close = domain.find(']');
    return close == std::string_view::npos ? domain : domain.substr(0, close + 1);
  }
  return domain.substr(0, domain.find(':'));
}

bool IsIpv4Loopback(std::string_view host) {
  int octets = 0;
  size_t pos = 0;
  while (pos <= host.size()) {
    size_t dot = host.find('.', pos);
    std::string_view part = host.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    if (part.empty() || part.size() > 3) return false;
    int value = 0;
    for (char c : part) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255 || (octets == 0 && value != 127)) return false;
    ++octets;
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return octets == 4;
}

std::string Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return std::string(text);
}

}  // namespace

bool IsLoopbackHost(std::string_view domain) {
  std::string_view host = HostName(domain);
  return host == "localhost" || host == "[::1]" || IsIpv4Loopback(host);
}

std::vector<std::string> ParseHostList(std::string_view text) {
  std::vector<std::string> hosts;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    std::string host = Trim(text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
    if (!host.empty()) hosts.push_back(host);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return hosts;
}

Endpoint ResolveEndpoint(std::string_view domain, const std::vector<std::string>& insecure_hosts, bool insecure_all) {
  Endpoint endpoint;
  endpoint.domain = std::string(domain);
  endpoint.host = domain == "docker.io" ? "registry-1.docker.io" : std::string(domain);
  bool insecure = insecure_all || IsLoopbackHost(domain);
  for (const std::string& entry : insecure_hosts) {
    if (entry == domain || entry == HostName(domain)) insecure = true;
  }
  endpoint.scheme = insecure ? "http" : "https";
  return endpoint;
}

}  // namespace mybuild::registry
