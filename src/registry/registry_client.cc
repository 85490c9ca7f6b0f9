#include "src/registry/registry_client.h"

#include <nlohmann/json.hpp>

#include "src/image/manifest.h"
#include "src/registry/url.h"

namespace mybuild::registry {
namespace {

// Every manifest type we can use, for the Accept header (docker sends the same list).
constexpr std::string_view kManifestTypes[] = {image::media_type::kOciIndex, image::media_type::kOciManifest,
                                               image::media_type::kDockerManifestList,
                                               image::media_type::kDockerManifest};

Status Mismatch(const std::string& what, const std::string& expected, const std::string& got) {
  return DataLoss(what + ": expected " + expected + ", got " + got);
}

}  // namespace

RegistryClient::RegistryClient(HttpTransport& transport, Authenticator& auth, Endpoint endpoint,
                               std::string repository, bool push)
    : transport_(transport),
      auth_(auth),
      endpoint_(std::move(endpoint)),
      repository_(std::move(repository)),
      scope_("repository:" + repository_ + (push ? ":pull,push" : ":pull")) {}

std::string RegistryClient::Url(const std::string& path) const {
  return endpoint_.BaseUrl() + "/v2/" + repository_ + path;
}

StatusOr<HttpResponse> RegistryClient::Send(HttpRequest request) {
  const bool own_origin = OriginOf(request.url) == endpoint_.BaseUrl();
  for (int attempt = 0;; ++attempt) {
    HttpRequest sent = request;
    const std::string authorization = own_origin ? auth_.Authorization(scope_) : std::string();
    if (!authorization.empty()) sent.headers.emplace_back("Authorization", authorization);
    MB_ASSIGN_OR_RETURN(HttpResponse response, transport_.Send(sent));
    if (response.status != 401 || !own_origin || attempt > 0) return response;
    MB_RETURN_IF_ERROR(auth_.Answer(response, scope_));
  }
}

Status RegistryClient::Failure(const HttpRequest& request, const HttpResponse& response) const {
  std::string message = request.method + " " + request.url + ": HTTP " + std::to_string(response.status);
  nlohmann::json json = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (json.is_object() && json.contains("errors") && json["errors"].is_array()) {
    for (const nlohmann::json& error : json["errors"]) {
      if (!error.is_object()) continue;
      if (error.contains("code") && error["code"].is_string()) message += " " + error["code"].get<std::string>();
      if (error.contains("message") && error["message"].is_string()) {
        message += ": " + error["message"].get<std::string>();
      }
    }
  }
  switch (response.status) {
    case 401:
      return Status(StatusCode::kPermissionDenied, message + " (credentials missing or refused)");
    case 403:
      return Status(StatusCode::kPermissionDenied, message);
    case 404:
      return NotFound(message);
    default:
      return Unavailable(message);
  }
}

Status RegistryClient::Ping() {
  HttpRequest request;
  request.url = endpoint_.BaseUrl() + "/v2/";
  MB_ASSIGN_OR_RETURN(HttpResponse response, Send(request));
  if (response.status != 200) return Failure(request, response);
  return Status::Ok();
}

StatusOr<FetchedManifest> RegistryClient::GetManifest(const std::string& reference) {
  HttpRequest request;
  request.url = Url("/manifests/" + reference);
  std::string accept;
  for (std::string_view type : kManifestTypes) accept += (accept.empty() ? "" : ", ") + std::string(type);
  request.headers.emplace_back("Accept", accept);
  request.max_body = image::kMaxJsonBytes;
  StatusOr<HttpResponse> response = Send(request);
  if (!response.ok()) {
    if (response.status().code() == StatusCode::kResourceExhausted) {
      return ResourceExhausted("manifest " + reference + " of " + endpoint_.domain + "/" + repository_ +
                               " is larger than " + std::to_string(image::kMaxJsonBytes) + " bytes");
    }
    return response.status();
  }
  if (response->status != 200) return Failure(request, *response);
  FetchedManifest manifest;
  manifest.bytes = std::move(response->body);
  manifest.digest = Digest::Of(manifest.bytes);
  manifest.media_type = response->Header("content-type");
  manifest.media_type = manifest.media_type.substr(0, manifest.media_type.find(';'));
  const std::string what = "manifest " + endpoint_.domain + "/" + repository_ + ":" + reference;
  if (StatusOr<Digest> wanted = Digest::Parse(reference); wanted.ok() && *wanted != manifest.digest) {
    return Mismatch(what + " has the wrong digest", wanted->ToString(), manifest.digest.ToString());
  }
  if (const std::string header = response->Header("docker-content-digest"); !header.empty()) {
    StatusOr<Digest> claimed = Digest::Parse(header);
    if (!claimed.ok() || *claimed != manifest.digest) {
      return Mismatch(what + ": the Docker-Content-Digest header does not match the bytes", header,
                      manifest.digest.ToString());
    }
  }
  return manifest;
}

StatusOr<bool> RegistryClient::HasBlob(const Digest& digest) {
  HttpRequest request;
  request.method = "HEAD";
  request.url = Url("/blobs/" + digest.ToString());
  request.follow_redirects = true;  // some registries redirect blob HEADs to their storage too
  MB_ASSIGN_OR_RETURN(HttpResponse response, Send(request));
  if (response.status == 200) return true;
  if (response.status == 404) return false;
  return Failure(request, response);
}

StatusOr<cache::BlobInfo> RegistryClient::FetchBlob(const image::Descriptor& descriptor,
                                                    const cache::BlobStore& blobs) {
  if (descriptor.size < 0) return InvalidArgument("blob " + descriptor.digest.ToString() + " has a negative size");
  const uint64_t size = static_cast<uint64_t>(descriptor.size);
  MB_ASSIGN_OR_RETURN(cache::BlobWriter writer, blobs.BeginWrite());
  const std::string what = "blob " + descriptor.digest.ToString() + " of " + endpoint_.domain + "/" + repository_;
  HttpRequest request;
  request.url = Url("/blobs/" + descriptor.digest.ToString());
  request.follow_redirects = true;
  request.on_body = [&](std::string_view bytes) -> Status {
    if (writer.size() + bytes.size() > size) {
      return DataLoss(what + ": the registry sent more than the " + std::to_string(size) + " bytes of its descriptor");
    }
    return writer.Write(bytes);
  };
  MB_ASSIGN_OR_RETURN(HttpResponse response, Send(request));
  if (response.status != 200) return Failure(request, response);
  StatusOr<cache::BlobInfo> committed = writer.Commit(descriptor.digest, size);
  if (!committed.ok()) return committed.status().WithContext(what);
  return committed;
}

StatusOr<bool> RegistryClient::UploadBlob(const image::Descriptor& descriptor, const cache::BlobStore& blobs,
                                          const std::string& mount_from) {
  MB_ASSIGN_OR_RETURN(UniqueFd fd, blobs.OpenRead(descriptor.digest));
  MB_ASSIGN_OR_RETURN(uint64_t size, blobs.Size(descriptor.digest));
  HttpRequest start;
  start.method = "POST";
  start.url = Url("/blobs/uploads/");
  if (!mount_from.empty() && mount_from != repository_) {
    start.url = WithQuery(WithQuery(start.url, "mount", descriptor.digest.ToString()), "from", mount_from);
  }
  MB_ASSIGN_OR_RETURN(HttpResponse started, Send(start));
  if (started.status == 201 && start.url.find("?mount=") != std::string::npos) return true;
  if (started.status / 100 != 2) return Failure(start, started);  // 202 Accepted per the spec
  const std::string location = started.Header("location");
  if (location.empty()) return Unavailable("POST " + start.url + ": the registry sent no upload Location");
  HttpRequest put;
  put.method = "PUT";
  put.url = WithQuery(ResolveLocation(start.url, location), "digest", descriptor.digest.ToString());
  put.headers.emplace_back("Content-Type", "application/octet-stream");
  put.body_fd = fd.get();
  put.body_size = size;
  MB_ASSIGN_OR_RETURN(HttpResponse finished, Send(put));
  if (finished.status / 100 != 2) return Failure(put, finished);  // 201 Created per the spec
  return false;
}

StatusOr<Digest> RegistryClient::PutManifest(const std::string& tag, const std::string& media_type,
                                             const std::string& bytes) {
  HttpRequest request;
  request.method = "PUT";
  request.url = Url("/manifests/" + tag);
  request.headers.emplace_back("Content-Type", media_type);
  request.body = bytes;
  MB_ASSIGN_OR_RETURN(HttpResponse response, Send(request));
  if (response.status / 100 != 2) return Failure(request, response);
  const Digest digest = Digest::Of(bytes);
  if (const std::string header = response.Header("docker-content-digest"); !header.empty()) {
    if (header != digest.ToString()) {
      return Mismatch("PUT " + request.url + ": the registry stored another digest", digest.ToString(), header);
    }
  }
  return digest;
}

}  // namespace mybuild::registry
