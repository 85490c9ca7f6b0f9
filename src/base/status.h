// Errors as values. A Status is either OK or carries a code, a message and, where the error comes from
// user input, the Dockerfile location it refers to. StatusOr<T> is a T or a non-OK Status.
// Exceptions never cross a module boundary: code that calls a throwing library converts at the call.
#ifndef MYBUILD_BASE_STATUS_H_
#define MYBUILD_BASE_STATUS_H_

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "src/base/source_location.h"

namespace mybuild {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad user input: a Dockerfile, a flag, an archive
  kNotFound,            // a file, image, stage or blob that does not exist
  kAlreadyExists,
  kFailedPrecondition,  // the state does not allow the operation (e.g. a missing privilege)
  kPermissionDenied,
  kResourceExhausted,   // a bound was hit (size, count, depth)
  kDataLoss,            // a digest or size mismatch, a corrupt store entry
  kCancelled,
  kUnimplemented,
  kUnavailable,         // a network peer or service could not be reached
  kInternal,
  kIo,                  // a system call failed
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message, std::optional<SourceLocation> location = std::nullopt)
      : code_(code), message_(std::move(message)), location_(std::move(location)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::optional<SourceLocation>& location() const { return location_; }

  // Returns a copy with a location attached (kept if one is already set: the innermost wins).
  Status WithLocation(const SourceLocation& location) const;
  // Returns a copy whose message is "context: message".
  Status WithContext(const std::string& context) const;

  // "FILE:LINE:COL: message" when located, else "message".
  std::string ToString() const;

  // Marks an error as deliberately ignored.
  void IgnoreError() const {}

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::optional<SourceLocation> location_;
};

// Builders for the common codes.
Status InvalidArgument(std::string message, std::optional<SourceLocation> location = std::nullopt);
Status NotFound(std::string message);
Status AlreadyExists(std::string message);
Status FailedPrecondition(std::string message);
Status ResourceExhausted(std::string message);
Status DataLoss(std::string message);
Status Internal(std::string message);
Status Unimplemented(std::string message);
Status Unavailable(std::string message);
Status Cancelled(std::string message);
// An error from a system call: "what: strerror(errno)". `what` names the syscall and the path.
Status ErrnoError(const std::string& what, int errno_value);
Status ErrnoError(const std::string& what);  // uses the current errno

template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  StatusOr(Status status) : value_(std::move(status)) {  // NOLINT
    if (std::get<Status>(value_).ok()) value_ = Status(StatusCode::kInternal, "StatusOr made from OK");
  }

  bool ok() const { return std::holds_alternative<T>(value_); }
  Status status() const { return ok() ? Status() : std::get<Status>(value_); }

  T& value() & { return std::get<T>(value_); }
  const T& value() const& { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<Status, T> value_;
};

}  // namespace mybuild

#define MB_CONCAT_INNER_(a, b) a##b
#define MB_CONCAT_(a, b) MB_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function when `expr` is not OK.
#define MB_RETURN_IF_ERROR(expr)                  \
  do {                                            \
    ::mybuild::Status mb_status_ = (expr);        \
    if (!mb_status_.ok()) return mb_status_;      \
  } while (0)

// `lhs` = the value of the StatusOr `expr`, or returns its Status.
#define MB_ASSIGN_OR_RETURN(lhs, expr) \
  MB_ASSIGN_OR_RETURN_IMPL_(MB_CONCAT_(mb_statusor_, __LINE__), lhs, expr)
#define MB_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

#endif  // MYBUILD_BASE_STATUS_H_
