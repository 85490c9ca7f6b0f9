#include "src/engine/disk_usage.h"

#include <sys/stat.h>

#include <map>
#include <set>

namespace mybuild::engine {

UsageRow ImagesUsage(const std::vector<ImageUsage>& images) {
  UsageRow row;
  row.type = "Images";
  row.total = images.size();
  std::map<std::string, uint64_t> sizes;
  std::set<std::string> used;
  for (const ImageUsage& image : images) {
    if (image.in_use) ++row.active;
    for (const auto& [digest, size] : image.layers) {
      sizes[digest] = size;
      if (image.in_use) used.insert(digest);
    }
  }
  for (const auto& [digest, size] : sizes) {
    row.size += size;
    if (!used.count(digest)) row.reclaimable += size;
  }
  return row;
}

UsageRow ItemsUsage(std::string type, const std::vector<ItemUsage>& items) {
  UsageRow row;
  row.type = std::move(type);
  row.total = items.size();
  for (const ItemUsage& item : items) {
    row.size += item.size;
    if (item.in_use) {
      ++row.active;
    } else {
      row.reclaimable += item.size;
    }
  }
  return row;
}

uint64_t TreeSize(const std::filesystem::path& dir) {
  uint64_t total = 0;
  std::error_code error;
  std::filesystem::recursive_directory_iterator it(dir, std::filesystem::directory_options::skip_permission_denied, error);
  for (; !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) total += static_cast<uint64_t>(st.st_size);
  }
  return total;
}

}  // namespace mybuild::engine
