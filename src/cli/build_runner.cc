// `mybuild build`: Dockerfile → AST → plan → step graph → solve on the worker → image → outputs.
// This is where the concrete implementations are chosen and wired together.
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <optional>

#include "src/base/files.h"
#include "src/base/logging.h"
#include "src/cli/build_cache.h"
#include "src/checks/run_checks.h"
#include "src/cli/build_calls.h"
#include "src/cli/build_checks.h"
#include "src/cli/build_context_flags.h"
#include "src/cli/build_command.h"
#include "src/cli/build_pipeline.h"
#include "src/cli/build_export.h"
#include "src/cli/context_graph.h"
#include "src/cli/dockerfile_source.h"
#include "src/cli/exit_codes.h"
#include "src/cli/image_config_conversion.h"
#include "src/cli/interrupts.h"
#include "src/cli/named_context_resolver.h"
#include "src/cli/output_spec.h"
#include "src/cli/registry_access.h"
#include "src/cli/secret_flags.h"
#include "src/cli/store_access.h"
#include "src/cli/store_base_resolver.h"
#include "src/cli/store_format.h"
#include "src/engine/mount_flags.h"
#include "src/executor/namespace_executor.h"
#include "src/executor/resources.h"
#include "src/executor/step_cgroup.h"
#include "src/fileops/host_git_client.h"
#include "src/frontend/parser.h"
#include "src/frontend/text_util.h"
#include "src/frontend/validate.h"
#include "src/graph/graph_merge.h"
#include "src/image/image_store.h"
#include "src/image/layer_recompress.h"
#include "src/image/reference.h"
#include "src/planner/graph_lowering.h"
#include "src/planner/planner.h"
#include "src/solver/cache_index.h"
#include "src/solver/progress_mode.h"
#include "src/solver/solver.h"
#include "src/worker/imported_cache_index.h"
#include "src/worker/step_result.h"
#include "src/worker/worker.h"

