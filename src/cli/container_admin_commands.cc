#include "src/cli/container_admin_commands.h"

#include <unistd.h>

#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "snapshotter/passwd.h"
#include "src/base/files.h"
#include "src/cli/container_access.h"
#include "src/cli/exit_codes.h"
#include "src/cli/prune_command.h"
#include "src/cli/store_access.h"
#include "src/cli/store_format.h"
#include "src/engine/container_pin.h"
#include "src/engine/container_top.h"
#include "src/engine/container_volumes.h"
#include "src/engine/disk_usage.h"
#include "src/engine/volume_store.h"

namespace mybuild::cli {
namespace {

int Failed(const Status& status) {
  std::cerr << "error: " << status.ToString() << "\n";
  return kExitFailure;
}

// A host file's text, "" when it cannot be read.
std::string ReadHostFile(const std::string& path) {
  StatusOr<std::string> text = ReadFile(path, snapshotter::kMaxAccountFileBytes);
  return text.ok() ? std::move(*text) : std::string();
}

// Docker's prompt; true for "y" or "Y" on stdin.
bool Confirm(const std::string& warning) {
  std::cout << warning << "\nAre you sure you want to continue? [y/N] " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y";
}

// The bytes of a container's writable snapshot, from whichever snapshot root holds it.
uint64_t ContainerSize(const std::filesystem::path& root, const engine::ContainerRecord& record) {
  for (const char* kind : {"overlay", "native"}) {
    const std::filesystem::path dir = root / "snapshots" / kind;
    std::error_code error;
    if (!std::filesystem::is_directory(dir / "snapshots", error)) continue;
    StatusOr<std::unique_ptr<snapshotter::Snapshotter>> snapshots =
        snapshotter::OpenSnapshotterForCleanup(dir, std::string(kind) == "overlay");
    if (!snapshots.ok()) continue;
    StatusOr<snapshotter::SnapshotInfo> info = (*snapshots)->Stat(record.snapshot);
    if (info.ok()) return engine::TreeSize(info->dir);
  }
  return 0;
}

// The volumes some container mounts, running or not.
std::set<std::string> MountedVolumes(const std::vector<engine::ContainerRecord>& records) {
  std::set<std::string> out;
  for (const engine::ContainerRecord& record : records) {
    for (const engine::MountRequest& mount : record.settings.mounts) {
      if (mount.type == engine::MountRequest::Type::kVolume) out.insert(mount.source.string());
    }
  }
  return out;
}

int RunTop(const GlobalOptions& global, const std::string& reference) {
  StatusOr<std::unique_ptr<Containers>> containers = Containers::Open(global);
  if (!containers.ok()) return Failed(containers.status());
  StatusOr<engine::ContainerRecord> found = (*containers)->control.Find(reference);
  if (!found.ok()) return Failed(found.status());
  engine::ContainerRecord record;
  StatusOr<UniqueFd> pidfd = engine::PinRunningContainer((*containers)->store, found->id, record);
  if (!pidfd.ok()) return Failed(pidfd.status());
  StatusOr<std::vector<engine::ProcessInfo>> processes = engine::NamespaceProcesses("/proc", record.state.pid);
  if (!processes.ok()) return Failed(processes.status());
  if (!engine::PidfdAlive(pidfd->get())) return Failed(FailedPrecondition("container " + reference + " is not running"));
  std::vector<std::pair<uint32_t, std::string>> users;
  for (const snapshotter::PasswdEntry& entry : snapshotter::ParsePasswd(ReadHostFile("/etc/passwd"))) {
    users.emplace_back(entry.uid, entry.name);
  }
  int64_t boot = 0;
  std::istringstream stat(ReadHostFile("/proc/stat"));
  for (std::string line; std::getline(stat, line);) {
    if (line.rfind("btime ", 0) == 0) boot = std::stoll(line.substr(6));
  }
  std::cout << FormatTable(engine::TopRows(*processes, users, boot, sysconf(_SC_CLK_TCK), std::time(nullptr)));
  return kExitOk;
}

// Removes the stopped containers; prints docker's section. The bytes their snapshots held go to `freed`.
Status PruneContainers(Containers& containers, uint64_t& freed) {
  MB_ASSIGN_OR_RETURN(std::vector<engine::ContainerRecord> records, containers.control.List());
  std::map<std::string, uint64_t> sizes;
  for (const engine::ContainerRecord& record : records) {
    if (record.state.state != "running") sizes[record.id] = ContainerSize(containers.root, record);
  }
  std::vector<std::string> removed;
  Status pruned = containers.control.PruneStopped(removed);
  if (!removed.empty()) {
    std::cout << "Deleted Containers:\n";
    for (const std::string& id : removed) {
      std::cout << id << "\n";
      freed += sizes[id];
    }
    std::cout << "\n";
  }
  return pruned;
}

Status PruneVolumes(Containers& containers, uint64_t& freed) {
  MB_ASSIGN_OR_RETURN(engine::VolumeStore volumes, engine::VolumeStore::Open(containers.root));
  MB_ASSIGN_OR_RETURN(std::vector<std::string> names, volumes.List());
  MB_ASSIGN_OR_RETURN(std::vector<engine::ContainerRecord> records, containers.store.List());
  const std::set<std::string> mounted = MountedVolumes(records);
  std::vector<std::string> removed;
  for (const std::string& name : names) {
    // Only anonymous volumes (named with 64 hex digits when created), as docker 23's prune: a named one
    // is data the user asked to keep.
    if (mounted.count(name) || !engine::IsContainerId(name)) continue;
    const uint64_t size = engine::TreeSize(containers.root / "volumes" / name / "_data");
    Status gone = engine::RemoveVolume(volumes, containers.store, name);
    if (gone.code() == StatusCode::kFailedPrecondition) continue;  // a container started using it meanwhile
    MB_RETURN_IF_ERROR(gone);
    removed.push_back(name);
    freed += size;
  }
  if (!removed.empty()) {
    std::cout << "Deleted Volumes:\n";
    for (const std::string& name : removed) std::cout << name << "\n";
    std::cout << "\n";
  }
  return Status::Ok();
}

// -a: every tag whose image no container uses (the blobs go with the collection after it).
Status UntagUnusedImages(const GlobalOptions& global, Containers& containers) {
  MB_ASSIGN_OR_RETURN(LocalStore store, OpenLocalStore(global));
  MB_ASSIGN_OR_RETURN(std::vector<engine::ContainerRecord> records, containers.store.List());
  std::set<std::string> used;
  for (const engine::ContainerRecord& record : records) used.insert(record.image_digest);
  MB_ASSIGN_OR_RETURN(auto tags, store.images.List());
  std::vector<std::string> untagged;
  for (const auto& [name, manifest] : tags) {
    if (used.count(manifest.ToString())) continue;
    MB_RETURN_IF_ERROR(store.images.Untag(name));
    untagged.push_back(name);
  }
  if (!untagged.empty()) {
    std::cout << "Deleted Images:\n";
    for (const std::string& name : untagged) std::cout << "untagged: " << FamiliarName(name) << "\n";
    std::cout << "\n";
  }
  return Status::Ok();
}

int RunContainerPrune(const GlobalOptions& global, bool force) {
  if (!force && !Confirm("WARNING! This will remove all stopped containers.")) return kExitOk;
  StatusOr<std::unique_ptr<Containers>> containers = Containers::Open(global);
  if (!containers.ok()) return Failed(containers.status());
  uint64_t freed = 0;
  Status pruned = PruneContainers(**containers, freed);
  std::cout << "Total reclaimed space: " << HumanSize(freed) << "\n";
  return pruned.ok() ? kExitOk : Failed(pruned);
}

struct SystemPruneOptions {
  bool all = false, force = false, volumes = false;
};

int RunSystemPrune(const GlobalOptions& global, const SystemPruneOptions& options) {
  if (!options.force) {
    std::string warning = "WARNING! This will remove:\n  - all stopped containers\n";
    if (options.volumes) warning += "  - all anonymous volumes not used by at least one container\n";
    warning += options.all ? "  - all images without at least one container associated to them\n  - all build cache\n"
                           : "  - unused build cache\n";
    if (!Confirm(warning)) return kExitOk;
  }
  StatusOr<std::unique_ptr<Containers>> containers = Containers::Open(global);
  if (!containers.ok()) return Failed(containers.status());
  uint64_t freed = 0;
  if (Status pruned = PruneContainers(**containers, freed); !pruned.ok()) return Failed(pruned);
  if (options.volumes) {
    if (Status pruned = PruneVolumes(**containers, freed); !pruned.ok()) return Failed(pruned);
  }
  if (options.all) {
    if (Status untagged = UntagUnusedImages(global, **containers); !untagged.ok()) return Failed(untagged);
  }
  PrunePolicy policy;
  policy.all = options.all;
  cache::GcReport report;
  Status collected = PruneStateRoot(global, policy, report);
  if (freed > 0) std::cout << "Containers and volumes: " << HumanSize(freed) << " reclaimed\n";
  PrintPruneReport(report, false);
  return collected.ok() ? kExitOk : Failed(collected);
}

int RunSystemDf(const GlobalOptions& global) {
  StatusOr<std::unique_ptr<Containers>> containers = Containers::Open(global);
  if (!containers.ok()) return Failed(containers.status());
  const std::filesystem::path root = (*containers)->root;
  StatusOr<std::vector<engine::ContainerRecord>> records = (*containers)->control.List();
  if (!records.ok()) return Failed(records.status());
  std::vector<engine::UsageRow> rows;
  {
    StatusOr<LocalStore> store = OpenLocalStore(global);
    if (!store.ok()) return Failed(store.status());
    StatusOr<TagListing> listing = ListTaggedImages(*store);
    if (!listing.ok()) return Failed(listing.status());
    std::set<std::string> used;
    for (const engine::ContainerRecord& record : *records) used.insert(record.image_digest);
    std::map<std::string, engine::ImageUsage> images;  // by manifest: one image with several tags counts once
    for (const TaggedImage& tagged : listing->images) {
      engine::ImageUsage& usage = images[tagged.image.manifest_digest.ToString()];
      usage.in_use = used.count(tagged.image.manifest_digest.ToString()) > 0;
      usage.layers.clear();
      for (const image::Descriptor& layer : tagged.image.manifest.layers) {
        usage.layers.emplace_back(layer.digest.ToString(), static_cast<uint64_t>(layer.size));
      }
    }
    std::vector<engine::ImageUsage> list;
    for (auto& [digest, usage] : images) list.push_back(std::move(usage));
    rows.push_back(engine::ImagesUsage(list));
  }
  std::vector<engine::ItemUsage> container_items;
  for (const engine::ContainerRecord& record : *records) {
    container_items.push_back({ContainerSize(root, record), record.state.state == "running"});
  }
  rows.push_back(engine::ItemsUsage("Containers", container_items));
  StatusOr<engine::VolumeStore> volumes = engine::VolumeStore::Open(root);
  if (!volumes.ok()) return Failed(volumes.status());
  StatusOr<std::vector<std::string>> names = volumes->List();
  if (!names.ok()) return Failed(names.status());
  const std::set<std::string> mounted = MountedVolumes(*records);
  std::vector<engine::ItemUsage> volume_items;
  for (const std::string& name : *names) {
    volume_items.push_back({engine::TreeSize(root / "volumes" / name / "_data"), mounted.count(name) > 0});
  }
  rows.push_back(engine::ItemsUsage("Local Volumes", volume_items));
  // The build cache: what `prune -a` would drop, counted without removing anything.
  PrunePolicy policy;
  policy.all = true;
  policy.dry_run = true;
  cache::GcReport report;
  if (Status counted = PruneStateRoot(global, policy, report); !counted.ok()) return Failed(counted);
  engine::UsageRow cache_row;
  cache_row.type = "Build Cache";
  cache_row.total = report.Count(cache::GcReport::Kind::kCacheRecord);
  cache_row.size = cache_row.reclaimable = report.Bytes();
  rows.push_back(cache_row);

  std::vector<std::vector<std::string>> table = {{"TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"}};
  for (const engine::UsageRow& row : rows) {
    std::string reclaimable = HumanSize(row.reclaimable);
    if (row.size > 0) reclaimable += " (" + std::to_string(row.reclaimable * 100 / row.size) + "%)";
    table.push_back({row.type, std::to_string(row.total), std::to_string(row.active), HumanSize(row.size), reclaimable});
  }
  std::cout << FormatTable(table);
  return kExitOk;
}

}  // namespace

void AddTopCommand(CLI::App& app, const GlobalOptions& global, std::function<int()>& run) {
  auto container = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand("top", "Display the running processes of a container (like docker top)");
  command->add_option("container", *container, "Container name or ID")->required();
  command->callback([container, &global, &run] { run = [container, &global] { return RunTop(global, *container); }; });
}

void AddContainerPruneCommand(CLI::App& container_group, const GlobalOptions& global, std::function<int()>& run) {
  auto force = std::make_shared<bool>(false);
  CLI::App* command = container_group.add_subcommand("prune", "Remove all stopped containers (like docker container prune)");
  command->add_flag("-f,--force", *force, "Do not prompt for confirmation");
  command->callback([force, &global, &run] { run = [force, &global] { return RunContainerPrune(global, *force); }; });
}

void AddSystemCommands(CLI::App& app, const GlobalOptions& global, std::function<int()>& run) {
  CLI::App* system = app.add_subcommand("system", "Manage the state root (like docker system)");
  system->require_subcommand(1);
  CLI::App* df = system->add_subcommand("df", "Show disk usage (like docker system df)");
  df->callback([&global, &run] { run = [&global] { return RunSystemDf(global); }; });
  auto options = std::make_shared<SystemPruneOptions>();
  CLI::App* prune = system->add_subcommand("prune", "Remove unused data (like docker system prune)");
  prune->add_flag("-a,--all", options->all, "Remove all images no container uses, and all build cache");
  prune->add_flag("-f,--force", options->force, "Do not prompt for confirmation");
  prune->add_flag("--volumes", options->volumes, "Also remove the anonymous volumes no container mounts");
  prune->callback([options, &global, &run] { run = [options, &global] { return RunSystemPrune(global, *options); }; });
}

}  // namespace mybuild::cli
