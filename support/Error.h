//===- support/Error.h - Status and Expected<T> without exceptions --------===//
///
/// The ground floor for error passing. Neither the compiler nor the runtime
/// throws across module boundaries: a fallible call returns a `Status` (ok or
/// a message) or an `Expected<T>` (a value or a message). The message is the
/// user-facing text; callers that know a source location attach it when they
/// turn the error into a diagnostic. This header depends on nothing but the
/// standard library so that the runtime and a GPU-only build can share it.
///
/// Both types are `[[nodiscard]]`: an error nobody looks at is a bug. A call
/// whose failure truly does not matter says so with `(void)` and a comment.
/// `VOSKHOD_RETURN_IF_ERROR` and `VOSKHOD_ASSIGN_OR_RETURN` pass an error up
/// to the caller. A broken invariant inside voskhod is not an error value but
/// an internal check (support/InternalCheck.h).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "support/InternalCheck.h"

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace voskhod {

class [[nodiscard]] Status {
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
template <typename T> class [[nodiscard]] Expected {
public:
  Expected(T value) : state_(std::move(value)) {}
  Expected(Status error) : state_(std::move(error)) {
    VOSKHOD_CHECK(!std::get<Status>(state_).isOk())
        << "Expected built from an ok Status";
  }
  bool hasValue() const { return state_.index() == 0; }
  explicit operator bool() const { return hasValue(); }
  T &operator*() {
    VOSKHOD_CHECK(hasValue()) << "value of an Expected that holds an error";
    return std::get<T>(state_);
  }
  const T &operator*() const {
    VOSKHOD_CHECK(hasValue()) << "value of an Expected that holds an error";
    return std::get<T>(state_);
  }
  T *operator->() { return &**this; }
  const T *operator->() const { return &**this; }
  const Status &status() const {
    VOSKHOD_CHECK(!hasValue()) << "error of an Expected that holds a value";
    return std::get<Status>(state_);
  }
  const std::string &message() const { return status().message(); }
  T take() {
    VOSKHOD_CHECK(hasValue()) << "value of an Expected that holds an error";
    return std::move(std::get<T>(state_));
  }

private:
  std::variant<T, Status> state_;
};

inline Status makeError(std::string message) {
  return Status::error(std::move(message));
}

namespace detail {
// The error a VOSKHOD_RETURN_IF_ERROR operand carries, moved out when the
// operand is a temporary.
inline Status errorOf(const Status &s) { return s; }
inline Status errorOf(Status &&s) { return std::move(s); }
template <typename T> Status errorOf(const Expected<T> &e) {
  return e.status();
}
} // namespace detail

} // namespace voskhod

#define VOSKHOD_CONCAT_IMPL(a, b) a##b
#define VOSKHOD_CONCAT(a, b) VOSKHOD_CONCAT_IMPL(a, b)

/// Returns the error from the enclosing function when the operand, a `Status`
/// or an `Expected<T>`, holds one; the enclosing function returns `Status`
/// or any `Expected<U>`. An `Expected` lvalue stays usable afterwards:
///   auto program = lowerToKernels(g);
///   VOSKHOD_RETURN_IF_ERROR(program);
///   use(*program);
#define VOSKHOD_RETURN_IF_ERROR(...)                                           \
  do {                                                                         \
    auto &&voskhod_result_ = (__VA_ARGS__);                                    \
    if (!voskhod_result_)                                                      \
      return ::voskhod::detail::errorOf(                                       \
          std::forward<decltype(voskhod_result_)>(voskhod_result_));           \
  } while (false)

/// Evaluates an `Expected<T>`; on error returns it from the enclosing
/// function, otherwise moves the value into `lhs`, which may declare a
/// variable: `VOSKHOD_ASSIGN_OR_RETURN(auto bytes, readFileBytes(path));`.
/// Expands to several statements, so it cannot be the body of an unbraced
/// `if`.
#define VOSKHOD_ASSIGN_OR_RETURN(lhs, ...)                                     \
  VOSKHOD_ASSIGN_OR_RETURN_IMPL(                                               \
      VOSKHOD_CONCAT(voskhod_expected_, __COUNTER__), lhs, __VA_ARGS__)
#define VOSKHOD_ASSIGN_OR_RETURN_IMPL(tmp, lhs, ...)                           \
  auto tmp = (__VA_ARGS__);                                                    \
  if (!tmp)                                                                    \
    return tmp.status();                                                       \
  lhs = tmp.take()
