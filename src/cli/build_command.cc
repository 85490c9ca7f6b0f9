#include "src/cli/build_command.h"

#include <iostream>
#include <memory>

#include "src/cli/exit_codes.h"

namespace mybuild::cli {

void AddSolverFlags(CLI::App& command, std::string& progress, std::string& snapshotter, int& jobs) {
  command.add_option("--progress", progress, "Progress output: auto, tty, plain, quiet, rawjson")
      ->check(CLI::IsMember({"auto", "tty", "plain", "quiet", "rawjson"}));
  command.add_option("--snapshotter", snapshotter, "Snapshotter: auto, overlay or native")
      ->check(CLI::IsMember({"auto", "overlay", "native"}));
  command.add_option("-j,--jobs", jobs, "Maximum number of steps run at once (default: CPUs)")->check(CLI::NonNegativeNumber);
}

void AddBuildCommand(CLI::App& app, const GlobalOptions& global, std::function<int()>& run) {
  auto options = std::make_shared<BuildOptions>();
  CLI::App* command = app.add_subcommand("build", "Build an image from a Dockerfile (the default command)");
  command->add_option("context", options->context, "Build context directory")->required();
  command->add_option("-f,--file", options->file, "Name of the Dockerfile (default: CONTEXT/Dockerfile; - for stdin)");
  command->add_option("-t,--tag", options->tags, "Name and optionally a tag (NAME[:TAG]); repeatable");
  command->add_option("--build-arg", options->build_args, "Set a build-time variable (K=V, or K from the environment)");
  command->add_option("--label", options->labels, "Set a metadata label on the image (K=V)");
  command->add_option("--target", options->target, "Set the target build stage to build");
  command->add_option("--build-context", options->build_contexts,
                      "Additional build context (NAME=DIR or NAME=docker-image://REF); repeatable");
  command->add_flag("--pull", options->pull, "Always pull the base images, even when they are in the store");
  command->add_option("-o,--output", options->outputs,
                      "Output destination (type=oci|docker|local|tar|registry|image,dest=PATH,…)");
  command->add_flag("--push", options->push, "Shorthand for --output=type=registry");
  command->add_flag("--no-cache", options->no_cache, "Do not use cache when building the image");
  command->add_option("--no-cache-filter", options->no_cache_filter, "Do not cache the named stages (repeatable)")
      ->delimiter(',');
  command->add_option("--secret", options->secrets,
                      "Secret to expose to RUN --mount=type=secret (id=ID[,src=PATH|env=VAR][,type=file|env])");
  command->add_option("--ssh", options->ssh,
                      "SSH agent socket to expose to RUN --mount=type=ssh (default|ID[=SOCKET]; default: $SSH_AUTH_SOCK)");
  command->add_option("--cache-from", options->cache_from,
                      "Cache to import (type=local,src=DIR or type=registry,ref=NAME)");
  command->add_option("--cache-to", options->cache_to,
                      "Cache to export (type=local,dest=DIR or type=registry,ref=NAME; mode=min|max)");
  command->add_option("--iidfile", options->iidfile, "Write the image ID to a file");
  command->add_option("--metadata-file", options->metadata_file, "Write build result metadata to a file");
  command->add_option("--network", options->network,
                      "Networking mode of the RUN instructions that do not set --network themselves (default|host|none)")
      ->check(CLI::IsMember({"default", "host", "none"}));
  command->add_option("--add-host", options->add_hosts,
                      "Add a custom host-to-IP mapping to every RUN's /etc/hosts (NAME:IP or NAME=IP); repeatable");
  command->add_option("--platform", options->platform, "Target platform (only the host's is supported)");
  AddSolverFlags(*command, options->progress, options->snapshotter, options->jobs);
  command->add_flag("--keep-going", options->keep_going, "Keep building independent steps after a failure");
  command->add_option("--call", options->call,
                      "What to do: build; check (evaluate the build checks); outline (the build args, secrets and ssh "
                      "the target uses); targets (the stages); add ,format=json for JSON. Nothing is built but for build");
  command->add_flag_callback("--check", [options] { options->call = "check"; }, "Shorthand for --call=check");
  command->add_flag("-q,--quiet", options->quiet, "Print only the image digest");
  command->add_option("--ulimit", options->ulimits,
                      "Ulimit of every RUN: NAME=SOFT[:HARD] (nofile=1024:2048; repeatable; default: inherited)")
      ->allow_extra_args(false);
  command->add_option("--shm-size", options->shm_size, "Size of /dev/shm in RUN (default 64m)");
  command->add_option("--cgroup-parent", options->cgroup_parent,
                      "Parent cgroup (cgroup v2 path) of the RUN instructions during build");
  command->callback([options, &global, &run] { run = [options, &global] { return RunBuild(global, *options); }; });
}

}  // namespace mybuild::cli
