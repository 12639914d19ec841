//===- support/Error.h - Status and Expected<T> without exceptions --------===//
///
/// The ground floor for error passing. Neither the compiler nor the runtime
/// throws across module boundaries: a fallible call returns a `Status` (ok or
/// a message) or an `Expected<T>` (a value or a message). The message is the
/// user-facing text; callers that know a source location attach it when they
/// turn the error into a diagnostic. This header depends on nothing but the
/// standard library so that the runtime and a GPU-only build can share it.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace voskhod {

class Status {
public:
  Status() = default;
  static Status ok() { return Status(); }
  static Status error(std::string message) {
    Status s;
    s.message_ = std::move(message);
    s.failed_ = true;
    return s;
  }
  bool isOk() const { return !failed_; }
  explicit operator bool() const { return !failed_; }
  const std::string &message() const { return message_; }

private:
  std::string message_;
  bool failed_ = false;
};

/// A value or the message saying why there is none.
template <typename T> class Expected {
public:
  Expected(T value) : state_(std::move(value)) {}
  Expected(Status error) : state_(std::move(error)) {
    assert(!std::get<Status>(state_).isOk() && "Expected built from ok Status");
  }
  bool hasValue() const { return state_.index() == 0; }
  explicit operator bool() const { return hasValue(); }
  T &operator*() {
    assert(hasValue());
    return std::get<T>(state_);
  }
  const T &operator*() const {
    assert(hasValue());
    return std::get<T>(state_);
  }
  T *operator->() { return &**this; }
  const T *operator->() const { return &**this; }
  const Status &status() const {
    assert(!hasValue());
    return std::get<Status>(state_);
  }
  const std::string &message() const { return status().message(); }
  T take() { return std::move(std::get<T>(state_)); }

private:
  std::variant<T, Status> state_;
};

inline Status makeError(std::string message) {
  return Status::error(std::move(message));
}

} // namespace voskhod
