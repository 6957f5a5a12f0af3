#include "base/status.h"

#include <ostream>

namespace hetong {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "OK";
    case StatusCode::kCancelled:
      return "CANCELLED";
    case StatusCode::kUnknown:
      return "UNKNOWN";
    case StatusCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case StatusCode::kDeadlineExceeded:
      return "DEADLINE_EXCEEDED";
    case StatusCode::kNotFound:
      return "NOT_FOUND";
    case StatusCode::kAlreadyExists:
      return "ALREADY_EXISTS";
    case StatusCode::kPermissionDenied:
      return "PERMISSION_DENIED";
    case StatusCode::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case StatusCode::kFailedPrecondition:
      return "FAILED_PRECONDITION";
    case StatusCode::kAborted:
      return "ABORTED";
    case StatusCode::kOutOfRange:
      return "OUT_OF_RANGE";
    case StatusCode::kUnimplemented:
      return "UNIMPLEMENTED";
    case StatusCode::kInternal:
      return "INTERNAL";
    case StatusCode::kUnavailable:
      return "UNAVAILABLE";
    case StatusCode::kDataLoss:
      return "DATA_LOSS";
    case StatusCode::kUnauthenticated:
      return "UNAUTHENTICATED";
  }
  return "UNKNOWN";
}

Status::Status(StatusCode code, std::string message)
    : code_(code), message_(code == StatusCode::kOk ? std::string() : std::move(message)) {}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(StatusCodeName(code_));
  if (!message_.empty()) {
    out += ": ";
    out += message_;
  }
  return out;
}

std::ostream& operator<<(std::ostream& os, const Status& status) { return os << status.ToString(); }

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string msg(context);
  if (!message_.empty()) {
    msg += ": ";
    msg += message_;
  }
  return Status(code_, std::move(msg));
}

#define HETONG_DEFINE_ERROR(Name, Code) \
  Status Name(std::string message) { return Status(StatusCode::Code, std::move(message)); }
HETONG_DEFINE_ERROR(CancelledError, kCancelled)
HETONG_DEFINE_ERROR(UnknownError, kUnknown)
HETONG_DEFINE_ERROR(InvalidArgumentError, kInvalidArgument)
HETONG_DEFINE_ERROR(DeadlineExceededError, kDeadlineExceeded)
HETONG_DEFINE_ERROR(NotFoundError, kNotFound)
HETONG_DEFINE_ERROR(AlreadyExistsError, kAlreadyExists)
HETONG_DEFINE_ERROR(PermissionDeniedError, kPermissionDenied)
HETONG_DEFINE_ERROR(ResourceExhaustedError, kResourceExhausted)
HETONG_DEFINE_ERROR(FailedPreconditionError, kFailedPrecondition)
HETONG_DEFINE_ERROR(AbortedError, kAborted)
HETONG_DEFINE_ERROR(OutOfRangeError, kOutOfRange)
HETONG_DEFINE_ERROR(UnimplementedError, kUnimplemented)
HETONG_DEFINE_ERROR(InternalError, kInternal)
HETONG_DEFINE_ERROR(UnavailableError, kUnavailable)
HETONG_DEFINE_ERROR(DataLossError, kDataLoss)
HETONG_DEFINE_ERROR(UnauthenticatedError, kUnauthenticated)
#undef HETONG_DEFINE_ERROR

namespace internal {
void CheckFailed(const char* file, int line, const char* condition, const char* message) {
  std::fprintf(stderr, "hetong: internal check failed at %s:%d: %s %s\n", file, line, condition,
               message);
  std::fflush(stderr);
  std::abort();
}
}  // namespace internal

}  // namespace hetong
