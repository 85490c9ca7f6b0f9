// RUN --mount=type=cache directories ("instances") under ROOT/cache-mounts, shared by every build on the
// root, with the reference builder's keys, seeds and sharing modes.
//
// Key: the cache's id, plus the identity of its seed when it has one (from=, or uid/gid/mode): BuildKit
// keys a cache by id and base, so `id=x` seeded from another stage, or with another owner, is another
// cache. An instance of key K is the directory DIR/<hex(SHA-256(K))> (instance 0) or DIR/<hex>.<n>.
// A new instance is made complete (seeded) under a temporary name and renamed into place without
// replacing anything (renameat2 RENAME_NOREPLACE).
//
// Seed (what a new instance holds), as dockerfile2llb builds a cache mount's base:
//   from=F, source=S  → a copy of F's S (a directory), mounted whole; uid/gid/mode are not used;
//   from=F, no source → with uid/gid/mode: F's /cache if it is a directory, else an empty directory
//                       with that owner and mode (the reference's `mkdir /cache` on F); without them a
//                       copy of F's root;
//   no from           → an empty directory, 0755 root:root, or with uid/gid/mode their owner and mode
//                       (uid and gid default to 0, mode to 0755; mode & 0777); with source=S the mount
//                       shows the instance's S, created (0755) when missing.
//
// Sharing: a RUN holds an instance by an flock on its directory until the RUN is over:
//   shared  LOCK_SH on the first instance not held exclusively: concurrent shared users share it;
//   private LOCK_EX on the first instance nobody uses, else a new instance;
//   locked  LOCK_EX on the first instance nobody uses, else it waits (cancellable) until one is free.
// shared and private users never wait. Within one RUN, mounts of the same key share one instance.
#ifndef MYBUILD_WORKER_CACHE_MOUNTS_H_
#define MYBUILD_WORKER_CACHE_MOUNTS_H_

#include <filesystem>
#include <string>
#include <vector>

#include "snapshotter/rootfs.h"
#include "src/base/cancel_token.h"
#include "src/base/digest.h"
#include "src/base/status.h"
#include "src/base/unique_fd.h"
#include "src/graph/ops.h"

namespace mybuild::worker {

// An instance held by this process (RAII: the flock goes with the object).
class HeldCache {
 public:
  HeldCache(std::string key, std::filesystem::path dir, UniqueFd lock)
      : key_(std::move(key)), dir_(std::move(dir)), lock_(std::move(lock)) {}
  const std::string& key() const { return key_; }
  const std::filesystem::path& dir() const { return dir_; }  // the instance's directory

 private:
  std::string key_;
  std::filesystem::path dir_;
  UniqueFd lock_;
};

// Where a cache mount's seed comes from: the from= input's root and cache key; absent without from=.
struct CacheFrom {
  const snapshotter::RootFs* root = nullptr;
  Digest cache_key;
};

// The key of the cache `mount` (type kCache) with the seed `from` (root null = none).
std::string CacheMountKey(const graph::Mount& mount, const CacheFrom& from);

// Holds an instance of the cache `mount` (type kCache), reusing one in `held` of the same key, else
// acquiring one under `cache_dir` (made when missing) by the mount's sharing mode and adding
// it to `held`. Returns the host directory to bind at the mount's target. kCancelled when `cancel` fires
// while a locked cache waits.
StatusOr<std::filesystem::path> HoldCacheMount(const graph::Mount& mount, const CacheFrom& from,
                                               const std::filesystem::path& cache_dir, CancelToken& cancel,
                                               std::vector<HeldCache>& held);

}  // namespace mybuild::worker

#endif  // MYBUILD_WORKER_CACHE_MOUNTS_H_
