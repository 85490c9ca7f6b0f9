// Sparse maps: content-defined (the same bytes give the same map whatever the disk layout), holes never read,
// copies keep holes. Sizes are checked by counting bytes and blocks, not by timing.
#include "src/base/sparse_map.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <string>

#include "src/base/temp_dir.h"
#include "src/base/unique_fd.h"
#include "tests/test_support.h"

namespace mybuild {
namespace {

constexpr uint64_t kB = kSparseBlock;

TEST_CASE("sparse map: zero blocks are holes, whatever the disk says") {
  // Blocks 0..5 and a short seventh: data in blocks 1, 2 (adjacent: one extent) and 6.
  const uint64_t size = 6 * kB + 100;
  std::map<uint64_t, char> bytes = {{kB + 7, 'a'}, {3 * kB - 1, 'b'}, {6 * kB + 99, 'c'}};
  uint64_t read_bytes = 0;
  BlockReader read = [&](uint64_t offset, uint64_t length, char* out) {
    read_bytes += length;
    for (uint64_t i = 0; i < length; ++i) {
      auto it = bytes.find(offset + i);
      out[i] = it == bytes.end() ? 0 : it->second;
    }
    return Status::Ok();
  };
  const std::vector<DataExtent> expected = {{kB, 2 * kB}, {6 * kB, 100}};
  // Fully allocated (zeros written out), or with holes where the filesystem made them: the same map.
  StatusOr<std::vector<DataExtent>> dense = ContentMap(size, {{0, size}}, read);
  REQUIRE(dense.ok());
  CHECK(*dense == expected);
  CHECK(read_bytes == size);
  read_bytes = 0;
  StatusOr<std::vector<DataExtent>> holey = ContentMap(size, {{kB + 4096, 8192}, {2 * kB, 4096}, {6 * kB, 100}}, read);
  REQUIRE(holey.ok());
  CHECK(*holey == expected);
  CHECK(read_bytes == 2 * kB + 100);  // only blocks touched by disk data were read
}

TEST_CASE("sparse map: a 1 GiB file with one byte: a one-block map, streamed and copied without its hole") {
  TempDir dir = *TempDir::Create();
  const std::string path = (dir.path() / "big").string();
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  REQUIRE(fd);
  const uint64_t size = 1ull << 30;
  REQUIRE(::ftruncate(fd.get(), static_cast<off_t>(size)) == 0);
  REQUIRE(::pwrite(fd.get(), "x", 1, 512 << 20) == 1);
  StatusOr<std::vector<DataExtent>> disk = DiskExtents(fd.get(), size);
  REQUIRE(disk.ok());
  if (disk->size() == 1 && (*disk)[0] == DataExtent{0, size}) MYBUILD_SKIP("this filesystem reports no holes");

  StatusOr<std::optional<std::vector<DataExtent>>> map = SparseMapOf(fd.get(), size);
  REQUIRE(map.ok());
  REQUIRE(map->has_value());
  CHECK(**map == std::vector<DataExtent>{{512 << 20, kB}});

  uint64_t total = 0;
  uint64_t data_calls = 0;
  std::string at_byte;
  REQUIRE(StreamWithHoles(fd.get(), size, **map, [&](std::string_view bytes) {
            if (total <= (512u << 20) && (512u << 20) < total + bytes.size()) at_byte = bytes.substr((512u << 20) - total, 1);
            total += bytes.size();
            ++data_calls;
            return Status::Ok();
          }).ok());
  CHECK(total == size);
  CHECK(at_byte == "x");
  CHECK(data_calls <= size / (1 << 20) + 4);  // holes come as MiB runs of a static buffer

  uint64_t data_bytes = 0;
  REQUIRE(StreamData(fd.get(), **map, [&](uint64_t offset, std::string_view bytes) {
            CHECK(offset == (512u << 20));
            data_bytes += bytes.size();
            return Status::Ok();
          }).ok());
  CHECK(data_bytes == kB);

  const std::string copy_path = (dir.path() / "copy").string();
  UniqueFd copy(::open(copy_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  REQUIRE(copy);
  REQUIRE(::lseek(fd.get(), 0, SEEK_SET) == 0);
  REQUIRE(CopyWithHoles(fd.get(), copy.get()).ok());
  struct stat st {};
  REQUIRE(::fstat(copy.get(), &st) == 0);
  CHECK(static_cast<uint64_t>(st.st_size) == size);
  CHECK(static_cast<uint64_t>(st.st_blocks) * 512 < (16u << 20));  // the hole stayed a hole
  char c = 0;
  REQUIRE(::pread(copy.get(), &c, 1, 512 << 20) == 1);
  CHECK(c == 'x');
}

TEST_CASE("sparse map: a file without holes is a plain entry") {
  TempDir dir = *TempDir::Create();
  const std::string path = (dir.path() / "dense").string();
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  REQUIRE(fd);
  const std::string zeros(3 * kB, '\0');
  REQUIRE(::pwrite(fd.get(), zeros.data(), zeros.size(), 0) == static_cast<ssize_t>(zeros.size()));
  StatusOr<std::optional<std::vector<DataExtent>>> map = SparseMapOf(fd.get(), zeros.size());
  REQUIRE(map.ok());
  CHECK_FALSE(map->has_value());
}

}  // namespace
}  // namespace mybuild
