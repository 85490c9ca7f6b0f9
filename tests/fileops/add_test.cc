#include <archive.h>
#include <archive_entry.h>
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "src/fileops/archive_probe.h"
#include "src/fileops/copier.h"
#include "src/fileops/url_fetcher.h"
#include "tests/fileops/fixture.h"
#include "tests/test_support.h"

namespace mybuild::fileops {
namespace {

using namespace mybuild::fileops::testing;

enum class Compression { kNone, kGzip, kZstd, kXz, kBzip2 };

// Writes a tar with a directory, a file and a symlink to `path`.
void MakeTar(const fs::path& path, Compression compression) {
  struct archive* a = archive_write_new();
  switch (compression) {
    case Compression::kNone: break;
    case Compression::kGzip: archive_write_add_filter_gzip(a); break;
    case Compression::kZstd: REQUIRE(archive_write_add_filter_zstd(a) == ARCHIVE_OK); break;
    case Compression::kXz: archive_write_add_filter_xz(a); break;
    case Compression::kBzip2: archive_write_add_filter_bzip2(a); break;
  }
  archive_write_set_format_pax_restricted(a);
  REQUIRE(archive_write_open_filename(a, path.c_str()) == ARCHIVE_OK);
  auto add = [&](const char* name, mode_t type, int perm, const std::string& content, const char* link) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, perm);
    archive_entry_set_uid(e, 33);
    archive_entry_set_gid(e, 44);
    archive_entry_set_mtime(e, 1500000000, 0);
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    if (link) archive_entry_set_symlink(e, link);
    REQUIRE(archive_write_header(a, e) == ARCHIVE_OK);
    if (!content.empty()) archive_write_data(a, content.data(), content.size());
    archive_entry_free(e);
  };
  add("pkg", AE_IFDIR, 0755, "", nullptr);
  add("pkg/readme", AE_IFREG, 0640, "from the tar", nullptr);
  add("pkg/link", AE_IFLNK, 0777, "", "readme");
  archive_write_close(a);
  archive_write_free(a);
}

TEST_CASE("ADD extracts local tar archives (plain, gzip, zstd, xz, bzip2) detected by content") {
  const std::pair<Compression, const char*> kinds[] = {{Compression::kNone, "plain.bin"},
                                                       {Compression::kGzip, "archive.tar.gz"},
                                                       {Compression::kZstd, "no-extension"},
                                                       {Compression::kXz, "a.txz"},
                                                       {Compression::kBzip2, "b.tbz"}};
  for (const auto& [compression, name] : kinds) {
    CAPTURE(name);
    CopyFixture f;
    MakeTar(f.context / name, compression);
    CopySpec spec = Copy({name}, "/opt/x");
    spec.is_add = true;
    auto r = f.Run(spec);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    CHECK(r->archives_extracted == 1);
    CHECK(ReadText(f.rootfs / "opt/x/pkg/readme") == "from the tar");
    CHECK(IsLink(f.rootfs / "opt/x/pkg/link"));
    CHECK(ModeOf(f.rootfs / "opt/x/pkg/readme") == 0640);
    CHECK(LstatPath(f.rootfs / "opt/x/pkg/readme")->st_uid == 33);
    CHECK(LstatPath(f.rootfs / "opt/x/pkg/readme")->st_mtim.tv_sec == 1500000000);
  }
}

TEST_CASE("ADD copies non-archives and COPY never extracts") {
  CopyFixture f;
  MakeTar(f.context / "a.tar.gz", Compression::kGzip);
  f.Ctx("notes.gz", std::string("\x1f\x8b") + " not really gzip");
  f.Ctx("big.txt", std::string(2000, 'x'));

  CopySpec copy = Copy({"a.tar.gz"}, "/c/");
  auto r = f.Run(copy);
  REQUIRE(r.ok());
  CHECK(IsFile(f.rootfs / "c/a.tar.gz"));
  CHECK_FALSE(fs::exists(f.rootfs / "c/pkg"));

  CopySpec add = Copy({"notes.gz", "big.txt"}, "/d/");
  add.is_add = true;
  REQUIRE_OK(f.Run(add));
  CHECK(IsFile(f.rootfs / "d/notes.gz"));
  CHECK(ReadText(f.rootfs / "d/big.txt") == std::string(2000, 'x'));

  CopySpec keep = Copy({"a.tar.gz"}, "/k/");
  keep.is_add = true;
  keep.unpack = false;
  REQUIRE_OK(f.Run(keep));
  CHECK(IsFile(f.rootfs / "k/a.tar.gz"));
}

