// Status and Result<T>: errors as values (leveldb's Status), shared by fs/,
// migration/ and harness/. This is the one primitive they share; it carries
// an errno-style code so that the FUSE edge can reply with it directly.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace dioh {

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  static Status Ok() { return Status(); }
  // `code` is a positive errno value (EINVAL, EIO, ...); 0 is not an error.
  static Status Error(int code, std::string message) {
    assert(code > 0);
    return Status(code, std::move(message));
  }

  bool ok() const { return code_ == 0; }
  int code() const { return code_; }
  const std::string& message() const { return message_; }
  // "OK", or the message followed by the errno name, e.g. "bad profile (EINVAL)".
  std::string ToString() const;

  // Prefixes the message with context: "open /x: " + message.
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  Status(int code, std::string message) : code_(code), message_(std::move(message)) {}
  int code_ = 0;
  std::string message_;
};

// The one errno-to-Status helper of every part: what failed and why, e.g.
// ErrnoStatus(errno, "open /x") is "open /x: No such file or directory" with
// code ENOENT. An `error` of 0 (a call that failed without setting errno) is
// reported as EIO: a failure never becomes an OK Status.
Status ErrnoStatus(int error, std::string_view what);

// A value or the Status that explains its absence.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(state_).ok() && "a Result holding a Status must hold an error");
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(state_);
  }
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> state_;
};

// Returns early from the enclosing function if `expr` (a Status) is an error.
#define DIOH_RETURN_IF_ERROR(expr)            \
  do {                                        \
    ::dioh::Status dioh_status_ = (expr);     \
    if (!dioh_status_.ok()) return dioh_status_; \
  } while (0)

}  // namespace dioh
