// `mybuild prune`: garbage collection of the state root (cache/gc.h), like `docker builder prune`.
//   mybuild prune                        removes what no tag and no cache record reaches, and leftovers of
//                                        killed processes (ingest files, active snapshots, scratch dirs)
//   mybuild prune -a|--all               first drops every cache record (and RUN cache mounts): only tagged
//                                        images survive
//   mybuild prune --keep-duration 24h    first drops the cache records not used for 24 hours
//   (--filter until=24h is the same, as buildx spells it)
//   mybuild prune --dry-run              lists what would go and removes nothing
// Prints what went and "Total reclaimed space: 123.4MB". Exit codes: 0, 1 (failed), 2 (bad flags).
#ifndef MYBUILD_CLI_PRUNE_COMMAND_H_
#define MYBUILD_CLI_PRUNE_COMMAND_H_

#include <CLI/CLI.hpp>

#include <functional>

#include "cache/gc.h"
#include "src/base/status.h"
#include "src/cli/global_options.h"
#include "src/cli/prune.h"

namespace mybuild::cli {

void AddPruneCommand(CLI::App& app, const GlobalOptions& global, std::function<int()>& run);

// The collection with `policy` under the root's exclusive GC lock (`system prune` runs it too); `report`
// gets what went, also when a later phase fails.
Status PruneStateRoot(const GlobalOptions& global, const PrunePolicy& policy, cache::GcReport& report);
// "Deleted build cache objects:" … "Total reclaimed space: …" (or what would go, for a dry run).
void PrintPruneReport(const cache::GcReport& report, bool dry_run);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_PRUNE_COMMAND_H_
