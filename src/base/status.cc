#include "src/base/status.h"

#include <cerrno>
#include <cstring>

namespace mybuild {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid argument";
    case StatusCode::kNotFound: return "not found";
    case StatusCode::kAlreadyExists: return "already exists";
    case StatusCode::kFailedPrecondition: return "failed precondition";
    case StatusCode::kPermissionDenied: return "permission denied";
    case StatusCode::kResourceExhausted: return "resource exhausted";
    case StatusCode::kDataLoss: return "data loss";
    case StatusCode::kCancelled: return "cancelled";
    case StatusCode::kUnimplemented: return "unimplemented";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kInternal: return "internal";
    case StatusCode::kIo: return "i/o error";
  }
  return "unknown";
}

std::string SourceLocation::ToString() const {
  std::string out = file.empty() ? "<input>" : file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return out;
}

Status Status::WithLocation(const SourceLocation& location) const {
  if (ok() || location_) return *this;
  return Status(code_, message_, location);
}

Status Status::WithContext(const std::string& context) const {
  if (ok()) return *this;
  return Status(code_, context + ": " + message_, location_);
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  if (location_) return location_->ToString() + ": " + message_;
  return message_;
}

Status InvalidArgument(std::string message, std::optional<SourceLocation> location) {
  return Status(StatusCode::kInvalidArgument, std::move(message), std::move(location));
}
Status NotFound(std::string message) { return Status(StatusCode::kNotFound, std::move(message)); }
Status AlreadyExists(std::string message) { return Status(StatusCode::kAlreadyExists, std::move(message)); }
Status FailedPrecondition(std::string message) {
  return Status(StatusCode::kFailedPrecondition, std::move(message));
}
Status ResourceExhausted(std::string message) {
  return Status(StatusCode::kResourceExhausted, std::move(message));
}
Status DataLoss(std::string message) { return Status(StatusCode::kDataLoss, std::move(message)); }
Status Internal(std::string message) { return Status(StatusCode::kInternal, std::move(message)); }
Status Unimplemented(std::string message) { return Status(StatusCode::kUnimplemented, std::move(message)); }
Status Unavailable(std::string message) { return Status(StatusCode::kUnavailable, std::move(message)); }
Status Cancelled(std::string message) { return Status(StatusCode::kCancelled, std::move(message)); }

Status ErrnoError(const std::string& what, int errno_value) {
  StatusCode code = StatusCode::kIo;
  if (errno_value == ENOENT) code = StatusCode::kNotFound;
  if (errno_value == EEXIST) code = StatusCode::kAlreadyExists;
  if (errno_value == EACCES || errno_value == EPERM) code = StatusCode::kPermissionDenied;
  return Status(code, what + ": " + std::strerror(errno_value));
}

Status ErrnoError(const std::string& what) { return ErrnoError(what, errno); }

}  // namespace mybuild
