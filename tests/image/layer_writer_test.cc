#include "src/image/layer_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <locale.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "src/base/sparse_map.h"
#include "src/base/tar_names.h"
#include "src/base/temp_dir.h"
#include "tests/test_support.h"

namespace mybuild::image {
namespace {

struct ReadEntry {
  std::string path;
  mode_t type;
  mode_t perm;
  int64_t uid, gid, mtime, size;
  std::string uname, gname, symlink, hardlink, content;
  bool has_atime, has_ctime;
  std::string xattr;
};

// Reads back an uncompressed or compressed tar with libarchive.
std::vector<ReadEntry> ReadTar(const std::string& bytes) {
  std::vector<ReadEntry> out;
  struct archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  archive_read_support_filter_all(a);
  REQUIRE(archive_read_open_memory(a, bytes.data(), bytes.size()) == ARCHIVE_OK);
  archive_entry* entry;
  while (archive_read_next_header(a, &entry) == ARCHIVE_OK) {
    ReadEntry e;
    e.path = archive_entry_pathname(entry);
    e.type = archive_entry_filetype(entry);
    e.perm = archive_entry_perm(entry);
    e.uid = archive_entry_uid(entry);
    e.gid = archive_entry_gid(entry);
    e.mtime = archive_entry_mtime(entry);
    e.size = archive_entry_size(entry);
    e.uname = archive_entry_uname(entry) ? archive_entry_uname(entry) : "";
    e.gname = archive_entry_gname(entry) ? archive_entry_gname(entry) : "";
    e.symlink = archive_entry_symlink(entry) ? archive_entry_symlink(entry) : "";
    e.hardlink = archive_entry_hardlink(entry) ? archive_entry_hardlink(entry) : "";
    e.has_atime = archive_entry_atime_is_set(entry);
    e.has_ctime = archive_entry_ctime_is_set(entry);
    if (archive_entry_xattr_reset(entry) > 0) {
      const char* name;
      const void* value;
      size_t size;
      archive_entry_xattr_next(entry, &name, &value, &size);
      e.xattr = std::string(name) + "=" + std::string(static_cast<const char*>(value), size);
    }
    char buffer[4096];
    la_ssize_t n;
    while ((n = archive_read_data(a, buffer, sizeof buffer)) > 0) e.content.append(buffer, n);
    out.push_back(e);
  }
  archive_read_free(a);
  return out;
}

LayerEntry File(std::string path, std::string content, uint32_t mode = 0644, int64_t mtime = 1700000000) {
  LayerEntry e;
  e.path = std::move(path);
  e.mode = mode;
  e.size = content.size();
  e.mtime = mtime;
  e.content = ContentFromString(std::move(content));
  return e;
}

LayerEntry Dir(std::string path, uint32_t mode = 0755) {
  LayerEntry e;
  e.path = std::move(path);
  e.type = EntryType::kDirectory;
  e.mode = mode;
  e.mtime = 1700000000;
  return e;
}

std::vector<LayerEntry> SampleEntries() {
  std::vector<LayerEntry> entries;
  entries.push_back(Dir("etc"));
  entries.push_back(File("etc/hosts", "127.0.0.1 localhost\n"));
  LayerEntry link;
  link.path = "bin/sh";
  link.type = EntryType::kSymlink;
  link.link_target = "busybox";
  link.mode = 0777;
  entries.push_back(link);
  entries.push_back(Dir("bin"));
  LayerEntry owned = File("/bin/busybox", std::string(100000, 'b'), 04755);
  owned.uid = 1000;
  owned.gid = 2000;
  owned.xattrs["user.note"] = "hello";
  entries.push_back(owned);
  entries.push_back(File("a-b", "dash"));
  entries.push_back(Dir("a"));
  entries.push_back(File("./a/b", "slash"));
  LayerEntry fifo;
  fifo.path = "a/fifo";
  fifo.type = EntryType::kFifo;
  entries.push_back(fifo);
  LayerEntry hard;
  hard.path = "a/hard";
  hard.type = EntryType::kHardlink;
  hard.link_target = "etc/hosts";
  entries.push_back(hard);
  entries.push_back(WhiteoutEntry("etc/removed"));
  entries.push_back(OpaqueWhiteoutEntry("var"));
  entries.push_back(Dir("var"));
  entries.push_back(File(std::string(150, 'x') + "/" + std::string(120, 'y'), "long"));
  return entries;
}

StatusOr<LayerResult> WriteLayer(const cache::BlobStore& store, std::vector<LayerEntry> entries,
                                 LayerOptions options) {
  LayerWriter writer(options);
  for (auto& e : entries) MB_RETURN_IF_ERROR(writer.Add(std::move(e)));
  return writer.Write(store);
}

TEST_CASE("layer writer: sorted, normalised, numeric-id PAX tar with whiteouts and relinked hardlinks") {
  TempDir dir = *TempDir::Create();
  cache::BlobStore store = *cache::BlobStore::Open(dir.path());
  LayerOptions options;
  options.compression = Compression::kNone;
  options.source_date_epoch = 1600000000;
  StatusOr<LayerResult> result = WriteLayer(store, SampleEntries(), options);
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  CHECK(result->blob.media_type == "application/vnd.oci.image.layer.v1.tar");
  CHECK(result->diff_id == result->blob.digest);
  std::string bytes = *store.ReadAll(result->blob.digest, 1 << 22);
  CHECK(bytes.size() % 10240 == 0);
  CHECK(bytes.size() == result->uncompressed_size);
  std::vector<ReadEntry> entries = ReadTar(bytes);
  std::vector<std::string> paths;
  for (const auto& e : entries) paths.push_back(e.path);
  std::vector<std::string> expected = {"a/",
                                       "a/b",
                                       "a/fifo",
                                       "a/hard",
                                       "a-b",
                                       "bin/",
                                       "bin/busybox",
                                       "bin/sh",
                                       "etc/",
                                       "etc/.wh.removed",
                                       "etc/hosts",
                                       "var/",
                                       "var/.wh..wh..opq",
                                       std::string(150, 'x') + "/" + std::string(120, 'y')};
  CHECK(paths == expected);
  for (const auto& e : entries) {
    CAPTURE(e.path);
    CHECK(e.uname.empty());
    CHECK(e.gname.empty());
    CHECK_FALSE(e.has_atime);
    CHECK_FALSE(e.has_ctime);
    CHECK(e.mtime <= 1600000000);
  }
  // The first path of the hardlink group in sort order carries the content.
  CHECK(entries[3].type == AE_IFREG);
  CHECK(entries[3].content == "127.0.0.1 localhost\n");
  CHECK(entries[10].hardlink == "a/hard");
  CHECK(entries[10].content.empty());
  CHECK(entries[6].perm == 04755);
  CHECK(entries[6].uid == 1000);
  CHECK(entries[6].gid == 2000);
  CHECK(entries[6].content == std::string(100000, 'b'));
  CHECK(entries[6].xattr == "user.note=hello");
  CHECK(entries[7].type == AE_IFLNK);
  CHECK(entries[7].symlink == "busybox");
  CHECK(entries[2].type == AE_IFIFO);
}

TEST_CASE("layer writer: same entries in any order give the same bytes, per compression") {
  for (Compression compression : {Compression::kNone, Compression::kGzip, Compression::kZstd}) {
    CAPTURE(static_cast<int>(compression));
    TempDir dir1 = *TempDir::Create();
    TempDir dir2 = *TempDir::Create();
    cache::BlobStore store1 = *cache::BlobStore::Open(dir1.path());
    cache::BlobStore store2 = *cache::BlobStore::Open(dir2.path());
    LayerOptions options;
    options.compression = compression;
    std::vector<LayerEntry> forward = SampleEntries();
    std::vector<LayerEntry> backward = SampleEntries();
    std::reverse(backward.begin(), backward.end());
    StatusOr<LayerResult> first = WriteLayer(store1, forward, options);
    StatusOr<LayerResult> second = WriteLayer(store2, backward, options);
    REQUIRE(first.ok());
    REQUIRE(second.ok());
    CHECK(first->diff_id == second->diff_id);
    CHECK(first->blob == second->blob);
    CHECK(first->blob.media_type == LayerMediaType(compression));
    std::string blob = *store1.ReadAll(first->blob.digest, 1 << 22);
    if (compression == Compression::kGzip) {
      REQUIRE(blob.size() > 10);
      CHECK(blob.substr(4, 4) == std::string(4, '\0'));  // gzip header mtime is zero
    }
    // The compressed blob decompresses to the tar whose digest is the diffID.
    std::vector<ReadEntry> entries = ReadTar(blob);
    CHECK(entries.size() == 14);
  }
}

TEST_CASE("layer writer: bad entries are refused with the path named") {
  LayerWriter writer;
  CHECK(writer.Add(File("../etc/passwd", "x")).code() == StatusCode::kInvalidArgument);
  CHECK(writer.Add(File("a/../../b", "x")).code() == StatusCode::kInvalidArgument);
  CHECK(writer.Add(File("/", "x")).code() == StatusCode::kInvalidArgument);
  CHECK(writer.Add(File(std::string("a\0b", 3), "x")).code() == StatusCode::kInvalidArgument);
  CHECK(writer.Add(File("dir/.wh.", "")).code() == StatusCode::kInvalidArgument);
  CHECK(writer.Add(File("dir/.wh..", "")).code() == StatusCode::kInvalidArgument);
  CHECK(writer.Add(File("dir/.wh...", "")).code() == StatusCode::kInvalidArgument);
  CHECK(writer.Add(File("dir/.wh..wh.other", "")).code() == StatusCode::kInvalidArgument);
  CHECK(writer.Add(File("x", "1")).ok());
  Status dup = writer.Add(File("/x", "2"));
  CHECK(dup.code() == StatusCode::kInvalidArgument);
  CHECK(dup.message().find("\"x\"") != std::string::npos);
  LayerEntry overlay = File("o", "");
  overlay.xattrs["trusted.overlay.opaque"] = "y";
  CHECK(writer.Add(overlay).code() == StatusCode::kInvalidArgument);
  LayerEntry dir_with_size = Dir("d");
  dir_with_size.size = 3;
  CHECK_FALSE(writer.Add(dir_with_size).ok());
}

TEST_CASE("layer writer: content that does not match the recorded size fails the write") {
  TempDir dir = *TempDir::Create();
  cache::BlobStore store = *cache::BlobStore::Open(dir.path());
  LayerEntry grown = File("f", "abc");
  grown.size = 2;
  LayerWriter writer;
  REQUIRE(writer.Add(grown).ok());
  StatusOr<LayerResult> result = writer.Write(store);
  CHECK(result.status().code() == StatusCode::kDataLoss);
  CHECK(std::filesystem::is_empty(dir.path() / "blobs" / "sha256"));
  CHECK(std::filesystem::is_empty(dir.path() / "ingest"));

  LayerEntry missing_target;
  missing_target.path = "l";
  missing_target.type = EntryType::kHardlink;
  missing_target.link_target = "nowhere";
  LayerWriter links;
  REQUIRE(links.Add(missing_target).ok());
  CHECK(links.Write(store).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("layer writer: path order puts a directory right before its contents") {
  CHECK(LayerPathLess("a", "a/b"));
  CHECK(LayerPathLess("a/b", "a-b"));
  CHECK(LayerPathLess("a/z", "a-b"));
  CHECK_FALSE(LayerPathLess("a-b", "a/b"));
  CHECK(*NormalizeLayerPath("./a//b/") == "a/b");
  CHECK(*NormalizeLayerPath("/a") == "a");
}

}  // namespace
}  // namespace mybuild::image

namespace mybuild::image {
namespace {

TEST_CASE("layer writer: devices, large ids and long link targets survive the PAX form") {
  TempDir dir = *TempDir::Create();
  cache::BlobStore store = *cache::BlobStore::Open(dir.path());
  LayerOptions options;
  options.compression = Compression::kNone;
  LayerWriter writer(options);
  LayerEntry device;
  device.path = "dev/null";
  device.type = EntryType::kCharDevice;
  device.mode = 0666;
  device.dev_major = 1;
  device.dev_minor = 3;
  REQUIRE(writer.Add(device).ok());
  LayerEntry big = File("big-ids", "x");
  big.uid = 4000000000u;
  big.gid = 3000000;
  REQUIRE(writer.Add(big).ok());
  LayerEntry link;
  link.path = "long-link";
  link.type = EntryType::kSymlink;
  link.link_target = std::string(200, 'l');
  REQUIRE(writer.Add(link).ok());
  StatusOr<LayerResult> result = writer.Write(store);
  REQUIRE(result.ok());
  std::vector<ReadEntry> entries = ReadTar(*store.ReadAll(result->blob.digest, 1 << 20));
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].path == "big-ids");
  CHECK(entries[0].uid == 4000000000);
  CHECK(entries[0].gid == 3000000);
  CHECK(entries[1].path == "dev/null");
  CHECK(entries[1].type == AE_IFCHR);
  CHECK(entries[2].symlink == std::string(200, 'l'));
  CHECK(writer.Add(File("late", "")).code() == StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace mybuild::image

namespace mybuild::image {
namespace {

LayerEntry Link(EntryType type, std::string path, std::string target) {
  LayerEntry e;
  e.path = std::move(path);
  e.type = type;
  e.link_target = std::move(target);
  e.mode = 0777;
  return e;
}

// Names are bytes (src/base/tar_names.h): UTF-8 names and link targets in `path`/`linkpath` records as
// they are, a name that is not UTF-8 (0xff) in a `hdrcharset=BINARY` entry, all read back unchanged, and
// the same layer bytes whether the writing thread's locale is C or C.UTF-8.
TEST_CASE("layer writer: non-ASCII and non-UTF-8 names and link targets round-trip as bytes in the C locale") {
  REQUIRE(setlocale(LC_ALL, "C") != nullptr);
  TempDir dir = *TempDir::Create();
  cache::BlobStore store = *cache::BlobStore::Open(dir.path());
  LayerOptions options;
  options.compression = Compression::kNone;
  auto entries = [] {
    std::vector<LayerEntry> out;
    out.push_back(File("f\xc3\xa9.txt", "utf8"));
    out.push_back(Link(EntryType::kSymlink, "NetLock_F\xc5\x91tan\xc3\xbas\xc3\xadtv\xc3\xa1ny.pem",
                       "/usr/share/ca-certificates/F\xc5\x91tan\xc3\xbas\xc3\xadtv\xc3\xa1ny.crt"));
    out.push_back(Link(EntryType::kHardlink, "h\xc3\xa9", "f\xc3\xa9.txt"));
    out.push_back(File("x\xff", "binary"));
    out.push_back(Link(EntryType::kSymlink, "y", "t\xff"));
    return out;
  };
  StatusOr<LayerResult> c_locale = WriteLayer(store, entries(), options);
  REQUIRE_MESSAGE(c_locale.ok(), c_locale.status().ToString());
  const std::string bytes = *store.ReadAll(c_locale->blob.digest, 1 << 20);

  locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  REQUIRE(utf8 != static_cast<locale_t>(0));
  locale_t previous = uselocale(utf8);
  StatusOr<LayerResult> utf8_locale = WriteLayer(store, entries(), options);
  uselocale(previous);
  freelocale(utf8);
  REQUIRE(utf8_locale.ok());
  CHECK(utf8_locale->blob.digest == c_locale->blob.digest);

  CHECK(bytes.find("path=f\xc3\xa9.txt\n") != std::string::npos);
  CHECK(bytes.find("linkpath=/usr/share/ca-certificates/F\xc5\x91tan\xc3\xbas\xc3\xadtv\xc3\xa1ny.crt\n") !=
        std::string::npos);
  CHECK(bytes.find("path=x\xff\n") != std::string::npos);
  CHECK(bytes.find("linkpath=t\xff\n") != std::string::npos);
  // Only the two entries whose bytes are not UTF-8 are marked binary.
  size_t binary = 0;
  for (size_t at = bytes.find("hdrcharset=BINARY"); at != std::string::npos;
       at = bytes.find("hdrcharset=BINARY", at + 1)) {
    ++binary;
  }
  CHECK(binary == 2);

  std::vector<ReadEntry> read;
  {
    const base::TarNameScope names;
    read = ReadTar(bytes);
  }
  REQUIRE(read.size() == 5);
  CHECK(read[0].path == "NetLock_F\xc5\x91tan\xc3\xbas\xc3\xadtv\xc3\xa1ny.pem");
  CHECK(read[0].symlink == "/usr/share/ca-certificates/F\xc5\x91tan\xc3\xbas\xc3\xadtv\xc3\xa1ny.crt");
  CHECK(read[1].path == "f\xc3\xa9.txt");
  CHECK(read[1].content == "utf8");
  CHECK(read[2].path == "h\xc3\xa9");
  CHECK(read[2].hardlink == "f\xc3\xa9.txt");
  CHECK(read[3].path == "x\xff");
  CHECK(read[3].content == "binary");
  CHECK(read[4].path == "y");
  CHECK(read[4].symlink == "t\xff");
}

}  // namespace
}  // namespace mybuild::image

namespace mybuild::image {
namespace {

TEST_CASE("layer writer: a file with holes is a PAX sparse entry: the tar holds its data, not its size") {
  TempDir dir = *TempDir::Create();
  const std::filesystem::path path = dir.path() / "sparse";
  const uint64_t size = 12ull << 30;  // over 8 GiB: past the ustar size field too
  {
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    REQUIRE(fd);
    REQUIRE(::ftruncate(fd.get(), static_cast<off_t>(size)) == 0);
    REQUIRE(::pwrite(fd.get(), "middle", 6, 5ll << 30) == 6);
  }
  UniqueFd probe(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (::lseek(probe.get(), 0, SEEK_HOLE) >= static_cast<off_t>(size)) MYBUILD_SKIP("this filesystem reports no holes");

  LayerEntry e;
  e.path = "big";
  e.size = size;
  e.file = [path]() -> StatusOr<UniqueFd> {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return ErrnoError("open");
    return fd;
  };
  LayerWriter writer;
  REQUIRE(writer.Add(std::move(e)).ok());
  std::string tar;
  FunctionSink sink([&](std::string_view bytes) {
    tar.append(bytes);
    return Status::Ok();
  });
  StatusOr<std::pair<Digest, uint64_t>> written = writer.WriteTar(sink);
  REQUIRE_MESSAGE(written.ok(), written.status().ToString());
  CHECK(tar.size() < (1u << 20));
  CHECK(written->second == tar.size());
  CHECK(written->first == Digest::Of(tar));

  struct archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  REQUIRE(archive_read_open_memory(a, tar.data(), tar.size()) == ARCHIVE_OK);
  archive_entry* entry = nullptr;
  REQUIRE(archive_read_next_header(a, &entry) == ARCHIVE_OK);
  CHECK(std::string(archive_entry_pathname(entry)) == "big");
  CHECK(static_cast<uint64_t>(archive_entry_size(entry)) == size);
  CHECK(archive_entry_sparse_count(entry) >= 1);
  const void* block = nullptr;
  size_t length = 0;
  la_int64_t offset = 0;
  uint64_t data = 0;
  std::string found;
  while (archive_read_data_block(a, &block, &length, &offset) == ARCHIVE_OK) {
    data += length;
    if (offset <= (5ll << 30) && (5ll << 30) < offset + static_cast<la_int64_t>(length)) {
      found = std::string(static_cast<const char*>(block) + ((5ll << 30) - offset), 6);
    }
  }
  CHECK(data == kSparseBlock);
  CHECK(found == "middle");
  archive_read_free(a);
}

}  // namespace
}  // namespace mybuild::image
