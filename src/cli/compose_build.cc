#include "src/cli/compose_build.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <set>
#include <thread>

#include "src/base/logging.h"
#include "src/cli/build_cache.h"
#include "src/cli/build_command.h"
#include "src/cli/compose_build_inputs.h"
#include "src/cli/build_pipeline.h"
#include "src/cli/context_graph.h"
#include "src/cli/named_context_resolver.h"
#include "src/cli/dockerfile_source.h"
#include "src/cli/exit_codes.h"
#include "src/cli/interrupts.h"
#include "src/cli/registry_access.h"
#include "src/cli/store_base_resolver.h"
#include "src/cli/store_format.h"
#include "src/compose/build_plan.h"
#include "src/frontend/parser.h"
#include "src/frontend/text_util.h"
#include "src/frontend/validate.h"
#include "src/graph/graph_merge.h"
#include "src/image/reference.h"
#include "src/planner/platform.h"
#include "src/worker/context_router.h"
#include "src/worker/imported_cache_index.h"

namespace mybuild::cli {
namespace {

struct ComposeBuildOptions {
  std::vector<std::string> services;
  bool print = false;
  bool no_cache = false;
  bool pull = false;
  bool with_dependencies = false;
  std::vector<std::string> build_args;
  bool quiet = false;
  std::string progress = "auto";
  std::string snapshotter = "auto";
  int jobs = 0;
  bool print_ids = true;  // "SERVICE IMAGE-ID" lines on stdout (compose build's output; not up's)
};

StatusOr<frontend::Dockerfile> ReadServiceDockerfile(const compose::ServiceBuild& build) {
  DockerfileSource source;
  if (!build.dockerfile_inline.empty()) {
    source = DockerfileSource{"services." + build.service + ".build.dockerfile_inline", build.dockerfile_inline};
  } else {
    StatusOr<DockerfileSource> read = ReadDockerfile(build.dockerfile);
    if (!read.ok()) return read.status().WithContext("service " + build.service);
    source = std::move(*read);
  }
  MB_ASSIGN_OR_RETURN(frontend::Dockerfile dockerfile, frontend::ParseDockerfile(source.text, source.name));
  for (const frontend::Warning& warning : dockerfile.warnings) {
    spdlog::warn("{}: {}", warning.location.ToString(), warning.message);
  }
  MB_RETURN_IF_ERROR(frontend::ValidateInstructions(dockerfile));
  return dockerfile;
}

// The FROM and COPY/ADD --from words of a Dockerfile that may name images (not its own stages, not
// words with variables in them).
std::vector<std::string> ImageWords(const frontend::Dockerfile& dockerfile) {
  std::set<std::string> stages;
  std::vector<std::string> words;
  for (const frontend::Instruction& instruction : dockerfile.instructions) {
    if (instruction.keyword == "from" && !instruction.args.empty()) {
      words.push_back(instruction.args[0]);
      if (instruction.args.size() == 3) stages.insert(frontend::AsciiLower(instruction.args[2]));
    }
    if (instruction.keyword == "copy" || instruction.keyword == "add") {
      for (const std::string& flag : instruction.flags) {
        if (flag.rfind("--from=", 0) == 0) words.push_back(flag.substr(7));
      }
    }
  }
  std::erase_if(words, [&](const std::string& word) {
    return word.find('$') != std::string::npos || stages.count(frontend::AsciiLower(word)) || word == "scratch";
  });
  return words;
}

// Every service's Dockerfile, parsed; FROM/--from words naming another service's image become service:
// contexts (compose::LinkServiceImages).
StatusOr<std::map<std::string, frontend::Dockerfile>> ReadDockerfiles(std::vector<compose::ServiceBuild>& builds) {
  std::map<std::string, frontend::Dockerfile> dockerfiles;
  std::map<std::string, std::vector<std::string>> words;
  for (const compose::ServiceBuild& build : builds) {
    MB_ASSIGN_OR_RETURN(frontend::Dockerfile dockerfile, ReadServiceDockerfile(build));
    words[build.service] = ImageWords(dockerfile);
    dockerfiles.emplace(build.service, std::move(dockerfile));
  }
  auto normalize = [](const std::string& reference) {
    StatusOr<std::string> normalized = image::NormalizeReference(reference);
    return normalized.ok() ? *normalized : std::string();
  };
  MB_RETURN_IF_ERROR(compose::LinkServiceImages(builds, words, normalize));
  return dockerfiles;
}

// Everything the services' graphs became: one graph, each service's target in it, the local contexts.
struct CombinedBuild {
  graph::BuildGraph graph;
  std::map<std::string, graph::VertexIndex> targets;      // by service
  std::map<std::string, PlannedBuild> planned;             // by service
  std::map<std::string, std::unique_ptr<NamedContextResolver>> resolvers;
  std::map<std::string, LocalContext> contexts;            // by local source name
};

class GraphCombiner {
 public:
  GraphCombiner(const compose::Project& project, NamedContextResolver::Shared& shared)
      : shared_(shared), graph_(project.working_dir) {}

