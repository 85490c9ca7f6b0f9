// BuildPlan → BuildGraph: every planned step becomes one vertex of the step graph.
//
//   stage base   scratch → SourceOp(scratch); image → SourceOp(image, manifest digest from `images`);
//                an earlier stage → that stage's last vertex (no vertex of its own)
//   RUN          ExecOp on the stage's current vertex (slot 0), RUN --mount sources as further slots
//   COPY / ADD   FileOp(copy) on the current vertex; the source (context, a stage's last vertex or an
//                image) is slot 1; heredoc sources become mkfile actions; ADD <url> needs no source slot
//   WORKDIR      FileOp(mkdir)
// The build context is one SourceOp(local "context") vertex shared by every step that reads it.
// Image references are normalised and pinned by the caller (`images`: reference as written → manifest
// digest) so that the definitions, and so the cache keys, name the exact base bytes.
#ifndef MYBUILD_PLANNER_GRAPH_LOWERING_H_
#define MYBUILD_PLANNER_GRAPH_LOWERING_H_

#include <map>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/graph/build_graph.h"
#include "src/planner/plan.h"

namespace mybuild::planner {

// A base or --from image as the caller resolved it.
struct PinnedImage {
  std::string reference;        // normalised ("docker.io/library/busybox:latest")
  std::string manifest_digest;  // "sha256:…"
};

struct LoweredGraph {
  graph::BuildGraph graph;
  graph::VertexIndex target = 0;                     // the target stage's last vertex
  std::map<int, graph::VertexIndex> stage_results;   // Dockerfile stage index → its last vertex
};

struct LoweringOptions {
  // `--no-cache-filter`: stages, by name (case-insensitive) or Dockerfile index, whose steps the solver
  // never takes from the cache (their FROM image and the build context are not steps of theirs). Names
  // that match no planned stage are ignored, as BuildKit does.
  std::vector<std::string> no_cache_stages;
  // `build --network`: the network of every RUN that does not say `--network=none|host` itself (a RUN's
  // `--network=default` means this one, as in BuildKit). It is part of each such step's cache key.
  NetworkMode default_network = NetworkMode::kDefault;
  // `build --add-host`: "IP\tNAME" lines every RUN gets in /etc/hosts; part of each RUN's cache key, as
  // in BuildKit.
  std::vector<std::string> extra_hosts;
};

// `images` maps every image reference of the plan (stage bases, COPY --from, mount from=), as written
// in the plan, to its pinned form. A missing entry is an error at the step that names it.
StatusOr<LoweredGraph> LowerToGraph(const BuildPlan& plan, const std::map<std::string, PinnedImage>& images,
                                    const LoweringOptions& options = {});

}  // namespace mybuild::planner

#endif  // MYBUILD_PLANNER_GRAPH_LOWERING_H_
