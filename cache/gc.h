// Garbage collection of a state root (`mybuild prune`): the lock, the live set and the generic sweep of
// the blob store. Marking (which needs to read manifests and step results) lives with those types in
// src/worker/gc_roots.h; sweeping snapshots in snapshotter/snapshot_gc.h; the phases, in this order, in
// src/cli/prune.cc; the command and its flags in src/cli/prune_command.cc.
//
// Roots of reachability, and what each reaches:
//   - every tag in the image store (ROOT/images.json): its manifest blob; an index reaches its child
//     manifests; a manifest reaches its config blob and its layer blobs; the config's diff_ids name the
//     chain snapshots "layer-<ChainID(L0..Li)>" its layers were unpacked into (images are stored unpacked).
//   - every cache record (ROOT/cache/<key>.json): its step result (worker/step_result.h) reaches every
//     layer blob of its chain (including "pending" layers that have no snapshot yet), its committed
//     snapshot and that snapshot's parent chain, and the layer-<ChainID> snapshots of its layers.
//   - every container record (ROOT/containers/ID/config.json): its image (as a tag would) and its
//     writable snapshot "container-ID" with that snapshot's parent chain.
//   - the compressed variants (ROOT/variants, src/image/layer_variants.h) of every blob the roots above
//     reach: an export's manifest of a kept image and its compressed layers.
//   - anything a running build holds (active snapshots and views, ingest files, ROOT/tmp/build-<pid>,
//     blobs written but not yet recorded). Prune takes the GC lock exclusively, so no build, import, load
//     or tag runs while it marks and sweeps; "held by a running build" is then empty, and every active
//     snapshot, view, ingest file and scratch directory of a dead process is a leftover.
// Nothing else is a root: a blob or snapshot no root reaches is deleted. ROOT/statcache (stat → content
// digests of context files) holds no references and is left alone.
//
// Order and crash safety. Records are deleted before data: `prune --all` / `--keep-duration` first
// delete the cache records they drop (and every prune those that cannot serve a hit: unreadable, or
// naming a blob that is gone), then mark from the tags and records that remain, then sweep. A prune
// killed after deleting a record leaves data that nothing reaches, which the next prune deletes; the other
// order (data first) could leave a record naming a missing blob, which a cache hit would then fail on.
// Within the sweep, snapshots go before blobs (a surviving record whose snapshot is gone is still usable:
// the worker unpacks it again from its layer blobs, which are live), and the snapshotter removes a
// snapshot's metadata before its directory (an orphaned directory is removed by its Cleanup()). Deleting
// an unreachable blob never affects a reachable one, and marking reads only roots, never the blobs being
// deleted, so a sweep cut off halfway and run again reaches the same live set and finishes the job.
//
// Locking: ROOT/gc.lock (cache::FileLock). Every command that writes to or reads from the root's stores
// (build, import, load, tag, rmi, save, images, inspect, and pull/push) holds it shared for its whole
// duration; prune holds it exclusive, so it waits for running commands, and commands started meanwhile
// wait for it. flock lets new shared holders in while an exclusive one waits, so a steady stream of
// builds would keep a prune waiting for ever; ROOT/gc.gate prevents that: a command passes the gate
// (shared, for an instant) before it takes gc.lock, and a prune holds the gate exclusive while it waits
// for gc.lock. A process must therefore never take the GC lock twice (the second take would wait at the
// gate for a prune that waits for the first).
#ifndef MYBUILD_CACHE_GC_H_
#define MYBUILD_CACHE_GC_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "cache/blob_store.h"
#include "cache/file_lock.h"
#include "src/base/digest.h"
#include "src/base/status.h"

namespace mybuild::cache {

// ROOT/gc.lock and ROOT/gc.gate.
std::filesystem::path GcLockPath(const std::filesystem::path& root);
std::filesystem::path GcGatePath(const std::filesystem::path& root);

// Takes the GC lock of `root` in `mode`, blocking until it is held; when another process holds a
// conflicting lock, calls `before_waiting` first (to tell the user why nothing happens).
StatusOr<FileLock> AcquireGcLock(const std::filesystem::path& root, FileLock::Mode mode,
                                 const std::function<void()>& before_waiting);

// What the roots reach: blobs by digest, snapshots by name (committed snapshot names of either
// snapshotter; parents are added by the snapshot sweep, which knows them).
struct LiveSet {
  std::set<Digest> blobs;
  std::set<std::string> snapshots;
  // Active snapshots that stay: containers' writable snapshots (ROOT/containers/ID, engine's
  // container_store.h); their parent chains stay with them.
  std::set<std::string> container_snapshots;
};

// What a collection removed (or, in a dry run, would remove), in the order it went.
struct GcReport {
  enum class Kind { kCacheRecord, kSnapshot, kBlob, kIngest, kScratch, kCacheMount };
  struct Item {
    Kind kind;
    std::string id;  // digest, snapshot name, path
    uint64_t bytes = 0;
  };
  std::vector<Item> items;

  void Add(Kind kind, std::string id, uint64_t bytes) { items.push_back(Item{kind, std::move(id), bytes}); }
  size_t Count(Kind kind) const;
  uint64_t Bytes() const;
};

// "cache record", "snapshot", … (singular).
std::string KindName(GcReport::Kind kind);

// Deletes (unless `dry_run`) every blob not in `live.blobs`, reporting each with its size.
Status SweepBlobs(const BlobStore& store, const LiveSet& live, bool dry_run, GcReport& report);

// Deletes (unless `dry_run`) every ingest file. Only under the exclusive GC lock: then no writer runs.
Status SweepIngest(const BlobStore& store, bool dry_run, GcReport& report);

}  // namespace mybuild::cache

#endif  // MYBUILD_CACHE_GC_H_
