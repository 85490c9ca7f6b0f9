// What is ready to run, separate from running it (the solver runs; the plan decides).
//
// A plan covers the subgraph the targets need. Vertices with equal definition digests form one unit of
// work, represented by the lowest-indexed of them; unit ids ascend with that index, so they are a
// topological order. A unit becomes ready when all its input units have succeeded; after a failure its
// dependents never become ready. Not thread-safe: the solver calls it under its own lock.
#ifndef MYBUILD_SOLVER_PLAN_H_
#define MYBUILD_SOLVER_PLAN_H_

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <vector>

#include "src/graph/build_graph.h"

namespace mybuild::solver {

using UnitId = uint32_t;

class Plan {
 public:
  struct Unit {
    graph::VertexIndex vertex = 0;            // the representative
    std::vector<graph::VertexIndex> members;  // every needed vertex with this digest, ascending
    std::vector<UnitId> inputs;               // per input slot of the representative
    std::vector<UnitId> dependents;           // one entry per input slot that names this unit
  };

  // `targets` must be valid vertex indices.
  Plan(const graph::BuildGraph& graph, std::span<const graph::VertexIndex> targets);

  size_t size() const { return units_.size(); }
  const Unit& unit(UnitId id) const { return units_[id]; }
  UnitId UnitOf(graph::VertexIndex vertex) const { return unit_of_[vertex]; }

  // The ready unit with the lowest id; it counts as started.
  std::optional<UnitId> TakeReady();
  // Ends a started unit. On success, dependents whose inputs have all succeeded become ready.
  void Finish(UnitId id, bool succeeded);

 private:
  std::vector<Unit> units_;
  std::vector<UnitId> unit_of_;    // per vertex; only meaningful for needed vertices
  std::vector<uint32_t> pending_;  // per unit: input slots whose unit has not succeeded yet
  std::set<UnitId> ready_;
};

}  // namespace mybuild::solver

#endif  // MYBUILD_SOLVER_PLAN_H_
