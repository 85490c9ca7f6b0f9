#include "src/image/tar_output.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <thread>

#include "src/base/files.h"
#include "src/base/temp_dir.h"
#include "src/image/exporters.h"
#include "tests/image/test_image.h"

namespace mybuild::image {
namespace {

TEST_CASE("tar output: a pipe gets the same bytes as a file (no padding of the last block)") {
  TempDir dir = *TempDir::Create();
  cache::BlobStore store = *cache::BlobStore::Open(dir.path() / "root");
  StatusOr<testing::TestImage> image = testing::MakeTestImage(store);
  REQUIRE(image.ok());
  std::vector<ExportImage> images = {{image->manifest, {"app:1"}}};
  std::filesystem::path file = dir.path() / "out.tar";
  REQUIRE(WriteOciArchive(store, images, file).ok());

  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::string piped;
  std::thread reader([&] {
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) piped.append(buffer, static_cast<size_t>(n));
    ::close(fds[0]);
  });
  Status written = WriteOciArchive(store, images, fds[1]);
  ::close(fds[1]);
  reader.join();
  REQUIRE(written.ok());
  StatusOr<std::string> from_file = ReadFile(file, 64 << 20);
  REQUIRE(from_file.ok());
  CHECK(piped.size() == from_file->size());
  CHECK(piped == *from_file);
  CHECK(piped.size() % 512 == 0);
}

}  // namespace
}  // namespace mybuild::image
