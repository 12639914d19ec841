//===- runtime/NumericsCheck.h - stop at the first NaN or infinity --------===//
///
/// What `voskhod train --check-numerics` calls between kernels. A step
/// compiled with the check calls `voskhod_check_finite` on every floating-
/// point buffer a kernel wrote, right after the kernel; the first value
/// that is NaN or infinite is recorded with the kernel's description (which
/// the compiler wrote into the module: the kernel's name and the graph ops
/// fused into it with their source lines), and the step returns at once,
/// so the record names the kernel that produced the value, not one that
/// merely passed it on. The executable then turns the record into an error.
///
/// Records are per thread: the entry calls the check from the thread that
/// called the step, so concurrent steps on other threads do not mix. A step
/// compiled without the check calls nothing here and pays nothing.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/ThreadPool.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace voskhod::rt {

struct NumericsFault {
  std::string kernel; // the description the compiler embedded
  std::string buffer; // the buffer written, as the compiler named it
  int64_t element = 0;
  double value = 0;

  /// "kernel ... wrote nan to %t3[17]".
  std::string message() const;
};

/// The first fault since the last call, which it clears.
std::optional<NumericsFault> takeNumericsFault();

/// `voskhod_check_finite`, for a JIT to define in its symbol table.
std::span<const RuntimeSymbol> numericsCheckSymbols();

} // namespace voskhod::rt

extern "C" {
/// Scans `count` values at `data` (`isF64`: double, else float). Returns 0
/// when all are finite; otherwise records the first fault of this thread
/// (if none is pending) and returns 1.
int32_t voskhod_check_finite(const char *kernel, const char *buffer,
                             const void *data, int64_t count, int32_t isF64);
}
