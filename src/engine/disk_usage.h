// `system df` (docker system df): what images, containers, volumes and the build cache hold, and what a
// prune could free. The accounting is pure (the caller lists the store); TreeSize measures a directory.
#ifndef MYBUILD_ENGINE_DISK_USAGE_H_
#define MYBUILD_ENGINE_DISK_USAGE_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace mybuild::engine {

struct UsageRow {
  std::string type;  // "Images", "Containers", "Local Volumes", "Build Cache"
  size_t total = 0;
  size_t active = 0;
  uint64_t size = 0;
  uint64_t reclaimable = 0;
};

// One image of the store: its layers (blob digest, size) and whether a container uses it.
struct ImageUsage {
  std::vector<std::pair<std::string, uint64_t>> layers;
  bool in_use = false;
};

// Images: layers shared by several images count once; reclaimable is what only unused images hold.
UsageRow ImagesUsage(const std::vector<ImageUsage>& images);

// One container, volume or cache entry: its size and whether it is in use (running, mounted).
struct ItemUsage {
  uint64_t size = 0;
  bool in_use = false;
};
UsageRow ItemsUsage(std::string type, const std::vector<ItemUsage>& items);

// The bytes of the regular files and symlinks below `dir` (apparent sizes, links never followed); 0
// for a missing directory.
uint64_t TreeSize(const std::filesystem::path& dir);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_DISK_USAGE_H_
