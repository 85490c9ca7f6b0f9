#include "src/rootless/id_map.h"

#include <charconv>
#include <limits>

#include "fmt/format.h"

namespace mybuild::rootless {
namespace {

std::optional<uint32_t> ParseId(std::string_view text) {
  uint64_t value = 0;
  if (text.empty()) return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value > std::numeric_limits<uint32_t>::max()) {
    return std::nullopt;
  }
  return static_cast<uint32_t>(value);
}

// The whitespace-separated words of `line`.
std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

template <typename Visit>
void ForEachLine(std::string_view text, Visit visit) {
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    visit(line);
  }
}

}  // namespace

std::optional<IdRange> FindSubordinateRange(std::string_view text, std::string_view name, uint32_t id) {
  std::optional<IdRange> found;
  const std::string id_text = std::to_string(id);
  ForEachLine(text, [&](std::string_view line) {
    if (found || line.empty() || line[0] == '#') return;
    const size_t first = line.find(':');
    const size_t second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) return;
    const std::string_view owner = line.substr(0, first);
    if (owner != name && owner != id_text) return;
    std::optional<uint32_t> start = ParseId(line.substr(first + 1, second - first - 1));
    std::optional<uint32_t> count = ParseId(line.substr(second + 1));
    if (!start || !count || *count == 0 || uint64_t{*start} + *count - 1 > std::numeric_limits<uint32_t>::max()) return;
    found = IdRange{*start, *count};
  });
  return found;
}

IdMap RootlessMap(uint32_t own_id, const std::optional<IdRange>& range) {
  IdMap map{{0, own_id, 1}};
  if (range) map.push_back({1, range->start, range->count});
  return map;
}

StatusOr<IdMap> ParseIdMap(std::string_view text) {
  IdMap map;
  Status error;
  ForEachLine(text, [&](std::string_view line) {
    std::vector<std::string_view> words = Words(line);
    if (words.empty() || !error.ok()) return;
    std::optional<uint32_t> inside = words.size() == 3 ? ParseId(words[0]) : std::nullopt;
    std::optional<uint32_t> outside = words.size() == 3 ? ParseId(words[1]) : std::nullopt;
    std::optional<uint32_t> count = words.size() == 3 ? ParseId(words[2]) : std::nullopt;
    if (!inside || !outside || !count) {
      error = InvalidArgument(fmt::format("id map line \"{}\": expected INSIDE OUTSIDE COUNT", line));
      return;
    }
    map.push_back({*inside, *outside, *count});
  });
  if (!error.ok()) return error;
  return map;
}

bool IsInitialMap(const IdMap& map) {
  return map.size() == 1 && map[0] == IdMapLine{0, 0, std::numeric_limits<uint32_t>::max()};
}

std::optional<uint32_t> ToHost(const IdMap& map, uint32_t inside) {
  for (const IdMapLine& line : map) {
    if (inside >= line.inside && uint64_t{inside} < uint64_t{line.inside} + line.count) {
      return line.outside + (inside - line.inside);
    }
  }
  return std::nullopt;
}

std::string DescribeIdMap(const IdMap& map) {
  std::string out;
  for (const IdMapLine& line : map) {
    if (!out.empty()) out += ", ";
    if (line.count == 1) {
      out += fmt::format("{}→{}", line.inside, line.outside);
    } else {
      out += fmt::format("{}-{}→{}-{}", line.inside, uint64_t{line.inside} + line.count - 1, line.outside,
                         uint64_t{line.outside} + line.count - 1);
    }
  }
  return out.empty() ? "(none)" : out;
}

std::vector<std::string> HelperArguments(const IdMap& map) {
  std::vector<std::string> out;
  for (const IdMapLine& line : map) {
    out.push_back(std::to_string(line.inside));
    out.push_back(std::to_string(line.outside));
    out.push_back(std::to_string(line.count));
  }
  return out;
}

}  // namespace mybuild::rootless
