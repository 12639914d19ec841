//===- support/InternalCheck.h - always-on checks of internal invariants --===//
///
/// `VOSKHOD_CHECK(cond) << "message"` states something the compiler or the
/// runtime believes can never be false whatever the user wrote. When it is
/// false that is a bug in voskhod, not in the user's input, so it prints
///
///   internal compiler error: <message> (in <component>, at <subject>)
///   check 'cond' failed at <file>:<line>
///
/// to stderr and aborts. Unlike `assert` it stays in every build type, NDEBUG
/// or not. Bad user input must never reach one: that is a diagnostic with a
/// source location (compiler/ir/Diagnostics.h) or an error `Status`
/// (support/Error.h).
///
/// What the compiler was doing comes from a scoped stack of
/// `InternalContext`s, one per thread: a pass or a lowering step opens
/// `InternalContext ctx("FusionPlanner")` and points it at the node or kernel
/// it is working on with `ctx.setSubject(node, ir::describeNode)`. A frame is
/// two pointers and the subject is described only when a check fails, so a
/// context per node costs a few stores. Checks belong at boundaries (a
/// function's entry, once per kernel or tensor), never in per-element loops:
/// a passing check is one predictable branch, and that is still a branch.
///
/// It deliberately does not throw, does not recover, and does not format its
/// message through iostreams: the header is included nearly everywhere.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>

namespace voskhod {

/// One frame of "what was being done": a component (a pass, a lowering step,
/// a backend) and optionally the thing it is working on.
class InternalContext {
public:
  explicit InternalContext(std::string_view component)
      : component_(component), outer_(innermost_) {
    innermost_ = this;
  }
  InternalContext(std::string_view component, std::string_view subject)
      : InternalContext(component) {
    setSubject(subject);
  }
  template <typename T>
  InternalContext(std::string_view component, const T *subject,
                  std::string (*describe)(const T *))
      : InternalContext(component) {
    setSubject(subject, describe);
  }
  template <typename T>
  InternalContext(std::string_view component, const T &subject,
                  std::string (*describe)(const T &))
      : InternalContext(component) {
    setSubject(subject, describe);
  }
  InternalContext(const InternalContext &) = delete;
  InternalContext &operator=(const InternalContext &) = delete;
  ~InternalContext() { innermost_ = outer_; }

  /// The subject as text that outlives the context (a node's name, say).
  void setSubject(std::string_view text) {
    text_ = text;
    object_ = nullptr;
  }
  /// The subject as an object, described by `describe` only on failure.
  template <typename T>
  void setSubject(const T *object, std::string (*describe)(const T *)) {
    object_ = object;
    describe_ = reinterpret_cast<void (*)()>(describe);
    call_ = [](const void *o, void (*f)()) {
      return reinterpret_cast<std::string (*)(const T *)>(f)(
          static_cast<const T *>(o));
    };
  }
  template <typename T>
  void setSubject(const T &object, std::string (*describe)(const T &)) {
    object_ = &object;
    describe_ = reinterpret_cast<void (*)()>(describe);
    call_ = [](const void *o, void (*f)()) {
      return reinterpret_cast<std::string (*)(const T &)>(f)(
          *static_cast<const T *>(o));
    };
  }

  std::string_view component() const { return component_; }
  /// Empty when no subject is set.
  std::string subject() const {
    return object_ ? call_(object_, describe_) : std::string(text_);
  }
  const InternalContext *outer() const { return outer_; }
  static const InternalContext *innermost() { return innermost_; }

private:
  std::string_view component_;
  std::string_view text_;
  const void *object_ = nullptr;
  void (*describe_)() = nullptr;
  std::string (*call_)(const void *, void (*)()) = nullptr;
  const InternalContext *outer_;
  static inline thread_local const InternalContext *innermost_ = nullptr;
};

namespace detail {

/// Prints the report for a failed check and aborts.
[[noreturn, gnu::cold, gnu::noinline]] inline void
internalError(const char *file, int line, const char *condition,
              std::string_view message) {
  std::string report = "internal compiler error: ";
  report +=
      message.empty() ? std::string_view("internal check failed") : message;
  if (const InternalContext *c = InternalContext::innermost()) {
    report += " (in ";
    report += c->component();
    std::string subject = c->subject();
    if (!subject.empty())
      report += ", at " + subject;
    report += ")";
  }
  report += "\n";
  // Outer frames say how the innermost one was reached.
  if (const InternalContext *c = InternalContext::innermost())
    for (c = c->outer(); c; c = c->outer()) {
      report += "  within ";
      report += c->component();
      std::string subject = c->subject();
      if (!subject.empty())
        report += ", at " + subject;
      report += "\n";
    }
  if (condition)
    report += std::string("check '") + condition + "' failed at ";
  else
    report += "reached at ";
  report += std::string(file) + ":" + std::to_string(line) + "\n";
  std::fputs(report.c_str(), stderr);
  std::fflush(stderr);
  std::abort();
}

/// Collects the `<<` message of a failed check; its destructor reports.
class InternalCheckFailure {
public:
  InternalCheckFailure(const char *file, int line, const char *condition)
      : file_(file), line_(line), condition_(condition) {}
  InternalCheckFailure(const InternalCheckFailure &) = delete;
  [[noreturn]] ~InternalCheckFailure() {
    internalError(file_, line_, condition_, message_);
  }

  InternalCheckFailure &operator<<(std::string_view text) {
    message_ += text;
    return *this;
  }
  InternalCheckFailure &operator<<(const char *text) {
    message_ += text;
    return *this;
  }
  InternalCheckFailure &operator<<(const std::string &text) {
    message_ += text;
    return *this;
  }
  InternalCheckFailure &operator<<(char c) {
    message_ += c;
    return *this;
  }
  template <typename T, typename = std::enable_if_t<std::is_arithmetic_v<T>>>
  InternalCheckFailure &operator<<(T value) {
    message_ += std::to_string(value);
    return *this;
  }

private:
  const char *file_;
  int line_;
  const char *condition_;
  std::string message_;
};

} // namespace detail
} // namespace voskhod

/// Aborts with an internal compiler error when `cond` is false; stream the
/// message into it: `VOSKHOD_CHECK(i < n) << "index past the end"`. The
/// message is built only when the check fails. `while` rather than `if` so
/// that the macro cannot capture a following `else`; the failure's destructor
/// never returns, so the loop body runs at most once.
#define VOSKHOD_CHECK(cond)                                                    \
  while (__builtin_expect(!static_cast<bool>(cond), 0))                        \
  ::voskhod::detail::InternalCheckFailure(__FILE__, __LINE__, #cond)

/// A point the code must never reach, as an expression that does not return.
#define VOSKHOD_UNREACHABLE(message)                                           \
  ::voskhod::detail::internalError(__FILE__, __LINE__, nullptr, message)
