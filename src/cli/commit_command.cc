#include "src/cli/commit_command.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "src/cli/exit_codes.h"
#include "src/cli/image_config_conversion.h"
#include "src/cli/store_access.h"
#include "src/engine/container_commit.h"
#include "src/engine/container_lookup.h"
#include "src/engine/container_store.h"

namespace mybuild::cli {
namespace {

struct CommitFlags {
  std::string author, message, container, name;
  std::vector<std::string> changes;
};

StatusOr<std::string> RunCommit(const GlobalOptions& global, const CommitFlags& flags) {
  std::string tag;
  if (!flags.name.empty()) {
    MB_ASSIGN_OR_RETURN(tag, NormalizeTagName(flags.name));
  }
  MB_ASSIGN_OR_RETURN(LocalStore store, OpenLocalStore(global));
  MB_ASSIGN_OR_RETURN(engine::ContainerStore containers, engine::ContainerStore::Open(store.root));
  MB_ASSIGN_OR_RETURN(std::vector<engine::ContainerRecord> records, containers.List());
  MB_ASSIGN_OR_RETURN(engine::ContainerRecord record, engine::FindContainer(records, flags.container));
  MB_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Create(store.root));  // the diff's mounts stay private
  MB_ASSIGN_OR_RETURN(std::unique_ptr<snapshotter::Snapshotter> snapshots,
                      OpenSnapshotter(store.root, record.settings.snapshotter));
  engine::CommitOptions options;
  options.author = flags.author;
  options.message = flags.message;
  const std::vector<std::string> changes = flags.changes;
  options.edit_config = [changes](image::ImageConfig& config) { return ApplyConfigChanges(config, changes); };
  MB_ASSIGN_OR_RETURN(image::StoredImage committed, engine::CommitContainer(store.blobs, *snapshots, record, options));
  if (!tag.empty()) MB_RETURN_IF_ERROR(store.images.Tag(tag, committed.manifest_digest));
  return committed.config_digest.ToString();
}

}  // namespace

void AddCommitCommand(CLI::App& app, const GlobalOptions& global, std::function<int()>& run) {
  auto flags = std::make_shared<CommitFlags>();
  CLI::App* command = app.add_subcommand("commit", "Create a new image from a container's changes (like docker commit)");
  command->add_option("-a,--author", flags->author, "Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")");
  command->add_option("-m,--message", flags->message, "Commit message");
  command->add_option("-c,--change", flags->changes, "Apply Dockerfile instruction to the created image")
      ->allow_extra_args(false);
  command->add_option("container", flags->container, "Container name or ID")->required();
  command->add_option("name", flags->name, "REPOSITORY[:TAG] for the new image");
  command->callback([flags, &global, &run] {
    run = [flags, &global] {
      StatusOr<std::string> id = RunCommit(global, *flags);
      if (!id.ok()) {
        std::cerr << "error: " << id.status().ToString() << "\n";
        return kExitFailure;
      }
      std::cout << *id << "\n";
      return kExitOk;
    };
  });
}

}  // namespace mybuild::cli
