// Test helper: builds tar archives entry by entry with libarchive (pax format, no sanitising of names),
// plus raw ustar/pax headers for what libarchive will not write (global headers, odd bytes).
#ifndef MYBUILD_TESTS_SNAPSHOTTER_TAR_BUILDER_H_
#define MYBUILD_TESTS_SNAPSHOTTER_TAR_BUILDER_H_

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

namespace mybuild::testing {

enum class Compression { kNone, kGzip, kZstd, kXz, kBzip2 };

struct TarOpts {
  unsigned mode = 0644;
  int64_t uid = 0;
  int64_t gid = 0;
  int64_t mtime = 1700000000;
  std::map<std::string, std::string> xattrs;
};

class TarBuilder {
 public:
  explicit TarBuilder(Compression c = Compression::kNone) {
    a_ = archive_write_new();
    archive_write_set_format_pax_restricted(a_);
    switch (c) {
      case Compression::kNone: break;
      case Compression::kGzip: archive_write_add_filter_gzip(a_); break;
      case Compression::kZstd: archive_write_add_filter_zstd(a_); break;
      case Compression::kXz: archive_write_add_filter_xz(a_); break;
      case Compression::kBzip2: archive_write_add_filter_bzip2(a_); break;
    }
    archive_write_set_bytes_in_last_block(a_, 1);
    archive_write_open(a_, this, nullptr, &TarBuilder::Write, nullptr);
  }
  ~TarBuilder() {
    if (a_) archive_write_free(a_);
  }

  using Opts = TarOpts;

  TarBuilder& File(const std::string& path, const std::string& content, Opts o = {}) {
    return Add(path, AE_IFREG, o, &content, nullptr, nullptr);
  }
  TarBuilder& Dir(const std::string& path, Opts o = {}) {
    if (o.mode == 0644) o.mode = 0755;
    return Add(path, AE_IFDIR, o, nullptr, nullptr, nullptr);
  }
  TarBuilder& Symlink(const std::string& path, const std::string& target, Opts o = {}) {
    o.mode = 0777;
    return Add(path, AE_IFLNK, o, nullptr, &target, nullptr);
  }
  TarBuilder& Hardlink(const std::string& path, const std::string& target, Opts o = {}) {
    return Add(path, AE_IFREG, o, nullptr, nullptr, &target);
  }
  TarBuilder& Device(const std::string& path, bool chr, uint64_t major, uint64_t minor, Opts o = {}) {
    archive_entry* e = Entry(path, chr ? AE_IFCHR : AE_IFBLK, o);
    archive_entry_set_rdevmajor(e, major);
    archive_entry_set_rdevminor(e, minor);
    return Finish(e, nullptr);
  }
  TarBuilder& Fifo(const std::string& path, Opts o = {}) { return Add(path, AE_IFIFO, o, nullptr, nullptr, nullptr); }
  // Many zero bytes (compresses extremely well).
  TarBuilder& Zeros(const std::string& path, size_t size) {
    archive_entry* e = Entry(path, AE_IFREG, {});
    archive_entry_set_size(e, static_cast<la_int64_t>(size));
    archive_write_header(a_, e);
    std::string chunk(1 << 20, '\0');
    for (size_t done = 0; done < size; done += chunk.size()) {
      archive_write_data(a_, chunk.data(), std::min(chunk.size(), size - done));
    }
    archive_entry_free(e);
    return *this;
  }

  std::string Build() {
    archive_write_close(a_);
    archive_write_free(a_);
    a_ = nullptr;
    return out_;
  }

  void WriteTo(const std::filesystem::path& p) {
    std::ofstream f(p, std::ios::binary);
    f << Build();
  }

 private:
  static la_ssize_t Write(struct archive*, void* self, const void* buf, size_t n) {
    static_cast<TarBuilder*>(self)->out_.append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
  }
  archive_entry* Entry(const std::string& path, unsigned type, const Opts& o) {
    archive_entry* e = archive_entry_new();
    archive_entry_copy_pathname(e, path.c_str());
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, o.mode);
    archive_entry_set_uid(e, o.uid);
    archive_entry_set_gid(e, o.gid);
    archive_entry_set_mtime(e, o.mtime, 0);
    for (const auto& [k, v] : o.xattrs) archive_entry_xattr_add_entry(e, k.c_str(), v.data(), v.size());
    return e;
  }
  TarBuilder& Add(const std::string& path, unsigned type, const Opts& o, const std::string* content,
                  const std::string* symlink, const std::string* hardlink) {
    archive_entry* e = Entry(path, type, o);
    if (symlink) archive_entry_copy_symlink(e, symlink->c_str());
    if (hardlink) archive_entry_copy_hardlink(e, hardlink->c_str());
    return Finish(e, content);
  }
  TarBuilder& Finish(archive_entry* e, const std::string* content) {
    archive_entry_set_size(e, content ? static_cast<la_int64_t>(content->size()) : 0);
    if (archive_write_header(a_, e) != ARCHIVE_OK) {
      std::string err = archive_error_string(a_) ? archive_error_string(a_) : "?";
      archive_entry_free(e);
      throw std::runtime_error("tar builder: " + err);
    }
    if (content && !content->empty()) archive_write_data(a_, content->data(), content->size());
    archive_entry_free(e);
    return *this;
  }

  struct archive* a_ = nullptr;
  std::string out_;
};

// A raw 512-byte ustar header block (name up to 100 bytes, any bytes allowed) + padded data.
inline std::string RawTarEntry(const std::string& name, char type, const std::string& data,
                               const std::string& linkname = "", unsigned mode = 0644) {
  std::string h(512, '\0');
  auto put = [&](size_t off, size_t len, const std::string& v) { std::memcpy(&h[off], v.data(), std::min(len, v.size())); };
  auto oct = [&](size_t off, size_t len, uint64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%0*llo", static_cast<int>(len - 1), static_cast<unsigned long long>(v));
    put(off, len - 1, buf);
  };
  put(0, 100, name);
  oct(100, 8, mode);
  oct(108, 8, 0);
  oct(116, 8, 0);
  oct(124, 12, data.size());
  oct(136, 12, 1700000000);
  std::memset(&h[148], ' ', 8);
  h[156] = type;
  put(157, 100, linkname);
  put(257, 6, std::string("ustar\0", 6));
  put(263, 2, "00");
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  char cs[8];
  std::snprintf(cs, sizeof cs, "%06o", sum);
  std::memcpy(&h[148], cs, 7);
  std::string out = h + data;
  out.append((512 - data.size() % 512) % 512, '\0');
  return out;
}

inline std::string PaxRecord(const std::string& key, const std::string& value) {
  size_t len = key.size() + value.size() + 3;
  size_t total = len + std::to_string(len).size();
  if (std::to_string(total).size() != std::to_string(len).size()) ++total;
  return std::to_string(total) + " " + key + "=" + value + "\n";
}

inline std::string RawTarEnd() { return std::string(1024, '\0'); }

}  // namespace mybuild::testing

#endif  // MYBUILD_TESTS_SNAPSHOTTER_TAR_BUILDER_H_
