#include "src/engine/container_names.h"

#include <doctest/doctest.h>

#include <set>

namespace mybuild::engine {
namespace {

TEST_CASE("container names: adjective_surname, unique, a digit once the plain ones keep colliding") {
  uint32_t next = 0;
  auto counter = [&] { return next++; };
  const std::string first = GenerateContainerName(counter, [](const std::string&) { return false; });
  CHECK(first.find('_') != std::string::npos);
  for (char c : first) CHECK(((c >= 'a' && c <= 'z') || c == '_'));
  // Everything plain is taken: a digit is appended.
  const std::string numbered = GenerateContainerName(KernelRandom, [](const std::string& name) {
    return name.find_first_of("0123456789") == std::string::npos;
  });
  CHECK(numbered.find_first_of("0123456789") != std::string::npos);
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    seen.insert(GenerateContainerName(KernelRandom, [&](const std::string& name) { return seen.count(name) > 0; }));
  }
  CHECK(seen.size() == 50);
}

}  // namespace
}  // namespace mybuild::engine
