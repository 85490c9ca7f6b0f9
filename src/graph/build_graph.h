// The build graph: steps (vertices) as plain data, each an Op (ops.h) applied to the results of its
// input vertices. No I/O and no threads here.
//
// Contract:
// - A graph is built with GraphBuilder and immutable afterwards. A vertex may only name vertices added
//   before it as inputs, so indices are a topological order by construction and cycles cannot exist.
// - Each vertex carries a definition digest = SHA-256 over the canonical form of its op and its inputs'
//   definition digests (canonical.h). Equal digests mean equal steps: the solver runs them once.
// - `name` (progress text such as "[2/5] RUN make"), `location` and `ignore_cache` are not hashed.
#ifndef MYBUILD_GRAPH_BUILD_GRAPH_H_
#define MYBUILD_GRAPH_BUILD_GRAPH_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "src/base/digest.h"
#include "src/base/source_location.h"
#include "src/base/status.h"
#include "src/graph/ops.h"

namespace mybuild::graph {

using VertexIndex = uint32_t;

struct Vertex {
  Op op;
  std::vector<VertexIndex> inputs;  // parents, by index in the graph; ops refer to them by slot
  std::string name;                 // NOT hashed: progress text
  SourceLocation location;          // NOT hashed: where the step comes from, for errors
  bool ignore_cache = false;        // NOT hashed: `--no-cache-filter`; the solver never reuses a result
  Digest digest;                    // the definition digest, set by GraphBuilder::Add
};

class BuildGraph {
 public:
  BuildGraph() = default;

  size_t size() const { return vertices_.size(); }
  const Vertex& vertex(VertexIndex index) const { return vertices_[index]; }
  const std::vector<Vertex>& vertices() const { return vertices_; }

  // The targets and everything they depend on, ascending (a topological order). Out-of-range targets
  // are ignored; the solver validates them first.
  std::vector<VertexIndex> Closure(std::span<const VertexIndex> targets) const;

 private:
  friend class GraphBuilder;
  std::vector<Vertex> vertices_;
};

class GraphBuilder {
 public:
  // Adds a vertex and returns its index. Refused (kInvalidArgument, with `location`) when an input index
  // is not an earlier vertex, an op's input slot is out of range, a source op has inputs, an exec or
  // file op lacks its slot-0 filesystem, an exec op has no args or a copy neither source nor url.
  StatusOr<VertexIndex> Add(Op op, std::vector<VertexIndex> inputs, std::string name,
                            SourceLocation location = {});

  // Marks a vertex as never to be taken from the cache (`--no-cache-filter`).
  void SetIgnoreCache(VertexIndex index, bool ignore) { graph_.vertices_.at(index).ignore_cache = ignore; }

  size_t size() const { return graph_.size(); }
  const Vertex& vertex(VertexIndex index) const { return graph_.vertex(index); }

  // Ends building; the builder is empty afterwards.
  BuildGraph Build() &&;

 private:
  BuildGraph graph_;
};

}  // namespace mybuild::graph

#endif  // MYBUILD_GRAPH_BUILD_GRAPH_H_
