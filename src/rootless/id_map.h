// User-namespace id maps and the subordinate id ranges they come from.
//
// /etc/subuid and /etc/subgid (shadow-utils, subuid(5)) hold lines "NAME_OR_UID:START:COUNT": the host ids
// START..START+COUNT-1 that NAME may map into its user namespaces (through the set-uid helpers newuidmap
// and newgidmap). Comment lines (#) and malformed lines are skipped, as shadow-utils does.
//
// A rootless mybuild maps, in its namespace, 0 to the user's own id and 1..COUNT to the range
// (containers/storage's and rootlesskit's layout): files a RUN creates as uid N land on the disk as
// START+N-1, and a layer stores N.
#ifndef MYBUILD_ROOTLESS_ID_MAP_H_
#define MYBUILD_ROOTLESS_ID_MAP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"

namespace mybuild::rootless {

struct IdRange {
  uint32_t start = 0;
  uint32_t count = 0;
  bool operator==(const IdRange&) const = default;
};

// One line of /proc/PID/uid_map: ids inside..inside+count-1 are outside..outside+count-1 on the host.
struct IdMapLine {
  uint32_t inside = 0;
  uint32_t outside = 0;
  uint32_t count = 0;
  bool operator==(const IdMapLine&) const = default;
};
using IdMap = std::vector<IdMapLine>;

// The first range of `text` (a subuid/subgid file) for the user `name` or numeric `id`; nullopt when none.
std::optional<IdRange> FindSubordinateRange(std::string_view text, std::string_view name, uint32_t id);

// 0 → own_id, then 1..range.count → the range (none without a range).
IdMap RootlessMap(uint32_t own_id, const std::optional<IdRange>& range);

// Parses the text of /proc/PID/uid_map or gid_map.
StatusOr<IdMap> ParseIdMap(std::string_view text);
// The identity map of the initial user namespace ("0 0 4294967295").
bool IsInitialMap(const IdMap& map);
// The host id of `inside`, nullopt when it is not mapped.
std::optional<uint32_t> ToHost(const IdMap& map, uint32_t inside);
// "0→1000, 1-65536→100000-165535" for messages.
std::string DescribeIdMap(const IdMap& map);
// The arguments newuidmap/newgidmap take after the pid: "INSIDE OUTSIDE COUNT" per line.
std::vector<std::string> HelperArguments(const IdMap& map);

}  // namespace mybuild::rootless

#endif  // MYBUILD_ROOTLESS_ID_MAP_H_