TEST_CASE("ADD of a hostile tar stays inside the destination") {
  CopyFixture f;
  fs::path outside = f.tmp.path() / "outside";
  fs::create_directories(outside);
  WriteText(outside / "marker", "MARKER");
  {
    struct archive* a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    REQUIRE(archive_write_open_filename(a, (f.context / "evil.tar").c_str()) == ARCHIVE_OK);
    auto add = [&](const std::string& name, mode_t type, const std::string& content, const std::string& link) {
      struct archive_entry* e = archive_entry_new();
      archive_entry_set_pathname(e, name.c_str());
      archive_entry_set_filetype(e, type);
      archive_entry_set_perm(e, 0644);
      archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
      if (!link.empty()) archive_entry_set_symlink(e, link.c_str());
      archive_write_header(a, e);
      if (!content.empty()) archive_write_data(a, content.data(), content.size());
      archive_entry_free(e);
    };
    add("esc", AE_IFLNK, "", outside.string());
    add("esc/marker", AE_IFREG, "PWNED", "");
    archive_write_close(a);
    archive_write_free(a);
  }
  CopySpec spec = Copy({"evil.tar"}, "/x/");
  spec.is_add = true;
  (void)f.Run(spec);  // refused or confined; either way:
  CHECK(ReadText(outside / "marker") == "MARKER");
}

// A one-connection-at-a-time HTTP server on 127.0.0.1 that serves `body` for every request.
class TinyHttpServer {
 public:
  explicit TinyHttpServer(std::string body, std::string extra_headers = "")
      : body_(std::move(body)), headers_(std::move(extra_headers)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 8) != 0) {
      return;
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TinyHttpServer() {
    stop_ = true;
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return port_ != 0; }
  std::string Url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

 private:
  void Serve() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string request;
      char buf[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        request.append(buf, n);
      }
      bool missing = request.find("GET /missing") == 0;
      std::string response = missing ? "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                                      : "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body_.size()) +
                                            "\r\n" + headers_ + "Connection: close\r\n\r\n" + body_;
      size_t off = 0;
      while (off < response.size()) {
        ssize_t n = ::write(c, response.data() + off, response.size() - off);
        if (n <= 0) break;
        off += n;
      }
      ::close(c);
    }
  }

  std::string body_;
  std::string headers_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST_CASE("ADD <url>: download, file name, mode 0600, Last-Modified mtime, --checksum") {
  TinyHttpServer server("downloaded\n", "Last-Modified: Wed, 21 Oct 2015 07:28:00 GMT\r\n");
  if (!server.ok()) MYBUILD_SKIP("cannot listen on 127.0.0.1");
  ::setenv("no_proxy", "127.0.0.1,localhost", 1);  // a proxy from the environment must not see this
  ::setenv("NO_PROXY", "127.0.0.1,localhost", 1);
  CurlFetcher curl;
  const Digest good = Digest::Of("downloaded\n");

  CopyFixture f;
  CopySpec spec;
  spec.is_add = true;
  spec.sources.push_back(CopySource::Url(server.Url("/files/tool.sh?x=1")));
  spec.dest = "/opt/";
  spec.checksum = good;
  auto r = f.Run(spec, nullptr, &curl);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(ReadText(f.rootfs / "opt/tool.sh") == "downloaded\n");
  CHECK(ModeOf(f.rootfs / "opt/tool.sh") == 0600);
  CHECK(LstatPath(f.rootfs / "opt/tool.sh")->st_mtim.tv_sec == 1445412480);

  CopySpec renamed = spec;
  renamed.dest = "/bin/tool";
  renamed.checksum.reset();
  renamed.chmod = "755";
  REQUIRE_OK(f.Run(renamed, nullptr, &curl));
  CHECK(ModeOf(f.rootfs / "bin/tool") == 0755);

  CopySpec mismatch = spec;
  mismatch.dest = "/bad/";
  mismatch.checksum = Digest::Of("something else");
  auto bad = f.Run(mismatch, nullptr, &curl);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kDataLoss);
  CHECK(bad.status().message().find("checksum mismatch") != std::string::npos);
  CHECK_FALSE(fs::exists(f.rootfs / "bad"));

  CopySpec too_big = spec;
  too_big.dest = "/big/";
  too_big.max_download_bytes = 4;
  auto big = f.Run(too_big, nullptr, &curl);
  REQUIRE_FALSE(big.ok());
  CHECK(big.status().code() == StatusCode::kResourceExhausted);

  CopySpec missing = spec;
  missing.sources = {CopySource::Url(server.Url("/missing"))};
  missing.checksum.reset();
  auto gone = f.Run(missing, nullptr, &curl);
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.status().code() == StatusCode::kUnavailable);
}

