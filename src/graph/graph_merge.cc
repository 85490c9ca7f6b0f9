#include "src/graph/graph_merge.h"

namespace mybuild::graph {

StatusOr<std::vector<VertexIndex>> AppendGraph(GraphBuilder& into, const BuildGraph& from, const AppendOptions& options) {
  std::vector<VertexIndex> mapped(from.size());
  for (VertexIndex index = 0; index < from.size(); ++index) {
    const Vertex& vertex = from.vertex(index);
    if (options.substitute) {
      if (std::optional<VertexIndex> replacement = options.substitute(vertex)) {
        if (*replacement >= into.size()) return Internal("a substitute vertex is not in the graph");
        mapped[index] = *replacement;
        continue;
      }
    }
    Op op = vertex.op;
    if (options.rewrite) options.rewrite(op);
    std::vector<VertexIndex> inputs;
    inputs.reserve(vertex.inputs.size());
    for (VertexIndex input : vertex.inputs) inputs.push_back(mapped[input]);
    MB_ASSIGN_OR_RETURN(mapped[index], into.Add(std::move(op), std::move(inputs), options.name_prefix + vertex.name,
                                                vertex.location));
    if (vertex.ignore_cache) into.SetIgnoreCache(mapped[index], true);
  }
  return mapped;
}

}  // namespace mybuild::graph
