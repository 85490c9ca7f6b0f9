#include "src/solver/step_runner.h"

#include <cstdint>

namespace mybuild::solver {
namespace {

void AppendU64(std::string& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void AppendStr(std::string& out, std::string_view value) {
  AppendU64(out, value.size());
  out.append(value);
}

}  // namespace

Digest CombineCacheKey(const graph::Vertex& vertex, std::span<const StepInput> inputs, std::string_view extra) {
  std::string bytes;
  AppendStr(bytes, "mybuild.cachekey.v1");
  AppendStr(bytes, vertex.digest.ToString());
  AppendU64(bytes, inputs.size());
  for (const StepInput& input : inputs) AppendStr(bytes, input.cache_key.ToString());
  AppendStr(bytes, extra);
  return Digest::Of(bytes);
}

}  // namespace mybuild::solver