namespace mybuild::cli {
namespace {

struct BuildOutcome {
  Digest manifest;
  Digest config;
  std::vector<std::string> tags;
  bool wrote_stdout = false;  // an output went to standard output: the digest is printed on stderr
  size_t warnings = 0;        // build check findings, counted again after the steps
};

// What the command line asks for, read and checked before any state is touched.
struct BuildRequest {
  std::filesystem::path context;
  std::string dockerfile_path;  // "-" for standard input
  std::string dockerfile_text;
  frontend::Dockerfile dockerfile;
  std::vector<OutputSpec> outputs;
  std::optional<int64_t> epoch;  // SOURCE_DATE_EPOCH
  std::vector<CacheImportSpec> cache_from;
  std::vector<CacheExportSpec> cache_to;
  std::map<std::string, std::string> build_args;  // --build-arg
  std::map<std::string, std::string> labels;      // --label
  std::map<std::string, compose::NamedContext> named_contexts;  // --build-context
  std::vector<std::string> extra_hosts;                         // --add-host, as /etc/hosts lines
  worker::RunSecrets run_secrets;  // --secret, --ssh
  executor::Resources run_resources;  // --ulimit, --shm-size, --cgroup-parent
};

// The flag values that are wrong whatever the Dockerfile and the state are (a bad -o, --cache-to,
// --build-arg or --label): a usage error, exit 2, before anything is read or written.
StatusOr<BuildRequest> ParseFlags(const BuildOptions& options) {
  BuildRequest request;
  for (const std::string& text : options.outputs) {
    MB_ASSIGN_OR_RETURN(OutputSpec output, ParseOutputSpec(text));
    std::error_code error;
    if (output.type == OutputSpec::Type::kLocal && std::filesystem::exists(output.dest, error) &&
        !std::filesystem::is_directory(output.dest, error)) {
      return InvalidArgument("output \"" + text + "\" is type=local (a directory; a bare path is one, as in buildx) but \"" +
                             output.dest + "\" is an existing file: for one tar file say -o type=tar,dest=" +
                             output.dest);
    }
    request.outputs.push_back(std::move(output));
  }
  if (options.push) {  // --push is -o type=registry
    MB_ASSIGN_OR_RETURN(OutputSpec push, ParseOutputSpec("type=registry"));
    request.outputs.push_back(std::move(push));
  }
  for (const std::string& text : options.cache_from) {
    MB_ASSIGN_OR_RETURN(CacheImportSpec spec, ParseCacheFrom(text));
    request.cache_from.push_back(std::move(spec));
  }
  for (const std::string& text : options.cache_to) {
    MB_ASSIGN_OR_RETURN(CacheExportSpec spec, ParseCacheTo(text));
    request.cache_to.push_back(std::move(spec));
  }
  MB_ASSIGN_OR_RETURN(request.build_args, ParseKeyValues(options.build_args, "--build-arg", true));
  MB_ASSIGN_OR_RETURN(request.labels, ParseKeyValues(options.labels, "--label", false));
  MB_ASSIGN_OR_RETURN(request.named_contexts, ParseBuildContextFlags(options.build_contexts));
  for (const std::string& host : options.add_hosts) {
    MB_ASSIGN_OR_RETURN(std::string line, engine::ParseAddHost(host));
    request.extra_hosts.push_back(std::move(line));
  }
  MB_ASSIGN_OR_RETURN(request.run_resources, executor::ParseResourceFlags({.ulimits = options.ulimits,
                                                                          .shm_size = options.shm_size,
                                                                          .cgroup_parent = options.cgroup_parent}));
  // Before anything runs: a cgroup that this host cannot give fails the build up front.
  if (request.run_resources.NeedsCgroup()) MB_RETURN_IF_ERROR(executor::CgroupV2Root(request.run_resources).status());
  return request;
}

// A --build-context named like a stage would replace the stage in BuildKit; mybuild does not do that, and
// says so rather than leave the context unused.
Status CheckContextNames(const frontend::Dockerfile& dockerfile,
                         const std::map<std::string, compose::NamedContext>& contexts) {
  for (const frontend::Instruction& instruction : dockerfile.instructions) {
    if (instruction.keyword != "from" || instruction.args.size() != 3) continue;
    for (const auto& [name, context] : contexts) {
      if (frontend::AsciiLower(name) == frontend::AsciiLower(instruction.args[2])) {
        return InvalidArgument("--build-context " + name + ": the Dockerfile has a stage of that name; replacing a "
                               "stage by a named context is not supported",
                               instruction.location);
      }
    }
  }
  return Status::Ok();
}

StatusOr<BuildRequest> ReadRequest(const BuildOptions& options, BuildRequest request) {
  request.context = options.context;
  if (!std::filesystem::is_directory(request.context)) {
    return InvalidArgument("build context \"" + options.context + "\" is not a directory");
  }
  request.dockerfile_path = options.file.empty() ? (request.context / "Dockerfile").string() : options.file;
  MB_ASSIGN_OR_RETURN(DockerfileSource source, ReadDockerfile(request.dockerfile_path));
  MB_ASSIGN_OR_RETURN(request.dockerfile, frontend::ParseDockerfile(source.text, source.name));
  request.dockerfile_text = std::move(source.text);
  MB_RETURN_IF_ERROR(frontend::ValidateInstructions(request.dockerfile));
  MB_RETURN_IF_ERROR(CheckContextNames(request.dockerfile, request.named_contexts));
  MB_ASSIGN_OR_RETURN(request.run_secrets, LoadRunSecrets(options.secrets, options.ssh, ProcessEnvironment()));
  if (!options.platform.empty()) {
    MB_ASSIGN_OR_RETURN(planner::Platform requested, planner::ParsePlatform(options.platform));
    planner::Platform host = planner::HostPlatform();
    if (requested.os != host.os || requested.architecture != host.architecture) {
      return Unimplemented("building for " + requested.ToString() + " on a " + host.ToString() +
                           " host is not supported (no emulation)");
    }
  }
  MB_ASSIGN_OR_RETURN(request.epoch, SourceDateEpochFromEnv());
  return request;
}

// Tags, outputs, --iidfile and --metadata-file.
StatusOr<BuildOutcome> Deliver(const image::StoredImage& image, const BuildRequest& request,
                               const BuildOptions& options, const cache::BlobStore& blobs,
                               image::ImageStore& images, const std::filesystem::path& scratch) {
  BuildOutcome outcome;
  outcome.manifest = image.manifest_digest;
  outcome.config = image.config_digest;
  // `-o type=image,compression=…` stores the image in that encoding; else built layers stay uncompressed.
  for (const OutputSpec& output : request.outputs) {
    if (output.type != OutputSpec::Type::kImage || !output.encoding) continue;
    MB_ASSIGN_OR_RETURN(image::StoredImage encoded, image::ImageInEncoding(blobs, image.manifest_digest, *output.encoding));
    outcome.manifest = encoded.manifest_digest;
  }
  for (const std::string& tag : options.tags) {
    MB_ASSIGN_OR_RETURN(std::string normalized, image::NormalizeReference(tag));
    MB_RETURN_IF_ERROR(images.Tag(normalized, outcome.manifest));
    outcome.tags.push_back(normalized);
  }
  // The manifest the metadata names: the first archive or registry output's (in its layers' encoding),
  // else the stored image's.
  std::optional<Digest> exported_manifest;
  for (const OutputSpec& output : request.outputs) {
    StatusOr<Digest> exported = ExportBuild(output, blobs, image, outcome.tags, scratch);
    if (!exported.ok()) return exported.status().WithContext("exporting to " + output.dest);
    if (output.dest == "-") outcome.wrote_stdout = true;
    const bool image_format = output.type == OutputSpec::Type::kOci || output.type == OutputSpec::Type::kDocker ||
                              output.type == OutputSpec::Type::kRegistry;
    if (image_format && !exported_manifest) exported_manifest = *exported;
  }
  if (exported_manifest) outcome.manifest = *exported_manifest;
  if (!options.iidfile.empty()) {
    MB_RETURN_IF_ERROR(WriteFileAtomically(options.iidfile, outcome.config.ToString()));
  }
  if (!options.metadata_file.empty()) {
    nlohmann::json metadata = {{"containerimage.digest", outcome.manifest.ToString()},
                               {"containerimage.config.digest", outcome.config.ToString()},
                               {"image.name", outcome.tags}};
    MB_RETURN_IF_ERROR(WriteFileAtomically(options.metadata_file, metadata.dump(2) + "\n"));
  }
  return outcome;
}

// The build checks, printed once before any step (empty continuation lines are NoEmptyContinuation).
// With `check=error=true` a finding fails the build before anything runs.
StatusOr<size_t> ReportChecks(const BuildRequest& request, const BuildOptions& options,
                              const checks::BaseImagePlatforms& images) {
  MB_ASSIGN_OR_RETURN(std::string dockerignore, ReadDockerignore(request.dockerfile_path, request.context));
  MB_ASSIGN_OR_RETURN(CheckOutcome checked,
                      EvaluateChecks(request.dockerfile, dockerignore, request.build_args, &images, options.platform));
  if (!options.quiet && options.progress != "quiet") {
    PrintFindings(checked.findings, request.dockerfile_text, false, options.progress, std::cerr);
  }
  if (checked.error) {
    return FailedPrecondition(std::to_string(checked.findings.size()) +
                              " build check warning(s) and check=error=true (see mybuild build --check)");
  }
  return checked.findings.size();
}

StatusOr<BuildOutcome> Build(const GlobalOptions& global, const BuildOptions& options, BuildRequest flags) {
  MB_ASSIGN_OR_RETURN(BuildRequest request, ReadRequest(options, std::move(flags)));
  MB_ASSIGN_OR_RETURN(std::unique_ptr<BuildStore> store, OpenBuildStore(global));
  cache::BlobStore& blobs = store->blobs;
  image::ImageStore& images = store->images;
  MB_ASSIGN_OR_RETURN(const size_t warnings, ReportChecks(request, options, StoreImagePlatforms(blobs, images)));
  const std::filesystem::path& root = store->root;
  StoreBaseResolver store_resolver(blobs, images);
  store_resolver.SetPuller([&](const std::string& name) { return PullForBuild(blobs, images, name); });
  NamedContextResolver::Shared shared{.store = &store_resolver, .blobs = &blobs, .images = &images};
  NamedContextResolver resolver(shared, request.named_contexts, options.pull, "--pull");
  PlanSettings plan_settings{request.build_args, request.labels, options.target, options.no_cache_filter, options.network,
                             request.extra_hosts};
  MB_ASSIGN_OR_RETURN(PlannedBuild planned, PlanDockerfile(request.dockerfile, plan_settings, resolver));
  // Directories named by --build-context become local sources of their own (each with its worker): the
  // graph is copied with the placeholders the resolver pinned for them replaced (only then: the copy
  // costs time on a huge Dockerfile).
  ContextGraph context_graph(request.context);
  context_graph.AddContext("context", LocalContext{request.context.string(), request.dockerfile_path});
  graph::VertexIndex target = planned.lowered.target;
  std::optional<graph::BuildGraph> copied_graph;
  const bool named_directories = std::any_of(request.named_contexts.begin(), request.named_contexts.end(), [](const auto& named) {
    return named.second.kind == compose::NamedContext::Kind::kDirectory;
  });
  if (named_directories) {
    graph::AppendOptions append;
    append.substitute = [&](const graph::Vertex& vertex) {
      return context_graph.SubstituteDirectory(vertex, request.named_contexts);
    };
    MB_ASSIGN_OR_RETURN(std::vector<graph::VertexIndex> mapped,
                        graph::AppendGraph(context_graph.builder(), planned.lowered.graph, append));
    MB_RETURN_IF_ERROR(context_graph.TakeError());
    target = mapped[target];
  }
  const std::map<std::string, LocalContext> contexts = context_graph.contexts();
  if (named_directories) copied_graph = std::move(context_graph).Finish();
  const graph::BuildGraph& build_graph = copied_graph ? *copied_graph : planned.lowered.graph;

  // From here on an interrupt cancels the build, which then unwinds: every mount and the scratch
  // directory are released before the command exits.
  solver::CancelToken cancel;
  InterruptScope interrupts(cancel);
  MB_ASSIGN_OR_RETURN(std::unique_ptr<WorkerServices> services, WorkerServices::Open(*store, options.snapshotter));
  WorkerSettings worker_settings{request.context, request.run_secrets, request.epoch, request.run_resources};
  const BaseImageLookup find_base = [&resolver](const std::string& reference) { return resolver.FindImage(reference); };
  // An export that compresses: the image's steps write their layers in its encoding, and the base
  // image's layers are brought into it on another thread while the solve runs (waited for on return).
  std::future<void> base_layers_encoded;
  if (std::optional<image::LayerEncoding> encoding = ExportEncoding(request.outputs)) {
    worker_settings.exported_layers = worker::ExportedLayers{*encoding, LayerStepsOf(build_graph, target)};
    if (const image::StoredImage* base = TargetBaseImage(planned.plan, find_base)) {
      base_layers_encoded = StartBaseLayerEncoding(blobs, *base, *encoding, cancel);
    }
  }
  MB_ASSIGN_OR_RETURN(solver::FileCacheIndex local_cache, solver::FileCacheIndex::Open(root));
  worker::WorkerDeps deps = services->Deps(blobs);
  // COPY --link layers are found by a key without their base; --no-cache reuses none.
  deps.link_layers = options.no_cache ? nullptr : &local_cache;
  MB_ASSIGN_OR_RETURN(ContextWorkers workers,
                      OpenContextWorkers(contexts, deps, worker_settings, root, services->scratch()));

  worker::ImportedCacheIndex cache_index(local_cache, blobs, ImportCaches(request.cache_from, blobs));
  const SolveSettings solve_settings{options.progress, options.quiet, options.jobs, options.keep_going, options.no_cache};
  StatusOr<solver::SolveResult> solved =
      SolveGraph(build_graph, {target}, *workers.router, cache_index, solve_settings, cancel);
  services->SaveStatCache();
  MB_RETURN_IF_ERROR(Interrupted(interrupts));
  MB_RETURN_IF_ERROR(solved.status());
  MB_ASSIGN_OR_RETURN(worker::SnapshotResult result, TargetResult(*solved, target));
  if (base_layers_encoded.valid()) base_layers_encoded.wait();
  // The exported image's layers as the export wants them.
  const image::LayerOptions built_layers =
      worker_settings.exported_layers ? image::WithEncoding(workers.layer_options, worker_settings.exported_layers->encoding)
                                      : workers.layer_options;
  MB_ASSIGN_OR_RETURN(image::StoredImage image, AssembleImage(blobs, planned.plan, find_base, result,
                                                              built_layers, request.epoch));
  MB_RETURN_IF_ERROR(Interrupted(interrupts));
  MB_ASSIGN_OR_RETURN(BuildOutcome outcome, Deliver(image, request, options, blobs, images, services->scratch()));
  MB_RETURN_IF_ERROR(ExportCaches(request.cache_to, *solved, local_cache, blobs, result));
  outcome.warnings = warnings;
  return outcome;
}

}  // namespace

int RunBuild(const GlobalOptions& global, const BuildOptions& options) {
  StatusOr<CallSpec> call = ParseCallSpec(options.call);
  if (!call.ok()) {
    std::cerr << "error: " << call.status().ToString() << "\n";
    return kExitUsage;
  }
  if (call->name == "check") return RunCheckOnly(global, options);
  if (call->name != "build") return RunInfoCall(options, *call);
  StatusOr<BuildRequest> flags = ParseFlags(options);
  if (!flags.ok()) {
    std::cerr << "error: " << flags.status().ToString() << "\n";
    return kExitUsage;
  }
  StatusOr<BuildOutcome> outcome = Build(global, options, std::move(*flags));
  if (!outcome.ok()) {
    std::cerr << "error: " << outcome.status().ToString() << "\n";
    const int interrupted = InterruptExitCode();
    return interrupted != 0 ? interrupted : kExitFailure;
  }
  // The image ID (config digest) on stdout, as `docker build -q` prints it; with progress, both digests
  // on stderr (the manifest digest is what a registry and `--metadata-file` name).
  if (!options.quiet && (options.progress == "auto" || options.progress == "plain" || options.progress == "tty")) {
    std::cerr << "image " << outcome->config.ToString() << ", manifest " << outcome->manifest.ToString() << "\n";
  }
  if (outcome->warnings > 0 && !options.quiet && options.progress != "quiet" && options.progress != "rawjson") {
    std::cerr << checks::SummaryLine(outcome->warnings) << " (use --check for details)\n";
  }
  std::ostream& out = outcome->wrote_stdout ? std::cerr : std::cout;
  out << outcome->config.ToString() << "\n";
  return kExitOk;
}

}  // namespace mybuild::cli
