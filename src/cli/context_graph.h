// The local directories one solve reads: the build context of each Dockerfile and the directories named
// as build contexts (`--build-context NAME=DIR`, compose `additional_contexts`). Each is a local source of
// its own in the graph (named by ContextName, so that two builds on one directory share its steps) and has
// a worker of its own, whose context and ignore file it is; a router sends each step to the worker of the
// context it reads. `mybuild build` and `mybuild compose build` share this.
#ifndef MYBUILD_CLI_CONTEXT_GRAPH_H_
#define MYBUILD_CLI_CONTEXT_GRAPH_H_

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/cli/build_pipeline.h"
#include "src/compose/build_plan.h"
#include "src/graph/build_graph.h"
#include "src/graph/graph_merge.h"
#include "src/worker/context_router.h"
#include "src/worker/worker.h"

namespace mybuild::cli {

// A local directory the build reads, with the Dockerfile whose DOCKERFILE.dockerignore applies ("" for
// none): one worker each.
struct LocalContext {
  std::string dir;
  std::string dockerfile;
};

// The local source name of a context: "context" for `base_dir` itself, else "context:" and its path
// relative to `base_dir` (absolute when outside), "#" and the Dockerfile's when a Dockerfile-specific
// ignore file applies. Equal names are one source, so two builds on one context share its steps.
std::string ContextName(const std::filesystem::path& base_dir, const std::string& dir, const std::string& dockerfile);

// The graph being built, with the local sources of named directory contexts added on demand.
class ContextGraph {
 public:
  explicit ContextGraph(std::filesystem::path base_dir) : base_dir_(std::move(base_dir)) {}

  graph::GraphBuilder& builder() { return builder_; }
  // Records a context under its local source name (a Dockerfile's own: "context", or ContextName's).
  void AddContext(const std::string& name, LocalContext context) { contexts_.emplace(name, std::move(context)); }
  const std::filesystem::path& base_dir() const { return base_dir_; }
  // For AppendOptions::substitute: the local source vertex that replaces the placeholder image a
  // NamedContextResolver pinned for a directory context; nullopt when `vertex` is no such placeholder.
  // An error is kept and returned by TakeError.
  std::optional<graph::VertexIndex> SubstituteDirectory(const graph::Vertex& vertex,
                                                        const std::map<std::string, compose::NamedContext>& named);
  Status TakeError() { return std::exchange(error_, Status::Ok()); }

  const std::map<std::string, LocalContext>& contexts() const { return contexts_; }
  graph::BuildGraph Finish() && { return std::move(builder_).Build(); }

 private:
  std::filesystem::path base_dir_;
  graph::GraphBuilder builder_;
  std::map<std::string, graph::VertexIndex> local_vertices_;
  std::map<std::string, LocalContext> contexts_;
  Status error_;
};

// One worker per local context, and the router over them.
struct ContextWorkers {
  std::vector<std::unique_ptr<worker::Worker>> workers;
  std::unique_ptr<worker::ContextRouter> router;
  image::LayerOptions layer_options;  // the same for every worker
};
// `settings.context` is replaced by each context's directory.
StatusOr<ContextWorkers> OpenContextWorkers(const std::map<std::string, LocalContext>& contexts,
                                            const worker::WorkerDeps& deps, WorkerSettings settings,
                                            const std::filesystem::path& root, const std::filesystem::path& scratch);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_CONTEXT_GRAPH_H_