// Serves a fixed file for any URL (no network).
class FakeFetcher : public UrlFetcher {
 public:
  explicit FakeFetcher(std::string body) : body_(std::move(body)) {}
  StatusOr<FetchedFile> Fetch(const std::string& url, uint64_t max_bytes, int out_fd) override {
    ++calls;
    if (body_.size() > max_bytes) return ResourceExhausted("too big");
    if (::write(out_fd, body_.data(), body_.size()) != static_cast<ssize_t>(body_.size())) return Internal("write");
    return FetchedFile{Digest::Of(body_), body_.size(), std::nullopt};
  }
  int calls = 0;

 private:
  std::string body_;
};

TEST_CASE("ADD --unpack=true extracts a downloaded archive; by default it is kept as a file") {
  CopyFixture f;
  MakeTar(f.tmp.path() / "remote.tar.gz", Compression::kGzip);
  FakeFetcher fetcher(ReadText(f.tmp.path() / "remote.tar.gz"));

  CopySpec keep;
  keep.is_add = true;
  keep.sources.push_back(CopySource::Url("https://example.com/dl/remote.tar.gz"));
  keep.dest = "/k/";
  REQUIRE_OK(f.Run(keep, nullptr, &fetcher));
  CHECK(IsFile(f.rootfs / "k/remote.tar.gz"));
  CHECK(LstatPath(f.rootfs / "k/remote.tar.gz")->st_mtim.tv_sec == 0);  // no Last-Modified

  CopySpec unpack = keep;
  unpack.dest = "/u";
  unpack.unpack = true;
  unpack.owner = Owner{5, 6};
  REQUIRE_OK(f.Run(unpack, nullptr, &fetcher));
  CHECK(ReadText(f.rootfs / "u/pkg/readme") == "from the tar");
  CHECK(LstatPath(f.rootfs / "u/pkg/readme")->st_uid == 5);
  CHECK(fetcher.calls == 2);
}

TEST_CASE("URL sources: git needs a git client, COPY refuses URLs, file names from URLs") {
  CopyFixture f;
  CopySpec git;
  git.is_add = true;
  git.sources.push_back(CopySource::Url("https://github.com/moby/buildkit.git#v0.12"));
  git.dest = "/src/";
  auto r = f.Run(git);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kUnavailable);
  CHECK(r.status().message().find("no git client") != std::string::npos);

  CopySpec copy;
  copy.sources.push_back(CopySource::Url("http://example.com/x"));
  copy.dest = "/x";
  auto c = f.Run(copy);
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().message().find("COPY") != std::string::npos);

  CHECK(FileNameFromUrl("http://h/a/b.tar.gz?sig=1#frag") == "b.tar.gz");
  CHECK(FileNameFromUrl("https://h/dir/") == "dir");
  CHECK(FileNameFromUrl("https://h") == "__unnamed__");
  CHECK(FileNameFromUrl("https://h/a%20b") == "a b");
  CHECK(FileNameFromUrl("https://h/%2e%2e") == "__unnamed__");
  CHECK(FileNameFromUrl("https://h/x%2fy") == "__unnamed__");
  CHECK(IsGitUrl("git@github.com:a/b.git"));
  CHECK(IsGitUrl("git://host/repo"));
  CHECK_FALSE(IsGitUrl("https://host/file.tar"));
  CHECK(CopySource::FromWritten("https://host/f").kind == CopySource::Kind::kUrl);
  CHECK(CopySource::FromWritten("git@github.com:a/b.git").kind == CopySource::Kind::kUrl);
  CHECK(CopySource::FromWritten("HTTP://HOST/F").kind == CopySource::Kind::kUrl);
  CHECK(CopySource::FromWritten("src/http:x").kind == CopySource::Kind::kPath);
  CHECK(CopySource::FromWritten("*.txt").kind == CopySource::Kind::kPath);
}

}  // namespace
}  // namespace mybuild::fileops
