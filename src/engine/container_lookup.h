// Finding a container by what a user types: its full id, its name, or a unique prefix of its id (docker's
// order: an exact id, then an exact name, then an id prefix). Pure: works on a listing.
#ifndef MYBUILD_ENGINE_CONTAINER_LOOKUP_H_
#define MYBUILD_ENGINE_CONTAINER_LOOKUP_H_

#include <string_view>
#include <vector>

#include "src/base/status.h"
#include "src/engine/container_store.h"

namespace mybuild::engine {

// kNotFound "no such container: REF" when nothing matches; kInvalidArgument naming the candidates when
// a prefix matches several ids (or REF is empty).
StatusOr<ContainerRecord> FindContainer(const std::vector<ContainerRecord>& records, std::string_view reference);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_LOOKUP_H_
