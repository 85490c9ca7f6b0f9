#include "src/solver/plan.h"

#include <map>

namespace mybuild::solver {

Plan::Plan(const graph::BuildGraph& graph, std::span<const graph::VertexIndex> targets)
    : unit_of_(graph.size(), 0) {
  std::map<Digest, UnitId> by_digest;
  for (graph::VertexIndex index : graph.Closure(targets)) {
    const graph::Vertex& vertex = graph.vertex(index);
    auto [it, inserted] = by_digest.emplace(vertex.digest, static_cast<UnitId>(units_.size()));
    unit_of_[index] = it->second;
    if (!inserted) {
      units_[it->second].members.push_back(index);
      continue;
    }
    Unit unit;
    unit.vertex = index;
    unit.members.push_back(index);
    // Equal digests imply inputs with equal digests, so the representative's inputs stand for all.
    for (graph::VertexIndex input : vertex.inputs) unit.inputs.push_back(unit_of_[input]);
    units_.push_back(std::move(unit));
  }
  pending_.resize(units_.size(), 0);
  for (UnitId id = 0; id < units_.size(); ++id) {
    for (UnitId input : units_[id].inputs) units_[input].dependents.push_back(id);
    pending_[id] = static_cast<uint32_t>(units_[id].inputs.size());
    if (pending_[id] == 0) ready_.insert(id);
  }
}

std::optional<UnitId> Plan::TakeReady() {
  if (ready_.empty()) return std::nullopt;
  UnitId id = *ready_.begin();
  ready_.erase(ready_.begin());
  return id;
}

void Plan::Finish(UnitId id, bool succeeded) {
  if (!succeeded) return;
  for (UnitId dependent : units_[id].dependents) {
    if (--pending_[dependent] == 0) ready_.insert(dependent);
  }
}

}  // namespace mybuild::solver
