#include "src/registry/curl_transport.h"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <mutex>

namespace mybuild::registry {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// A curl_slist freed on destruction.
class HeaderList {
 public:
  HeaderList() = default;
  ~HeaderList() { curl_slist_free_all(list_); }
  HeaderList(const HeaderList&) = delete;
  HeaderList& operator=(const HeaderList&) = delete;
  void Add(const std::string& line) { list_ = curl_slist_append(list_, line.c_str()); }
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

std::string Trim(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return std::string(text.substr(begin, end - begin));
}

// State of one transfer, shared with the curl callbacks.
struct Transfer {
  CURL* curl = nullptr;
  const HttpRequest* request = nullptr;
  HttpResponse response;
  uint64_t read_offset = 0;
  Status body_error;
  int read_errno = 0;
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  // Every response (a 100 Continue, each redirect) starts with a status line: keep only the last one's.
  if (line.rfind("HTTP/", 0) == 0) {
    t->response.headers.clear();
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  t->response.headers.emplace(Trim(name), Trim(line.substr(colon + 1)));
  return n;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (t->request->on_body && status >= 200 && status < 300) {
    t->body_error = t->request->on_body(std::string_view(data, n));
    return t->body_error.ok() ? n : 0;
  }
  if (t->response.body.size() + n > t->request->max_body) {
    t->body_error = ResourceExhausted("the answer of " + t->request->method + " " + t->request->url +
                                      " is larger than " + std::to_string(t->request->max_body) + " bytes");
    return 0;
  }
  t->response.body.append(data, n);
  return n;
}

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const HttpRequest& request = *t->request;
  const uint64_t total = request.body_fd >= 0 ? request.body_size : request.body.size();
  const size_t want = static_cast<size_t>(std::min<uint64_t>(size * count, total - t->read_offset));
  if (want == 0) return 0;
  if (request.body_fd < 0) {
    std::memcpy(buffer, request.body.data() + t->read_offset, want);
    t->read_offset += want;
    return want;
  }
  ssize_t got;
  do {
    got = ::pread(request.body_fd, buffer, want, static_cast<off_t>(t->read_offset));
  } while (got < 0 && errno == EINTR);
  if (got <= 0) {  // a short file is as bad as a read error: the server would wait for the rest
    t->read_errno = got < 0 ? errno : EIO;
    return CURL_READFUNC_ABORT;
  }
  t->read_offset += static_cast<uint64_t>(got);
  return static_cast<size_t>(got);
}

int OnSeek(void* user, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(user);
  if (origin != SEEK_SET || offset < 0) return CURL_SEEKFUNC_CANTSEEK;
  t->read_offset = static_cast<uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

}  // namespace

struct CurlTransport::Handle {
  CURL* curl = nullptr;
  ~Handle() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
};

CurlTransport::CurlTransport(CurlOptions options) : options_(std::move(options)), handle_(std::make_unique<Handle>()) {}
CurlTransport::~CurlTransport() = default;

StatusOr<HttpResponse> CurlTransport::Send(const HttpRequest& request) {
  GlobalInit();
  if (handle_->curl == nullptr) handle_->curl = curl_easy_init();
  if (handle_->curl == nullptr) return Internal("curl_easy_init failed");
  CURL* c = handle_->curl;
  curl_easy_reset(c);  // options go, the connection cache stays

  Transfer transfer;
  transfer.curl = c;
  transfer.request = &request;
  HeaderList headers;
  for (const auto& [name, value] : request.headers) headers.Add(name + ": " + value);
  headers.Add("Expect:");  // no 100-continue round trip before every upload
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "mybuild");
  if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());

  const bool has_body = request.body_fd >= 0 || !request.body.empty();
  const curl_off_t body_size =
      static_cast<curl_off_t>(request.body_fd >= 0 ? request.body_size : request.body.size());
  if (request.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (request.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, body_size);
  } else if (request.method == "PUT" || request.method == "PATCH") {
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, body_size);
    if (request.method == "PATCH") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PATCH");
  } else if (request.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (has_body || request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
    curl_easy_setopt(c, CURLOPT_READFUNCTION, &OnRead);
    curl_easy_setopt(c, CURLOPT_READDATA, &transfer);
    curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, &OnSeek);
    curl_easy_setopt(c, CURLOPT_SEEKDATA, &transfer);
  }

  const CURLcode rc = curl_easy_perform(c);
  if (!transfer.body_error.ok()) return transfer.body_error;
  if (transfer.read_errno != 0) return ErrnoError("read the body of " + request.method + " " + request.url,
                                                  transfer.read_errno);
  if (rc != CURLE_OK) {
    return Unavailable(request.method + " " + request.url + ": " + (error[0] ? error : curl_easy_strerror(rc)));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  transfer.response.status = static_cast<int>(status);
  char* effective = nullptr;
  curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &effective);
  transfer.response.url = effective != nullptr ? effective : request.url;
  return std::move(transfer.response);
}

}  // namespace mybuild::registry
