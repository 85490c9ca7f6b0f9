#include "src/planner/go_duration.h"

#include <cstdlib>
#include <limits>

#include "src/base/message_quote.h"

namespace mybuild::planner {
namespace {

struct Unit {
  const char* name;
  uint64_t nanos;
};
constexpr Unit kUnits[] = {
    {"ns", 1ull},
    {"us", 1000ull},
    {"\xC2\xB5s", 1000ull},  // U+00B5 micro sign
    {"\xCE\xBCs", 1000ull},  // U+03BC Greek small mu
    {"ms", 1000000ull},
    {"s", 1000000000ull},
    {"m", 60ull * 1000000000ull},
    {"h", 3600ull * 1000000000ull},
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Returns ".ddd" for the low `prec` decimal digits of v (trailing zeros dropped, "" when all are zero)
// and leaves the integer part v / 10^prec in v.
std::string FormatFraction(uint64_t& v, int prec) {
  std::string digits;
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    int digit = static_cast<int>(v % 10);
    print = print || digit != 0;
    if (print) digits.insert(digits.begin(), static_cast<char>('0' + digit));
    v /= 10;
  }
  if (print) digits.insert(digits.begin(), '.');
  return digits;
}

}  // namespace

StatusOr<int64_t> ParseGoDuration(std::string_view text) {
  const std::string quoted = QuoteForMessage(text);
  auto invalid = [&] { return InvalidArgument("time: invalid duration " + quoted); };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return int64_t{0};
  if (s.empty()) return invalid();
  // The total in nanoseconds is kept as an unsigned magnitude and checked against int64 range.
  const uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + (negative ? 1 : 0);
  uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || IsDigit(s[0]))) return invalid();
    uint64_t whole = 0;
    size_t i = 0;
    bool overflow = false;
    while (i < s.size() && IsDigit(s[i])) {
      if (whole > (std::numeric_limits<uint64_t>::max() - 9) / 10) overflow = true;
      whole = whole * 10 + static_cast<uint64_t>(s[i] - '0');
      ++i;
    }
    if (overflow) return invalid();
    bool had_whole = i > 0;
    std::string_view fraction_digits;
    if (i < s.size() && s[i] == '.') {
      size_t start = ++i;
      while (i < s.size() && IsDigit(s[i])) ++i;
      fraction_digits = s.substr(start, i - start);
    }
    if (!had_whole && fraction_digits.empty()) return invalid();
    s.remove_prefix(i);
    size_t unit_len = 0;
    while (unit_len < s.size() && s[unit_len] != '.' && !IsDigit(s[unit_len])) ++unit_len;
    if (unit_len == 0) return InvalidArgument("time: missing unit in duration " + quoted);
    std::string_view unit_name = s.substr(0, unit_len);
    s.remove_prefix(unit_len);
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (unit_name == u.name) unit = &u;
    }
    if (unit == nullptr) {
      return InvalidArgument("time: unknown unit \"" + std::string(unit_name) + "\" in duration " + quoted);
    }
    if (whole > kMax / unit->nanos) return invalid();
    uint64_t value = whole * unit->nanos;
    // The fraction contributes floor(fraction * unit) nanoseconds.
    long double scale = static_cast<long double>(unit->nanos);
    long double frac = 0;
    long double place = 1;
    for (char c : fraction_digits) {
      place /= 10;
      frac += (c - '0') * place;
    }
    uint64_t frac_nanos = static_cast<uint64_t>(frac * scale);
    if (value > kMax - frac_nanos) return invalid();
    value += frac_nanos;
    if (total > kMax - value) return invalid();
    total += value;
  }
  if (negative) return static_cast<int64_t>(0 - total);
  return static_cast<int64_t>(total);
}

std::string FormatGoDuration(int64_t nanoseconds) {
  if (nanoseconds == 0) return "0s";
  bool negative = nanoseconds < 0;
  uint64_t u = negative ? 0 - static_cast<uint64_t>(nanoseconds) : static_cast<uint64_t>(nanoseconds);
  std::string out;
  if (u < 1000000000ull) {
    int prec = 0;
    std::string unit;
    if (u < 1000ull) {
      unit = "ns";
    } else if (u < 1000000ull) {
      prec = 3;
      unit = "\xC2\xB5s";
    } else {
      prec = 6;
      unit = "ms";
    }
    std::string frac = FormatFraction(u, prec);
    out = std::to_string(u) + frac + unit;
  } else {
    std::string frac = FormatFraction(u, 9);  // u is now whole seconds
    out = std::to_string(u % 60) + frac + "s";
    u /= 60;
    if (u > 0) {
      out = std::to_string(u % 60) + "m" + out;
      u /= 60;
      if (u > 0) out = std::to_string(u) + "h" + out;
    }
  }
  return negative ? "-" + out : out;
}

}  // namespace mybuild::planner
