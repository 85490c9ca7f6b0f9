// Copying one build graph into a builder that may already hold others: how several Dockerfiles (the
// services of a compose project) become one graph and one solve. Equal steps keep equal digests, so
// the solver runs a step that two graphs share once.
#ifndef MYBUILD_GRAPH_GRAPH_MERGE_H_
#define MYBUILD_GRAPH_GRAPH_MERGE_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/graph/build_graph.h"

namespace mybuild::graph {

struct AppendOptions {
  std::string name_prefix;  // put before every copied vertex's name ("web: ")
  // A vertex of `into` to use instead of copying `vertex` (e.g. a placeholder image source replaced by
  // another graph's result); nullopt copies it.
  std::function<std::optional<VertexIndex>(const Vertex& vertex)> substitute;
  // Changes a copied op before it is added (e.g. renames a local source); may be empty.
  std::function<void(Op& op)> rewrite;
};

// Adds every vertex of `from` to `into`, inputs remapped; returns the index in `into` of each vertex of
// `from`, by its index there.
StatusOr<std::vector<VertexIndex>> AppendGraph(GraphBuilder& into, const BuildGraph& from, const AppendOptions& options);

}  // namespace mybuild::graph

#endif  // MYBUILD_GRAPH_GRAPH_MERGE_H_
