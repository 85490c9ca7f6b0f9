#include "src/graph/build_graph.h"

#include <string>

#include "src/graph/canonical.h"

namespace mybuild::graph {
namespace {

// Checks what the op says about its inputs against the number of inputs the vertex has.
std::optional<std::string> CheckOpInputs(const Op& op, size_t input_count) {
  auto slot_ok = [&](const std::optional<InputSlot>& slot) { return !slot || *slot < input_count; };
  if (std::holds_alternative<SourceOp>(op)) {
    if (input_count != 0) return "a source step takes no inputs, got " + std::to_string(input_count);
    return std::nullopt;
  }
  if (input_count == 0) {
    return std::string("a ") + OpKindName(op) + " step needs its root filesystem as input 0, got no inputs";
  }
  if (const auto* exec = std::get_if<ExecOp>(&op)) {
    if (exec->args.empty()) return "a run step needs a command, got empty args";
    for (const Mount& mount : exec->mounts) {
      if (!slot_ok(mount.source)) {
        return "mount at " + mount.target + " names input " + std::to_string(*mount.source) + " of " +
               std::to_string(input_count);
      }
      // A secret exposed only as an environment variable (env=VAR) is the one mount without a path.
      const bool env_only_secret = mount.type == MountType::kSecret && !mount.env.empty();
      if (mount.target.empty() && !env_only_secret) return "a mount needs a target path";
    }
    return std::nullopt;
  }
  const auto& file = std::get<FileOp>(op);
  for (const FileAction& action : file.actions) {
    const auto* copy = std::get_if<CopyAction>(&action);
    if (copy == nullptr) continue;
    if (!copy->source && copy->url.empty()) return "a copy needs a source input or a url";
    if (!slot_ok(copy->source)) {
      return "copy to " + copy->dest + " names input " + std::to_string(*copy->source) + " of " +
             std::to_string(input_count);
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<VertexIndex> BuildGraph::Closure(std::span<const VertexIndex> targets) const {
  std::vector<bool> needed(vertices_.size(), false);
  for (VertexIndex target : targets) {
    if (target < vertices_.size()) needed[target] = true;
  }
  // Inputs always have smaller indices, so one descending pass reaches every ancestor.
  for (size_t i = vertices_.size(); i-- > 0;) {
    if (!needed[i]) continue;
    for (VertexIndex input : vertices_[i].inputs) needed[input] = true;
  }
  std::vector<VertexIndex> out;
  for (size_t i = 0; i < vertices_.size(); ++i) {
    if (needed[i]) out.push_back(static_cast<VertexIndex>(i));
  }
  return out;
}

StatusOr<VertexIndex> GraphBuilder::Add(Op op, std::vector<VertexIndex> inputs, std::string name,
                                        SourceLocation location) {
  const size_t index = graph_.vertices_.size();
  for (VertexIndex input : inputs) {
    if (input >= index) {
      return InvalidArgument("step \"" + name + "\": input " + std::to_string(input) +
                                 " is not an earlier step (this step would be " + std::to_string(index) + ")",
                             location);
    }
  }
  if (auto problem = CheckOpInputs(op, inputs.size())) {
    return InvalidArgument("step \"" + name + "\": " + *problem, location);
  }
  std::vector<Digest> input_digests;
  input_digests.reserve(inputs.size());
  for (VertexIndex input : inputs) input_digests.push_back(graph_.vertices_[input].digest);

  Vertex vertex;
  vertex.digest = DefinitionDigest(op, input_digests);
  vertex.op = std::move(op);
  vertex.inputs = std::move(inputs);
  vertex.name = std::move(name);
  vertex.location = std::move(location);
  graph_.vertices_.push_back(std::move(vertex));
  return static_cast<VertexIndex>(index);
}

BuildGraph GraphBuilder::Build() && {
  BuildGraph out = std::move(graph_);
  graph_ = BuildGraph();
  return out;
}

}  // namespace mybuild::graph
