// Internal to src/image: a deterministic tar stream for image archives (OCI layout, docker archive).
// Restricted PAX, entries owned 0:0 with empty user/group names, mtime fixed (0 unless given), files 0644,
// directories 0755, 10240-byte blocking; content streamed through libarchive to a file descriptor.
#ifndef MYBUILD_IMAGE_TAR_OUTPUT_H_
#define MYBUILD_IMAGE_TAR_OUTPUT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "src/base/status.h"
#include "src/image/layer_writer.h"

struct archive;

namespace mybuild::image {

class TarOutput {
 public:
  // Writes to `fd` (not owned, not closed).
  static StatusOr<std::unique_ptr<TarOutput>> Open(int fd, int64_t mtime = 0);
  ~TarOutput();

  Status AddDirectory(const std::string& name);
  Status AddFile(const std::string& name, std::string_view content);
  // An entry of `size` bytes whose content `source` streams; any other amount is kDataLoss.
  Status AddStream(const std::string& name, uint64_t size, const ContentSource& source);
  // Writes the end-of-archive blocks.
  Status Close();

 private:
  TarOutput() = default;
  Status Header(const std::string& name, unsigned type, unsigned perm, uint64_t size);
  Status Error(const std::string& what);
  struct archive* archive_ = nullptr;
  int64_t mtime_ = 0;
  bool closed_ = false;
};

}  // namespace mybuild::image

#endif  // MYBUILD_IMAGE_TAR_OUTPUT_H_
