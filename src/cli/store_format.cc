#include "src/cli/store_format.h"

#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <ctime>
#include <iterator>

namespace mybuild::cli {

std::string HumanSize(uint64_t bytes, int significant_digits) {
  static const char* const kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  double size = static_cast<double>(bytes);
  size_t unit = 0;
  while (size >= 1000.0 && unit + 1 < std::size(kUnits)) {
    size /= 1000.0;
    ++unit;
  }
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*g%s", significant_digits, size, kUnits[unit]);
  return buffer;
}

std::string HumanDuration(int64_t seconds) {
  if (seconds < 1) return "Less than a second";
  if (seconds == 1) return "1 second";
  if (seconds < 60) return std::to_string(seconds) + " seconds";
  const int64_t minutes = seconds / 60;
  if (minutes == 1) return "About a minute";
  if (minutes < 60) return std::to_string(minutes) + " minutes";
  const int64_t hours = (seconds + 1800) / 3600;  // rounded, as docker does
  if (hours == 1) return "About an hour";
  if (hours < 48) return std::to_string(hours) + " hours";
  if (hours < 24 * 7 * 2) return std::to_string(hours / 24) + " days";
  if (hours < 24 * 30 * 2) return std::to_string(hours / 24 / 7) + " weeks";
  if (hours < 24 * 365 * 2) return std::to_string(hours / 24 / 30) + " months";
  return std::to_string(seconds / 3600 / 24 / 365) + " years";
}

namespace {

// Reads exactly `count` digits at text[pos...]; false when they are not all digits.
bool ReadDigits(std::string_view text, size_t& pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += count;
  out = value;
  return true;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

StatusOr<int64_t> ParseTimestamp(std::string_view text) {
  const Status bad = InvalidArgument("timestamp \"" + std::string(text) +
                                     "\": expected RFC 3339, e.g. 2024-01-02T03:04:05Z");
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, pos, 4, year) || !Expect(text, pos, '-') || !ReadDigits(text, pos, 2, month) ||
      !Expect(text, pos, '-') || !ReadDigits(text, pos, 2, day)) {
    return bad;
  }
  if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')) return bad;
  ++pos;
  if (!ReadDigits(text, pos, 2, hour) || !Expect(text, pos, ':') || !ReadDigits(text, pos, 2, minute) ||
      !Expect(text, pos, ':') || !ReadDigits(text, pos, 2, second)) {
    return bad;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return bad;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ++pos;
      ++digits;
    }
    if (digits == 0) return bad;
  }
  int64_t offset = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int off_hours = 0, off_minutes = 0;
    if (!ReadDigits(text, pos, 2, off_hours) || !Expect(text, pos, ':') ||
        !ReadDigits(text, pos, 2, off_minutes) || off_hours > 23 || off_minutes > 59) {
      return bad;
    }
    offset = sign * (off_hours * 3600 + off_minutes * 60);
  } else {
    return bad;
  }
  if (pos != text.size()) return bad;
  struct tm tm {};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const time_t utc = ::timegm(&tm);
  return static_cast<int64_t>(utc) - offset;
}

StatusOr<int64_t> ParseSourceDateEpoch(std::string_view text) {
  const Status bad = InvalidArgument("SOURCE_DATE_EPOCH=\"" + std::string(text) +
                                     "\": expected a non-negative number of seconds since 1970-01-01");
  if (text.empty() || text.size() > 18) return bad;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return bad;
    value = value * 10 + (c - '0');
  }
  return value;
}

StatusOr<std::optional<int64_t>> SourceDateEpochFromEnv() {
  const char* value = std::getenv("SOURCE_DATE_EPOCH");
  if (value == nullptr || *value == '\0') return std::optional<int64_t>();
  MB_ASSIGN_OR_RETURN(int64_t epoch, ParseSourceDateEpoch(value));
  return std::optional<int64_t>(epoch);
}

HostPlatform CurrentPlatform() {
#if defined(__x86_64__)
  return {"amd64", "", "linux"};
#elif defined(__aarch64__)
  return {"arm64", "", "linux"};
#elif defined(__arm__)
  return {"arm", "v7", "linux"};
#elif defined(__i386__)
  return {"386", "", "linux"};
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
  return {"ppc64le", "", "linux"};
#elif defined(__s390x__)
  return {"s390x", "", "linux"};
#elif defined(__riscv) && __riscv_xlen == 64
  return {"riscv64", "", "linux"};
#else
  return {"unknown", "", "linux"};
#endif
}

// Characters, not bytes (UTF-8 continuation bytes do not count), as tabwriter counts runes.
static size_t TextWidth(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xc0) != 0x80; }));
}

std::string FormatTable(const std::vector<std::vector<std::string>>& rows, size_t min_width, size_t padding) {
  std::vector<size_t> widths;
  for (const std::vector<std::string>& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], TextWidth(row[i]) + padding);
  }
  for (size_t& width : widths) width = std::max(width, min_width);
  std::string out;
  for (const std::vector<std::string>& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out.append(widths[i] - TextWidth(row[i]), ' ');
    }
    out += "\n";
  }
  return out;
}

}  // namespace mybuild::cli
