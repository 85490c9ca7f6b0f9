#include "src/cli/copy_command.h"

#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "src/cli/exit_codes.h"
#include "src/cli/store_access.h"
#include "src/engine/container_copy.h"
#include "src/engine/container_lookup.h"
#include "src/engine/container_root.h"
#include "src/engine/container_store.h"

namespace mybuild::cli {
namespace {

struct CopyFlags {
  std::string source, destination;
  engine::CopyOptions options;
};

int Failed(const Status& status) {
  std::cerr << "error: " << status.ToString() << "\n";
  return kExitFailure;
}

// A host path made absolute against the working directory, keeping its trailing "/" or "/.".
std::string HostPath(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  std::error_code error;
  return std::filesystem::current_path(error).string() + "/" + path;
}

// The container side: its files opened (a stopped one's snapshot mounted in this process's namespace).
struct OpenedContainer {
  std::filesystem::path root;
  std::optional<engine::ContainerStore> store;
  std::unique_ptr<snapshotter::Snapshotter> snapshots;
  ScratchDir scratch;
  std::unique_ptr<engine::ContainerRoot> files;
};

StatusOr<std::unique_ptr<OpenedContainer>> OpenContainer(const GlobalOptions& global, const std::string& reference) {
  auto out = std::make_unique<OpenedContainer>();
  out->root = std::filesystem::absolute(ResolveRoot(global));
  MB_ASSIGN_OR_RETURN(engine::ContainerStore store, engine::ContainerStore::Open(out->root));
  out->store.emplace(std::move(store));
  MB_ASSIGN_OR_RETURN(std::vector<engine::ContainerRecord> records, out->store->List());
  MB_ASSIGN_OR_RETURN(engine::ContainerRecord record, engine::FindContainer(records, reference));
  MB_ASSIGN_OR_RETURN(out->scratch, ScratchDir::Create(out->root));
  MB_ASSIGN_OR_RETURN(out->snapshots, OpenSnapshotter(out->root, record.settings.snapshotter));
  MB_ASSIGN_OR_RETURN(out->files, engine::ContainerRoot::Open(*out->store, *out->snapshots, record.id,
                                                              out->scratch.path() / ("cp-" + record.id.substr(0, 12))));
  return out;
}

Status RunCopy(const GlobalOptions& global, const CopyFlags& flags) {
  const engine::CopyArgument src = flags.source == "-" ? engine::CopyArgument{"", "-"} : engine::SplitCopyArgument(flags.source);
  const engine::CopyArgument dest =
      flags.destination == "-" ? engine::CopyArgument{"", "-"} : engine::SplitCopyArgument(flags.destination);
  if (src.container.empty() && dest.container.empty()) {
    return InvalidArgument("copying between local paths is not supported: name a container as CONTAINER:PATH");
  }
  if (!src.container.empty() && !dest.container.empty()) {
    return InvalidArgument("copying between containers is not supported");
  }
  const bool into_container = !dest.container.empty();
  const engine::CopyArgument& inside = into_container ? dest : src;
  const engine::CopyArgument& outside = into_container ? src : dest;
  MB_ASSIGN_OR_RETURN(std::unique_ptr<OpenedContainer> container, OpenContainer(global, inside.container));
  MB_ASSIGN_OR_RETURN(snapshotter::RootFs host, snapshotter::RootFs::Open(std::filesystem::path("/"), false, "the host"));

  engine::CopyEndpoint in_container{&container->files->root(), "/" + inside.path, inside.container + ":" + inside.path,
                                    snapshotter::Ownership{0, 0}};
  if (outside.path == "-") {
    if (into_container) return engine::CopyFromTarStream(STDIN_FILENO, in_container, flags.options);
    return engine::CopyToTarStream(in_container, STDOUT_FILENO, flags.options);
  }
  engine::CopyEndpoint on_host{&host, HostPath(outside.path), outside.path,
                               snapshotter::Ownership{static_cast<uint32_t>(getuid()), static_cast<uint32_t>(getgid())}};
  if (into_container) return engine::CopyBetween(on_host, in_container, flags.options);
  return engine::CopyBetween(in_container, on_host, flags.options);
}

}  // namespace

void AddCopyCommand(CLI::App& app, const GlobalOptions& global, std::function<int()>& run) {
  auto flags = std::make_shared<CopyFlags>();
  CLI::App* command = app.add_subcommand("cp", "Copy files between a container and the host (like docker cp)");
  command->footer(
      "Usage: mybuild cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n"
      "       mybuild cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH");
  command->add_flag("-a,--archive", flags->options.archive, "Archive mode (copy all uid/gid information)");
  command->add_flag("-L,--follow-link", flags->options.follow_link, "Always follow symbol link in SRC_PATH");
  command->add_option("source", flags->source, "CONTAINER:SRC_PATH, a host path, or - for a tar stream on stdin")
      ->required();
  command->add_option("destination", flags->destination,
                      "CONTAINER:DEST_PATH, a host path, or - for a tar stream on stdout")
      ->required();
  command->callback([flags, &global, &run] {
    run = [flags, &global] {
      signal(SIGPIPE, SIG_IGN);  // a reader of the tar stream that went away is an error, not a signal
      Status copied = RunCopy(global, *flags);
      return copied.ok() ? kExitOk : Failed(copied);
    };
  });
}

}  // namespace mybuild::cli
