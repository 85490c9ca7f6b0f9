#include "src/registry/fake_registry.h"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "src/registry/base64.h"

namespace mybuild::registry {
namespace {

constexpr const char* kToken = "fake-token";

HttpResponse Answer(int status, std::string body = {}) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

HttpResponse Error(int status, const std::string& code) {
  return Answer(status, nlohmann::json{{"errors", {{{"code", code}, {"message", code}}}}}.dump());
}

std::string HeaderOf(const HttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return std::string();
}

std::string QueryValue(const std::string& url, const std::string& key) {
  size_t at = url.find(key + "=");
  if (at == std::string::npos) return std::string();
  std::string value = url.substr(at + key.size() + 1, url.find('&', at) - at - key.size() - 1);
  std::string decoded;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '%' && i + 2 < value.size()) {
      decoded += static_cast<char>(std::stoi(value.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      decoded += value[i];
    }
  }
  return decoded;
}

}  // namespace

Digest FakeRegistry::AddBlob(const std::string& bytes) {
  Digest digest = Digest::Of(bytes);
  blobs[digest.ToString()] = bytes;
  return digest;
}

Digest FakeRegistry::AddManifest(const std::string& repository, const std::string& tag, const std::string& media_type,
                                 const std::string& bytes) {
  Digest digest = Digest::Of(bytes);
  manifests[repository][digest.ToString()] = {media_type, bytes};
  if (!tag.empty()) manifests[repository][tag] = {media_type, bytes};
  return digest;
}

size_t FakeRegistry::Count(const std::string& method, const std::string& url_part) const {
  size_t count = 0;
  for (const std::string& request : requests) {
    if (request.rfind(method + " ", 0) == 0 && request.find(url_part) != std::string::npos) ++count;
  }
  return count;
}

bool FakeRegistry::Authorized(const HttpRequest& request) const {
  const std::string header = HeaderOf(request, "Authorization");
  switch (auth) {
    case Auth::kNone:
      return true;
    case Auth::kBasic:
      return header == "Basic " + Base64Encode(username + ":" + password);
    case Auth::kBearer:
      return header == std::string("Bearer ") + kToken;
  }
  return false;
}

HttpResponse FakeRegistry::Token(const HttpRequest& request) const {
  const std::string header = HeaderOf(request, "Authorization");
  const bool logged_in = header == "Basic " + Base64Encode(username + ":" + password);
  if (!logged_in && !(allow_anonymous_token && header.empty())) return Error(401, "UNAUTHORIZED");
  if (QueryValue(request.url, "service") != "registry.test") return Error(400, "BAD_SERVICE");
  return Answer(200, nlohmann::json{{token_field, kToken}}.dump());
}

StatusOr<HttpResponse> FakeRegistry::Send(const HttpRequest& request) {
  requests.push_back(request.method + " " + request.url);
  authorizations.push_back(HeaderOf(request, "Authorization"));
  std::string body = request.body;
  if (request.body_fd >= 0) {
    body.resize(request.body_size);
    ssize_t got = ::pread(request.body_fd, body.data(), body.size(), 0);
    if (got != static_cast<ssize_t>(body.size())) return ErrnoError("fake registry: pread");
  }
  MB_ASSIGN_OR_RETURN(HttpResponse response, Handle(request, body));
  response.url = request.url;
  if (request.method == "HEAD") response.body.clear();
  if (request.on_body && response.status >= 200 && response.status < 300) {
    // Delivered in small chunks, as a network would.
    for (size_t at = 0; at < response.body.size(); at += 1000) {
      MB_RETURN_IF_ERROR(request.on_body(std::string_view(response.body).substr(at, 1000)));
    }
    response.body.clear();
  } else if (response.body.size() > request.max_body) {
    return ResourceExhausted("fake registry: answer larger than max_body");
  }
  return response;
}

StatusOr<HttpResponse> FakeRegistry::Handle(const HttpRequest& request, const std::string& body) {
  if (request.url.rfind(kRealm, 0) == 0) return Token(request);
  const bool to_storage = !upload_origin.empty() && request.url.rfind(upload_origin + "/v2/", 0) == 0;
  const std::string base = to_storage ? upload_origin : kBaseUrl;
  if (request.url.rfind(base + "/v2/", 0) != 0) return Unavailable("fake registry: unknown host in " + request.url);
  if (!to_storage && !Authorized(request)) {
    HttpResponse response = Error(401, "UNAUTHORIZED");
    response.headers.emplace("www-authenticate",
                             auth == Auth::kBasic ? std::string("Basic realm=\"fake\"")
                                                  : std::string("Bearer realm=\"") + kRealm +
                                                        "\",service=\"registry.test\"");
    return response;
  }
  std::string path = request.url.substr(base.size() + 4);  // after "/v2/"
  const std::string query = path.find('?') == std::string::npos ? "" : path.substr(path.find('?'));
  path = path.substr(0, path.find('?'));
  if (path.empty()) return Answer(200, "{}");

  for (const char* kind : {"/manifests/", "/blobs/uploads/", "/blobs/"}) {
    const size_t at = path.find(kind);
    if (at == std::string::npos) continue;
    const std::string repository = path.substr(0, at);
    const std::string rest = path.substr(at + std::string(kind).size());
    const std::string what = kind;
    if (what == "/manifests/") {
      if (request.method == "PUT") {
        Digest digest = AddManifest(repository, rest, HeaderOf(request, "Content-Type"), body);
        HttpResponse response = Answer(201);
        response.headers.emplace("docker-content-digest", digest.ToString());
        return response;
      }
      auto repo = manifests.find(repository);
      if (repo == manifests.end() || !repo->second.count(rest)) return Error(404, "MANIFEST_UNKNOWN");
      const StoredManifest& stored = repo->second.at(rest);
      const std::string digest = Digest::Of(stored.bytes).ToString();
      HttpResponse response = Answer(200, served_instead.count(digest) ? served_instead[digest] : stored.bytes);
      response.headers.emplace("content-type", stored.media_type);
      response.headers.emplace("docker-content-digest",
                               content_digest_override.empty() ? digest : content_digest_override);
      return response;
    }
    if (what == "/blobs/uploads/") {
      if (request.method == "POST" && !QueryValue(query, "mount").empty()) {
        const std::string digest = QueryValue(query, "mount");
        const bool linked = !separate_repositories || links_.count({QueryValue(query, "from"), digest});
        if (blobs.count(digest) && linked) {
          links_.insert({repository, digest});
          return Answer(201);
        }
      }
      if (request.method == "POST") {
        const std::string id = "upload-" + std::to_string(++next_upload_);
        uploads_[id] = repository;
        HttpResponse response = Answer(202);
        const std::string location = "/v2/" + repository + "/blobs/uploads/" + id + "?_state=x";
        response.headers.emplace("location", !upload_origin.empty() ? upload_origin + location
                                             : absolute_location   ? base + location
                                                                   : location);
        return response;
      }
      if (request.method == "PUT") {
        if (!uploads_.count(rest)) return Error(404, "BLOB_UPLOAD_UNKNOWN");
        const std::string digest = QueryValue(query, "digest");
        if (Digest::Of(body).ToString() != digest) return Error(400, "DIGEST_INVALID");
        blobs[digest] = body;
        links_.insert({uploads_[rest], digest});
        uploads_.erase(rest);
        return Answer(201);
      }
      return Error(405, "UNSUPPORTED");
    }
    // /blobs/<digest>
    if (!blobs.count(rest) || (separate_repositories && !links_.count({repository, rest}))) {
      return Error(404, "BLOB_UNKNOWN");
    }
    return Answer(200, served_instead.count(rest) ? served_instead[rest] : blobs[rest]);
  }
  return Error(404, "NAME_UNKNOWN");
}

}  // namespace mybuild::registry
