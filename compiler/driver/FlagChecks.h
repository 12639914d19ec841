//===- compiler/driver/FlagChecks.h - numeric flag values, checked --------===//
///
/// Validators for numeric flags that say in words what a flag takes. CLI11's
/// own range checks accept `nan`, wrap `-1` into a huge unsigned seed, read
/// `1e23` steps as "forever" and print DBL_MAX in their messages; these look
/// at the text the user typed before it is converted:
///   --steps 1e23   →  --steps: expected a whole number from 0 to
///                     1000000000000, got '1e23'
/// They deliberately accept only plain decimal (no hex, no exponent) for
/// whole numbers, since a count written any other way is far more likely a
/// slip than an intent.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace voskhod::driver {

/// A whole number in [lo, hi], plain decimal.
inline CLI::Validator wholeNumber(uint64_t lo, uint64_t hi) {
  return CLI::Validator(
      [lo, hi](std::string &text) -> std::string {
        std::string why = "expected a whole number from " + std::to_string(lo) +
                          " to " + std::to_string(hi) + ", got '" + text + "'";
        if (text.empty() || text.size() > 20 ||
            text.find_first_not_of("0123456789") != std::string::npos)
          return why;
        errno = 0;
        unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
        if (errno == ERANGE || v < lo || v > hi)
          return why;
        return "";
      },
      "INT");
}

/// A finite number greater than zero.
inline CLI::Validator positiveNumber() {
  return CLI::Validator(
      [](std::string &text) -> std::string {
        char *end = nullptr;
        errno = 0;
        double v = std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0' || errno == ERANGE ||
            !std::isfinite(v) || v <= 0)
          return "expected a finite number greater than 0, got '" + text + "'";
        return "";
      },
      "NUMBER");
}

/// A finite number, 0 or greater.
inline CLI::Validator nonNegativeNumber() {
  return CLI::Validator(
      [](std::string &text) -> std::string {
        char *end = nullptr;
        errno = 0;
        double v = std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0' || errno == ERANGE ||
            !std::isfinite(v) || v < 0)
          return "expected a finite number of at least 0, got '" + text + "'";
        return "";
      },
      "NUMBER");
}

/// Threads for the CPU backend: 0 (all cores) up to a pool size that any
/// machine can create.
inline constexpr uint64_t kMaxThreadsFlag = 1024;

} // namespace voskhod::driver
