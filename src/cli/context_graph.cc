#include "src/cli/context_graph.h"

#include <cstring>
#include <utility>

#include "src/cli/named_context_resolver.h"

namespace mybuild::cli {

namespace fs = std::filesystem;

std::string ContextName(const fs::path& base_dir, const std::string& dir, const std::string& dockerfile) {
  auto relative = [&](const std::string& path) {
    const fs::path rel = fs::path(path).lexically_relative(base_dir);
    return rel.empty() || *rel.begin() == ".." ? path : rel.string();
  };
  const std::string rel = relative(dir);
  std::string name = rel == "." ? "context" : "context:" + rel;
  std::error_code error;
  if (!dockerfile.empty() && fs::exists(dockerfile + ".dockerignore", error)) name += "#" + relative(dockerfile);
  return name;
}

std::optional<graph::VertexIndex> ContextGraph::SubstituteDirectory(
    const graph::Vertex& vertex, const std::map<std::string, compose::NamedContext>& named) {
  const auto* source = std::get_if<graph::SourceOp>(&vertex.op);
  const auto* image = source != nullptr ? std::get_if<graph::ImageSource>(&source->source) : nullptr;
  if (image == nullptr || image->reference.rfind(kContextPlaceholder, 0) != 0) return std::nullopt;
  auto context = named.find(image->reference.substr(std::strlen(kContextPlaceholder)));
  if (context == named.end()) {
    error_ = Internal("no named context for the placeholder " + image->reference);
    return std::nullopt;
  }
  const std::string& dir = context->second.value;
  const std::string name = ContextName(base_dir_, dir, "");
  if (auto found = local_vertices_.find(name); found != local_vertices_.end()) return found->second;
  contexts_.emplace(name, LocalContext{dir, ""});
  graph::LocalSource local;
  local.name = name;
  StatusOr<graph::VertexIndex> index = builder_.Add(graph::SourceOp{local}, {}, "[internal] load build context " + name);
  if (!index.ok()) {
    error_ = index.status();
    return std::nullopt;
  }
  local_vertices_[name] = *index;
  return *index;
}

StatusOr<ContextWorkers> OpenContextWorkers(const std::map<std::string, LocalContext>& contexts,
                                            const worker::WorkerDeps& deps, WorkerSettings settings,
                                            const fs::path& root, const fs::path& scratch) {
  if (contexts.empty()) return Internal("a build without a build context");
  ContextWorkers out;
  std::map<std::string, solver::StepRunner*> by_context;
  for (const auto& [name, context] : contexts) {
    settings.context = context.dir;
    MB_ASSIGN_OR_RETURN(worker::WorkerOptions options,
                        MakeWorkerOptions(settings, root, scratch, "work-" + std::to_string(out.workers.size())));
    out.layer_options = options.layer_options;
    MB_ASSIGN_OR_RETURN(std::string dockerignore, ReadDockerignore(context.dockerfile, context.dir));
    MB_ASSIGN_OR_RETURN(std::unique_ptr<worker::Worker> worker, worker::Worker::Create(deps, options, dockerignore));
    by_context[name] = worker.get();
    out.workers.push_back(std::move(worker));
  }
  out.router = std::make_unique<worker::ContextRouter>(*out.workers.front(), std::move(by_context));
  return out;
}

}  // namespace mybuild::cli
