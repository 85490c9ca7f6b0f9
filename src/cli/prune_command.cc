// The prune command: flags, the exclusive GC lock, the stores of the root, and the report (prune.h does the work).
#include "src/cli/prune_command.h"

#include <ctime>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "cache/gc.h"
#include "src/cli/exit_codes.h"
#include "src/cli/prune.h"
#include "src/cli/store_access.h"
#include "src/cli/store_format.h"
#include "src/planner/go_duration.h"
#include "src/solver/cache_index.h"

namespace mybuild::cli {
namespace {

using Kind = cache::GcReport::Kind;

struct PruneOptions {
  bool all = false;
  std::string keep_duration;
  std::vector<std::string> filters;
  bool dry_run = false;
  bool force = false;  // docker asks for confirmation without it; we never ask
};

StatusOr<int64_t> ParseKeepDuration(const std::string& text, const std::string& flag) {
  StatusOr<int64_t> nanoseconds = planner::ParseGoDuration(text);
  if (!nanoseconds.ok()) return InvalidArgument(flag + ": " + nanoseconds.status().message());
  if (*nanoseconds < 0) return InvalidArgument(flag + ": the duration \"" + text + "\" is negative");
  return *nanoseconds / 1000000000;
}

StatusOr<PrunePolicy> ReadPolicy(const PruneOptions& options) {
  PrunePolicy policy;
  policy.all = options.all;
  policy.dry_run = options.dry_run;
  if (!options.keep_duration.empty()) {
    MB_ASSIGN_OR_RETURN(policy.keep_seconds, ParseKeepDuration(options.keep_duration, "--keep-duration"));
  }
  for (const std::string& filter : options.filters) {
    if (filter.rfind("until=", 0) != 0) {
      return InvalidArgument("--filter \"" + filter + "\": only until=DURATION is supported");
    }
    MB_ASSIGN_OR_RETURN(policy.keep_seconds, ParseKeepDuration(filter.substr(6), "--filter until"));
  }
  return policy;
}

// The snapshotters of the root that exist (a root used with one kind only has one).
StatusOr<std::vector<std::unique_ptr<snapshotter::Snapshotter>>> OpenSnapshotRoots(
    const std::filesystem::path& root, std::vector<std::string>& names) {
  std::vector<std::unique_ptr<snapshotter::Snapshotter>> out;
  for (const char* kind : {"overlay", "native"}) {
    const std::filesystem::path dir = root / "snapshots" / kind;
    std::error_code error;
    if (!std::filesystem::is_directory(dir / "snapshots", error)) continue;
    MB_ASSIGN_OR_RETURN(std::unique_ptr<snapshotter::Snapshotter> snapshots,
                        snapshotter::OpenSnapshotterForCleanup(dir, std::string(kind) == "overlay"));
    out.push_back(std::move(snapshots));
    names.push_back(kind);
  }
  return out;
}

}  // namespace

void PrintPruneReport(const cache::GcReport& report, bool dry_run) {
  if (!report.items.empty()) {
    std::cout << (dry_run ? "Would delete:\n" : "Deleted build cache objects:\n");
    for (const cache::GcReport::Item& item : report.items) {
      std::cout << cache::KindName(item.kind) << " " << item.id << "\n";
    }
    std::cout << "\n";
  }
  std::string counts;
  for (Kind kind : {Kind::kCacheRecord, Kind::kSnapshot, Kind::kBlob, Kind::kIngest, Kind::kScratch,
                    Kind::kCacheMount}) {
    const size_t count = report.Count(kind);
    if (count == 0) continue;
    counts += (counts.empty() ? "" : ", ") + std::to_string(count) + " " + cache::KindName(kind) +
              (count == 1 ? "" : "s");
  }
  std::cout << (dry_run ? "Would remove: " : "Removed: ") << (counts.empty() ? "nothing" : counts) << "\n";
  std::cout << (dry_run ? "Total reclaimable space: " : "Total reclaimed space: ") << HumanSize(report.Bytes(), 4)
            << "\n";
}

Status PruneStateRoot(const GlobalOptions& global, const PrunePolicy& policy, cache::GcReport& report) {
  MB_ASSIGN_OR_RETURN(LocalStore store, OpenLocalStore(global, cache::FileLock::Mode::kExclusive));
  MB_ASSIGN_OR_RETURN(solver::FileCacheIndex index, solver::FileCacheIndex::Open(store.root));
  std::vector<std::string> names;
  MB_ASSIGN_OR_RETURN(auto snapshotters, OpenSnapshotRoots(store.root, names));
  PruneTargets targets{store.root, &store.blobs, &store.images, &index, {}};
  for (size_t i = 0; i < snapshotters.size(); ++i) targets.snapshotters.emplace_back(names[i], snapshotters[i].get());
  return Prune(targets, policy, report);
}

namespace {

int RunPrune(const GlobalOptions& global, const PruneOptions& options) {
  StatusOr<PrunePolicy> policy = ReadPolicy(options);
  if (!policy.ok()) {
    std::cerr << "error: " << policy.status().ToString() << "\n";
    return kExitUsage;
  }
  cache::GcReport report;
  Status status = PruneStateRoot(global, *policy, report);
  PrintPruneReport(report, policy->dry_run);  // what went before a failure went
  if (!status.ok()) {
    std::cerr << "error: prune: " << status.ToString() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void AddPruneCommand(CLI::App& app, const GlobalOptions& global, std::function<int()>& run) {
  auto options = std::make_shared<PruneOptions>();
  CLI::App* command = app.add_subcommand(
      "prune", "Remove build cache and blobs that no tag reaches (like docker builder prune)");
  command->add_flag("-a,--all", options->all, "Also remove every cache record: only tagged images survive");
  command->add_option("--keep-duration", options->keep_duration,
                      "Remove only cache records not used for longer than this (e.g. 24h, 90m)");
  command->add_option("--filter", options->filters, "Filter, as buildx: until=DURATION (same as --keep-duration)");
  command->add_flag("--dry-run", options->dry_run, "List what would be removed, remove nothing");
  command->add_flag("-f,--force", options->force, "Do not prompt for confirmation (mybuild never prompts)");
  command->callback([options, &global, &run] { run = [options, &global] { return RunPrune(global, *options); }; });
}

}  // namespace mybuild::cli
