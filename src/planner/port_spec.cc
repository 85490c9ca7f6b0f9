#include "src/planner/port_spec.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "src/base/message_quote.h"
#include "src/frontend/text_util.h"

namespace mybuild::planner {
namespace {

constexpr int kMaxPortsInRange = 65536;

std::optional<int> ParsePortNumber(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value > 65535) return std::nullopt;
  return value;
}

// "start[-end]" → [start, end]; false when malformed or reversed.
bool ParseRange(std::string_view text, int& start, int& end) {
  size_t dash = text.find('-');
  std::optional<int> first = ParsePortNumber(text.substr(0, dash));
  if (!first) return false;
  start = end = *first;
  if (dash == std::string_view::npos) return true;
  std::optional<int> last = ParsePortNumber(text.substr(dash + 1));
  if (!last || *last < *first) return false;
  end = *last;
  return true;
}

bool ValidIp(std::string ip) {
  if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  unsigned char buf[16];
  return inet_pton(AF_INET, ip.c_str(), buf) == 1 || inet_pton(AF_INET6, ip.c_str(), buf) == 1;
}

}  // namespace

StatusOr<std::vector<std::string>> ParsePortSpec(std::string_view spec) {
  const std::string quoted = QuoteForMessage(spec);
  // [ip:][hostPort:]containerPort[/proto]; the ip may itself contain ':' (IPv6).
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t colon = spec.find(':', start);
    parts.push_back(spec.substr(start, colon == std::string_view::npos ? std::string_view::npos
                                                                        : colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  std::string_view container = parts.back();
  std::string_view host_port = parts.size() >= 2 ? parts[parts.size() - 2] : std::string_view();
  std::string ip;
  if (parts.size() >= 3) {
    size_t ip_end = spec.size() - container.size() - host_port.size() - 2;
    ip = std::string(spec.substr(0, ip_end));
  }

  size_t slash = container.find('/');
  std::string_view port = container.substr(0, slash);
  std::string proto = slash == std::string_view::npos ? "" : frontend::AsciiLower(container.substr(slash + 1));
  if (port.empty()) return InvalidArgument("invalid port: " + quoted + ": no port specified");
  if (proto.empty()) proto = "tcp";
  if (proto != "tcp" && proto != "udp" && proto != "sctp") {
    return InvalidArgument("invalid port: " + quoted + ": invalid proto: " +
                           std::string(container.substr(slash + 1)) + " (expected tcp, udp or sctp)");
  }
  if (!ip.empty() && !ValidIp(ip)) return InvalidArgument("invalid IP address: " + ip);

  int first = 0, last = 0;
  if (!ParseRange(port, first, last)) {
    return InvalidArgument("invalid containerPort: " + std::string(port) +
                           " (expected a port 0-65535 or a range start-end)");
  }
  if (!host_port.empty()) {
    int host_first = 0, host_last = 0;
    if (!ParseRange(host_port, host_first, host_last)) {
      return InvalidArgument("invalid hostPort: " + std::string(host_port));
    }
    if (host_last - host_first != 0 && host_last - host_first != last - first) {
      return InvalidArgument("invalid ranges specified for container and host Ports: " +
                             std::string(port) + " and " + std::string(host_port));
    }
  }
  std::vector<std::string> out;
  int count = std::min(last - first + 1, kMaxPortsInRange);
  out.reserve(count);
  for (int i = 0; i < count; ++i) out.push_back(std::to_string(first + i) + "/" + proto);
  return out;
}

}  // namespace mybuild::planner