  Status Add(const compose::ServiceBuild& build, const frontend::Dockerfile& dockerfile) {
    auto resolver = std::make_unique<NamedContextResolver>(shared_, build.contexts, build.pull,
                                                           "services." + build.service + ".build.pull");
    PlanSettings settings{build.args, build.labels, build.target, {}, build.network.empty() ? "default" : build.network};
    StatusOr<PlannedBuild> planned = PlanDockerfile(dockerfile, settings, *resolver);
    if (!planned.ok()) return planned.status().WithContext("service " + build.service);
    shared_.service_configs[build.service] = planned->plan.target().config;

    const std::string context = ContextName(graph_.base_dir(), build.context, build.dockerfile);
    graph_.AddContext(context, LocalContext{build.context, build.dockerfile});
    graph::AppendOptions options;
    options.name_prefix = build.service + ": ";
    options.rewrite = [&](graph::Op& op) {
      if (auto* exec = std::get_if<graph::ExecOp>(&op)) QualifySecretMounts(build, *exec);
      if (auto* source = std::get_if<graph::SourceOp>(&op)) {
        if (auto* local = std::get_if<graph::LocalSource>(&source->source); local != nullptr && local->name == "context") {
          local->name = context;
        }
      }
    };
    options.substitute = [&](const graph::Vertex& vertex) -> std::optional<graph::VertexIndex> {
      const auto* source = std::get_if<graph::SourceOp>(&vertex.op);
      const auto* image = source != nullptr ? std::get_if<graph::ImageSource>(&source->source) : nullptr;
      if (image != nullptr && image->reference.rfind(kServicePlaceholder, 0) == 0) {
        return out_.targets.at(image->reference.substr(std::strlen(kServicePlaceholder)));
      }
      return graph_.SubstituteDirectory(vertex, build.contexts);
    };
    const size_t before = graph_.builder().size();
    StatusOr<std::vector<graph::VertexIndex>> mapped = graph::AppendGraph(graph_.builder(), planned->lowered.graph, options);
    MB_RETURN_IF_ERROR(graph_.TakeError());
    if (!mapped.ok()) return mapped.status().WithContext("service " + build.service);
    if (build.no_cache) {  // `no_cache: true` or --no-cache: this service's own steps never come from the cache
      for (graph::VertexIndex index : *mapped) {
        if (index >= before) graph_.builder().SetIgnoreCache(index, true);
      }
    }
    out_.targets[build.service] = (*mapped)[planned->lowered.target];
    out_.planned.emplace(build.service, std::move(*planned));
    out_.resolvers.emplace(build.service, std::move(resolver));
    return Status::Ok();
  }

  CombinedBuild Finish() && {
    out_.contexts = graph_.contexts();
    out_.graph = std::move(graph_).Finish();
    return std::move(out_);
  }

