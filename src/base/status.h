// Status and StatusOr<T>: the error vocabulary of hetong, modelled on Abseil.
//
// A Status is a canonical code plus a message meant for people. The message never carries
// secret material or raw hostile input: callers describe what failed and what to do, not
// the bytes they received. No exceptions cross a module boundary; functions that can fail
// return Status or StatusOr<T>.
//
// Thread-safety: values; immutable after construction.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <iosfwd>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace hetong {

// Canonical codes, numerically equal to the gRPC/Abseil codes.
enum class StatusCode : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
};

// "INVALID_ARGUMENT" etc.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "INVALID_ARGUMENT: message" (or "OK").
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>"; OK stays OK.
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

std::ostream& operator<<(std::ostream& os, const Status& status);

inline Status OkStatus() { return Status(); }
Status CancelledError(std::string message);
Status UnknownError(std::string message);
Status InvalidArgumentError(std::string message);
Status DeadlineExceededError(std::string message);
Status NotFoundError(std::string message);
Status AlreadyExistsError(std::string message);
Status PermissionDeniedError(std::string message);
Status ResourceExhaustedError(std::string message);
Status FailedPreconditionError(std::string message);
Status AbortedError(std::string message);
Status OutOfRangeError(std::string message);
Status UnimplementedError(std::string message);
Status InternalError(std::string message);
Status UnavailableError(std::string message);
Status DataLossError(std::string message);
Status UnauthenticatedError(std::string message);

namespace internal {
[[noreturn]] void CheckFailed(const char* file, int line, const char* condition,
                              const char* message);
}  // namespace internal

// StatusOr<T> holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] StatusOr {
  static_assert(!std::is_same_v<std::decay_t<T>, Status>, "StatusOr<Status> is not allowed");

 public:
  StatusOr(const Status& status) : rep_(status) { CheckNotOk(); }        // NOLINT: implicit
  StatusOr(Status&& status) : rep_(std::move(status)) { CheckNotOk(); }  // NOLINT
  StatusOr(const T& value) : rep_(value) {}                              // NOLINT
  StatusOr(T&& value) : rep_(std::move(value)) {}                        // NOLINT
  template <typename U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, Status> &&
           !std::is_same_v<std::decay_t<U>, StatusOr<T>> && !std::is_same_v<std::decay_t<U>, T>)
      StatusOr(U&& value)
      : rep_(std::in_place_index<1>, std::forward<U>(value)) {}  // NOLINT

  bool ok() const { return rep_.index() == 1; }
  Status status() const { return ok() ? OkStatus() : std::get<0>(rep_); }

  const T& value() const& {
    CheckOk();
    return std::get<1>(rep_);
  }
  T& value() & {
    CheckOk();
    return std::get<1>(rep_);
  }
  T&& value() && {
    CheckOk();
    return std::get<1>(std::move(rep_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<1>(rep_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  void CheckNotOk() const {
    if (std::get<0>(rep_).ok()) {
      internal::CheckFailed(__FILE__, __LINE__, "!status.ok()",
                            "StatusOr constructed from an OK Status");
    }
  }
  void CheckOk() const {
    if (!ok()) {
      internal::CheckFailed(__FILE__, __LINE__, "ok()", std::get<0>(rep_).ToString().c_str());
    }
  }
  std::variant<Status, T> rep_;
};

}  // namespace hetong

#define HETONG_STATUS_CONCAT_INNER(a, b) a##b
#define HETONG_STATUS_CONCAT(a, b) HETONG_STATUS_CONCAT_INNER(a, b)

// Returns from the enclosing function when `expr` (a Status) is not OK.
#define HETONG_RETURN_IF_ERROR(expr)                         \
  do {                                                       \
    ::hetong::Status hetong_status_tmp_ = (expr);            \
    if (!hetong_status_tmp_.ok()) return hetong_status_tmp_; \
  } while (false)

// `lhs = value of expr` (a StatusOr), or returns its Status from the enclosing function.
#define HETONG_ASSIGN_OR_RETURN(lhs, expr) \
  HETONG_ASSIGN_OR_RETURN_IMPL(HETONG_STATUS_CONCAT(hetong_statusor_, __LINE__), lhs, expr)
#define HETONG_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()

// Aborts the process when an internal invariant is broken. Never use on input.
#define HETONG_CHECK(cond)                                                       \
  do {                                                                           \
    if (!(cond)) ::hetong::internal::CheckFailed(__FILE__, __LINE__, #cond, ""); \
  } while (false)
