#include "src/engine/container_lookup.h"

#include <string>

namespace mybuild::engine {

StatusOr<ContainerRecord> FindContainer(const std::vector<ContainerRecord>& records, std::string_view reference) {
  if (reference.empty()) return InvalidArgument("a container name or id must not be empty");
  for (const ContainerRecord& record : records) {
    if (record.id == reference) return record;
  }
  for (const ContainerRecord& record : records) {
    if (!record.name.empty() && record.name == reference) return record;
  }
  std::vector<const ContainerRecord*> matches;
  for (const ContainerRecord& record : records) {
    if (record.id.starts_with(reference)) matches.push_back(&record);
  }
  if (matches.empty()) return NotFound("no such container: " + std::string(reference));
  if (matches.size() > 1) {
    std::string ids;
    for (const ContainerRecord* match : matches) ids += (ids.empty() ? "" : ", ") + match->id.substr(0, 12);
    return InvalidArgument("\"" + std::string(reference) + "\" matches " + std::to_string(matches.size()) +
                           " containers (" + ids + "): give more of the id, or the name");
  }
  return *matches[0];
}

}  // namespace mybuild::engine
