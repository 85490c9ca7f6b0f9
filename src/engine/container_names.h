// Names for containers created without --name, in docker's style: "adjective_surname" (an adjective and
// the surname of a notable scientist or engineer), unique among the root's containers. When the first
// few draws are taken, a digit is appended as docker does ("brave_curie3").
#ifndef MYBUILD_ENGINE_CONTAINER_NAMES_H_
#define MYBUILD_ENGINE_CONTAINER_NAMES_H_

#include <cstdint>
#include <functional>
#include <string>

namespace mybuild::engine {

// `random` returns uniformly distributed numbers; `taken` says whether a name is in use.
std::string GenerateContainerName(const std::function<uint32_t()>& random,
                                  const std::function<bool(const std::string&)>& taken);

// A random source from the kernel (getrandom), for GenerateContainerName.
uint32_t KernelRandom();

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_NAMES_H_
