//===- compiler/codegen/llvm/ScheduleTable.h - an entry driven by data ----===//
///
/// A program's entry can call its kernels in one straight line of code, or
/// run them from a table. The straight line lets the optimiser inline small
/// kernels with constant bounds, but its machine code grows with the number
/// of kernels: at 10^5 graph nodes the code generator spends minutes on one
/// function. The table entry is a fixed loop over constant data: for each
/// scheduled launch it gathers the argument addresses into an array, calls
/// the launch function with it, and, with --check-numerics, hands the
/// buffers it wrote to the runtime's check, stopping at the first NaN or
/// infinity. Repeated kernels share one
/// launch function, so the machine code grows with the number of distinct
/// kernels and the table with the schedule, as data, which costs the code
/// generator almost nothing; so do the checks, whose strings (kernel
/// descriptions, buffer names) sit in one character array.
///
/// An argument's address is one of: a constant global; the caller's
/// externals[slot]; or arena + offset (the entry's two arguments, as in
/// KernelRenderer.h).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace llvm {
class Constant;
class Function;
} // namespace llvm

namespace voskhod::codegen {

struct ArgumentRef {
  llvm::Constant *global = nullptr; // a constant buffer, or null
  int64_t externalSlot = -1;        // externals[slot], or -1
  int64_t arenaOffset = 0;          // otherwise arena + offset
};

/// A buffer --check-numerics scans after the launch: argument `position`,
/// `elements` floats or doubles, named `name` in the report.
struct CheckedArgument {
  int position = 0;
  int64_t elements = 0;
  bool isF64 = false;
  std::string name;
};

struct ScheduledLaunch {
  /// `void (ptr args)`: runs one kernel on the addresses in args.
  llvm::Function *launch = nullptr;
  std::vector<ArgumentRef> args;
  /// With --check-numerics: what to hand voskhod_check_finite after the
  /// launch (runtime/NumericsCheck.h), and the kernel's description for
  /// its report; the entry stops at the first fault.
  std::vector<CheckedArgument> checks;
  std::string what;
};

/// Fills the empty `entry`, `void (ptr externals, ptr arena)`, with the loop
/// over `launches`; the tables are private globals named after `prefix`.
void emitScheduleTable(llvm::Function &entry,
                       llvm::ArrayRef<ScheduledLaunch> launches,
                       llvm::StringRef prefix);

} // namespace voskhod::codegen
