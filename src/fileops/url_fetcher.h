// ADD <http(s) URL>: downloading one file. The interface lets tests and the solver substitute a fake;
// CurlFetcher is the real one (libcurl).
#ifndef MYBUILD_FILEOPS_URL_FETCHER_H_
#define MYBUILD_FILEOPS_URL_FETCHER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "src/base/digest.h"
#include "src/base/status.h"

namespace mybuild::fileops {

struct FetchedFile {
  Digest digest;                          // SHA-256 of the bytes written
  uint64_t size = 0;
  std::optional<int64_t> last_modified;   // seconds since the epoch, from the Last-Modified header
};

class UrlFetcher {
 public:
  virtual ~UrlFetcher() = default;
  // Downloads `url` into `out_fd` (written from its current offset). More than max_bytes is
  // kResourceExhausted; an HTTP error status or a network failure is kUnavailable naming the URL.
  virtual StatusOr<FetchedFile> Fetch(const std::string& url, uint64_t max_bytes, int out_fd) = 0;
};

// libcurl: http and https only (redirects too, at most 10), fails on HTTP status >= 400, connect timeout
// 30 s, aborts a transfer slower than 1 byte/s for 60 s. Proxies from the usual environment variables.
class CurlFetcher : public UrlFetcher {
 public:
  StatusOr<FetchedFile> Fetch(const std::string& url, uint64_t max_bytes, int out_fd) override;
};

// The file name ADD gives a download when the destination is a directory: the last component of the URL's
// path (query and fragment removed, %XX decoded); "__unnamed__" when there is none or it is "." / "..".
std::string FileNameFromUrl(std::string_view url);

// True for http:// and https:// URLs (case-insensitive scheme).
bool IsHttpUrl(std::string_view text);
// True for what BuildKit treats as a git source: git://, git@host:…, ssh://…, and http(s) URLs whose path
// ends in ".git" (optionally followed by a #ref[:subdir] fragment). http:// counts too, as in BuildKit.
bool IsGitUrl(std::string_view text);

}  // namespace mybuild::fileops

#endif  // MYBUILD_FILEOPS_URL_FETCHER_H_