 private:
  NamedContextResolver::Shared& shared_;
  ContextGraph graph_;
  CombinedBuild out_;
};

Status ComposeBuild(const GlobalOptions& global, const ComposeBuildOptions& options, const compose::Project& project,
                    const std::vector<compose::ServiceBuild>& builds,
                    const std::map<std::string, frontend::Dockerfile>& dockerfiles, const ServiceCaches& caches) {
  MB_ASSIGN_OR_RETURN(std::optional<int64_t> epoch, SourceDateEpochFromEnv());
  MB_ASSIGN_OR_RETURN(worker::RunSecrets secrets, LoadServiceSecrets(project, builds));
  MB_ASSIGN_OR_RETURN(std::unique_ptr<BuildStore> store, OpenBuildStore(global));
  StoreBaseResolver store_resolver(store->blobs, store->images);
  store_resolver.SetPuller([&](const std::string& name) { return PullForBuild(store->blobs, store->images, name); });
  NamedContextResolver::Shared shared;
  shared.store = &store_resolver;
  shared.blobs = &store->blobs;
  shared.images = &store->images;
  GraphCombiner combiner(project, shared);
  for (const compose::ServiceBuild& build : builds) MB_RETURN_IF_ERROR(combiner.Add(build, dockerfiles.at(build.service)));
  CombinedBuild combined = std::move(combiner).Finish();

  solver::CancelToken cancel;
  InterruptScope interrupts(cancel);
  MB_ASSIGN_OR_RETURN(std::unique_ptr<WorkerServices> services, WorkerServices::Open(*store, options.snapshotter));
  MB_ASSIGN_OR_RETURN(solver::FileCacheIndex cache_index, solver::FileCacheIndex::Open(store->root));
  worker::WorkerDeps deps = services->Deps(store->blobs);
  // COPY --link layers are found by a key without their base; --no-cache reuses none.
  deps.link_layers = options.no_cache ? nullptr : &cache_index;
  MB_ASSIGN_OR_RETURN(ContextWorkers workers, OpenContextWorkers(combined.contexts, deps, WorkerSettings{{}, secrets, epoch},
                                                                 store->root, services->scratch()));
  const image::LayerOptions layer_options = workers.layer_options;

  std::vector<graph::VertexIndex> targets;
  for (const auto& [service, target] : combined.targets) targets.push_back(target);
  // Without -j, at least one slot per service, as bake builds every target at once: with the CPU count
  // alone (2 here) four services' independent RUNs waited for each other although they mostly wait on
  // their processes (bench/compose_build.sh: 0.66x of four mybuild build before, 0.50x with it).
  const int jobs = options.jobs != 0 ? options.jobs
                                     : std::max<int>(static_cast<int>(std::thread::hardware_concurrency()),
                                                     static_cast<int>(builds.size()));
  const SolveSettings settings{options.progress, options.quiet, jobs, false, false};
  worker::ImportedCacheIndex imported(cache_index, store->blobs, ImportCaches(caches.from, store->blobs));
  StatusOr<solver::SolveResult> solved = SolveGraph(combined.graph, targets, *workers.router, imported, settings, cancel);
  services->SaveStatCache();
  MB_RETURN_IF_ERROR(Interrupted(interrupts));
  MB_RETURN_IF_ERROR(solved.status());

  // In plan order: a service's image is assembled after the images it builds on.
  for (const compose::ServiceBuild& build : builds) {
    const PlannedBuild& planned = combined.planned.at(build.service);
    MB_ASSIGN_OR_RETURN(worker::SnapshotResult result, TargetResult(*solved, combined.targets.at(build.service)));
    const NamedContextResolver& resolver = *combined.resolvers.at(build.service);
    const BaseImageLookup find_base = [&resolver](const std::string& reference) { return resolver.FindImage(reference); };
    MB_ASSIGN_OR_RETURN(image::StoredImage image, AssembleImage(store->blobs, planned.plan, find_base, result, layer_options, epoch));
    std::vector<std::string> tags;
    for (const std::string& tag : build.tags) {
      StatusOr<std::string> normalized = image::NormalizeReference(tag);
      if (!normalized.ok()) return normalized.status().WithContext("services." + build.service + " image name");
      MB_RETURN_IF_ERROR(store->images.Tag(*normalized, image.manifest_digest));
      tags.push_back(*normalized);
    }
    if (auto to = caches.to.find(build.service); to != caches.to.end()) {
      Status exported = ExportCaches(to->second, *solved, cache_index, store->blobs, result);
      if (!exported.ok()) return exported.WithContext("services." + build.service + ".build.cache_to");
    }
    shared.built_images[build.service] = image;
    if (!options.quiet) {
      std::cerr << "service " << build.service << ": image " << image.config_digest.ToString() << " tagged";
      for (const std::string& tag : tags) std::cerr << " " << tag;
      std::cerr << "\n";
    }
    if (options.print_ids) std::cout << build.service << " " << image.config_digest.ToString() << "\n";
  }
  return Status::Ok();
}

// The selection with the services they depend on (depends_on), for --with-dependencies.
std::vector<std::string> WithDependencies(const compose::Project& project, std::vector<std::string> selected) {
  std::set<std::string> seen(selected.begin(), selected.end());
  for (size_t i = 0; i < selected.size(); ++i) {
    auto service = project.services.find(selected[i]);
    if (service == project.services.end()) continue;
    for (const auto& [dependency, spec] : service->second.depends_on) {
      if (seen.insert(dependency).second && project.services.count(dependency)) selected.push_back(dependency);
    }
  }
  return selected;
}

int RunComposeBuild(const GlobalOptions& global, const ComposeOptions& compose_options, const ComposeBuildOptions& options) {
  StatusOr<std::map<std::string, std::string>> build_args = ParseKeyValues(options.build_args, "--build-arg", true);
  if (!build_args.ok()) {
    std::cerr << "error: " << build_args.status().ToString() << "\n";
    return kExitUsage;
  }
  StatusOr<compose::Project> project = LoadComposeProject(compose_options);
  if (!project.ok()) {
    std::cerr << "error: " << project.status().ToString() << "\n";
    return kExitFailure;
  }
  compose::BuildOverrides overrides{options.no_cache, options.pull, *build_args};
  std::vector<std::string> selected = options.services;
  if (options.with_dependencies && !selected.empty()) selected = WithDependencies(*project, selected);
  StatusOr<std::vector<compose::ServiceBuild>> builds =
      compose::PlanServiceBuilds(*project, selected, overrides, planner::HostPlatform().ToString());
  if (!builds.ok()) {
    std::cerr << "error: " << builds.status().ToString() << "\n";
    return kExitFailure;
  }
  std::vector<std::string> warnings;
  for (const compose::ServiceBuild& build : *builds) warnings.insert(warnings.end(), build.warnings.begin(), build.warnings.end());
  StatusOr<ServiceCaches> caches = ParseServiceCaches(*builds, warnings);
  for (const std::string& warning : warnings) std::cerr << "warning: " << warning << "\n";
  if (!caches.ok()) {
    std::cerr << "error: " << caches.status().ToString() << "\n";
    return kExitFailure;
  }
  StatusOr<std::map<std::string, frontend::Dockerfile>> dockerfiles = ReadDockerfiles(*builds);
  if (!dockerfiles.ok()) {
    std::cerr << "error: " << dockerfiles.status().ToString() << "\n";
    return kExitFailure;
  }
  if (options.print) {
    std::cout << compose::BuildPlanToJson(*builds).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  if (builds->empty()) {
    std::cerr << "no service to build (none has a build: section)\n";
    return kExitOk;
  }
  Status built = ComposeBuild(global, options, *project, *builds, *dockerfiles, *caches);
  if (!built.ok()) {
    std::cerr << "error: " << built.ToString() << "\n";
    const int interrupted = InterruptExitCode();
    return interrupted != 0 ? interrupted : kExitFailure;
  }
  return kExitOk;
}

}  // namespace

Status BuildServicesForUp(const GlobalOptions& global, const compose::Project& project,
                          const std::vector<std::string>& services) {
  ComposeBuildOptions options;
  options.print_ids = false;
  MB_ASSIGN_OR_RETURN(std::vector<compose::ServiceBuild> builds,
                      compose::PlanServiceBuilds(project, services, compose::BuildOverrides{}, planner::HostPlatform().ToString()));
  if (builds.empty()) return Status::Ok();
  std::vector<std::string> warnings;
  for (const compose::ServiceBuild& build : builds) warnings.insert(warnings.end(), build.warnings.begin(), build.warnings.end());
  StatusOr<ServiceCaches> caches = ParseServiceCaches(builds, warnings);
  for (const std::string& warning : warnings) std::cerr << "warning: " << warning << "\n";
  MB_RETURN_IF_ERROR(caches.status());
  MB_ASSIGN_OR_RETURN(auto dockerfiles, ReadDockerfiles(builds));
  return ComposeBuild(global, options, project, builds, dockerfiles, *caches);
}

void AddComposeBuildCommand(CLI::App& compose, const GlobalOptions& global, std::shared_ptr<ComposeOptions> compose_options,
                            std::function<int()>& run) {
  auto options = std::make_shared<ComposeBuildOptions>();
  CLI::App* command = compose.add_subcommand("build", "Build the services' images in one build graph");
  command->add_option("services", options->services, "Services to build (default: every service with build:)");
  command->add_flag("--print", options->print, "Print the build plan as JSON and build nothing");
  command->add_flag("--no-cache", options->no_cache, "Do not use the cache for any service");
  command->add_flag("--pull", options->pull, "Pull every base image again");
  command->add_flag("--with-dependencies", options->with_dependencies, "Also build the services the named ones depend on");
  command->add_option("--build-arg", options->build_args, "Set a build-time variable for every service (K=V, or K from the environment)");
  command->add_flag("-q,--quiet", options->quiet, "Print nothing but the image IDs");
  AddSolverFlags(*command, options->progress, options->snapshotter, options->jobs);
  command->callback([options, compose_options, &global, &run] {
    run = [options, compose_options, &global] { return RunComposeBuild(global, *compose_options, *options); };
  });
}

}  // namespace mybuild::cli
