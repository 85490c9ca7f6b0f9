#include "src/fileops/url_fetcher.h"

#include "src/fileops/copy_spec.h"

#include <curl/curl.h>
#include <unistd.h>

#include <cerrno>
#include <cctype>
#include <memory>
#include <mutex>

namespace mybuild::fileops {
namespace {

struct Transfer {
  int fd = -1;
  uint64_t max_bytes = 0;
  uint64_t size = 0;
  Sha256 hash;
  bool too_large = false;
  int write_errno = 0;
};

size_t OnData(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  if (t->size + n > t->max_bytes) {
    t->too_large = true;
    return 0;  // makes curl fail with CURLE_WRITE_ERROR
  }
  size_t off = 0;
  while (off < n) {
    ssize_t w = ::write(t->fd, data + off, n - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      t->write_errno = errno;
      return 0;
    }
    off += static_cast<size_t>(w);
  }
  t->hash.Update(data, n);
  t->size += n;
  return n;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

CopySource CopySource::FromWritten(std::string text) {
  std::string lower = Lower(text.substr(0, 8));
  bool url = IsHttpUrl(text) || IsGitUrl(text) || lower.rfind("git@", 0) == 0;
  return url ? Url(std::move(text)) : Path(std::move(text));
}

bool IsHttpUrl(std::string_view text) {
  std::string lower = Lower(text.substr(0, 8));
  return lower.rfind("http://", 0) == 0 || lower.rfind("https://", 0) == 0;
}

bool IsGitUrl(std::string_view text) {
  std::string lower = Lower(text);
  if (lower.rfind("git://", 0) == 0 || lower.rfind("git@", 0) == 0 || lower.rfind("ssh://", 0) == 0) return true;
  if (!IsHttpUrl(text)) return false;
  // As the planner's IsGitSource: everything before the "#ref:subdir" fragment ends in ".git".
  std::string_view path = text.substr(0, text.find('#'));
  return path.size() > 4 && path.substr(path.size() - 4) == ".git";
}

std::string FileNameFromUrl(std::string_view url) {
  size_t scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  size_t end = rest.find_first_of("?#");
  if (end != std::string_view::npos) rest = rest.substr(0, end);
  size_t slash = rest.find('/');
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  size_t last = path.rfind('/');
  std::string_view raw = last == std::string_view::npos ? path : path.substr(last + 1);
  std::string name;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%' && i + 2 < raw.size() + 0 && HexValue(raw[i + 1]) >= 0 && HexValue(raw[i + 2]) >= 0) {
      name += static_cast<char>(HexValue(raw[i + 1]) * 16 + HexValue(raw[i + 2]));
      i += 2;
    } else {
      name += raw[i];
    }
  }
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos) {
    return "__unnamed__";
  }
  return name;
}

StatusOr<FetchedFile> CurlFetcher::Fetch(const std::string& url, uint64_t max_bytes, int out_fd) {
  if (!IsHttpUrl(url)) return InvalidArgument("unsupported URL \"" + url + "\": expected http:// or https://");
  GlobalInit();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return Internal("curl_easy_init failed");
  Transfer transfer;
  transfer.fd = out_fd;
  transfer.max_bytes = max_bytes;
  char error[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(c, CURLOPT_FILETIME, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &OnData);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "mybuild");
  CURLcode rc = curl_easy_perform(c);
  if (transfer.too_large) {
    return ResourceExhausted("download of " + url + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  if (transfer.write_errno != 0) return ErrnoError("write download of " + url, transfer.write_errno);
  if (rc != CURLE_OK) {
    std::string why = error[0] ? error : curl_easy_strerror(rc);
    return Unavailable("failed to download " + url + ": " + why);
  }
  FetchedFile file;
  file.size = transfer.size;
  file.digest = transfer.hash.Finish();
  curl_off_t filetime = -1;
  if (curl_easy_getinfo(c, CURLINFO_FILETIME_T, &filetime) == CURLE_OK && filetime >= 0) {
    file.last_modified = static_cast<int64_t>(filetime);
  }
  return file;
}

}  // namespace mybuild::fileops
