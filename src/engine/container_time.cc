#include "src/engine/container_time.h"

#include <time.h>

#include <cctype>
#include <cstdio>

namespace mybuild::engine {

int64_t NowNanos() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

std::string FormatTimeNanos(int64_t nanos) {
  time_t seconds = static_cast<time_t>(nanos / 1000000000);
  tm parts{};
  gmtime_r(&seconds, &parts);
  char text[64];
  snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", parts.tm_year + 1900, parts.tm_mon + 1,
           parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, static_cast<long long>(nanos % 1000000000));
  return text;
}

std::optional<int64_t> ParseTimeNanos(std::string_view text) {
  auto digits = [&](size_t at, size_t count) -> std::optional<int> {
    if (at + count > text.size()) return std::nullopt;
    int value = 0;
    for (size_t i = at; i < at + count; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  std::optional<int> year = digits(0, 4), month = digits(5, 2), day = digits(8, 2), hour = digits(11, 2),
                     minute = digits(14, 2), second = digits(17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  size_t at = 19;
  int64_t fraction = 0;
  if (text[at] == '.') {
    ++at;
    int64_t scale = 100000000;
    size_t start = at;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) {
      fraction += (text[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
    if (at == start) return std::nullopt;
  }
  if (at + 1 != text.size() || text[at] != 'Z') return std::nullopt;
  tm parts{};
  parts.tm_year = *year - 1900;
  parts.tm_mon = *month - 1;
  parts.tm_mday = *day;
  parts.tm_hour = *hour;
  parts.tm_min = *minute;
  parts.tm_sec = *second;
  return static_cast<int64_t>(timegm(&parts)) * 1000000000 + fraction;
}

}  // namespace mybuild::engine
