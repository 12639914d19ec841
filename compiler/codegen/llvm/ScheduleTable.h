//===- compiler/codegen/llvm/ScheduleTable.h - an entry driven by data ----===//
///
/// A program's entry can call its kernels in one straight line of code, or
/// run them from a table. The straight line lets the optimiser inline small
/// kernels with constant bounds, but its machine code grows with the number
/// of kernels: at 10^5 graph nodes the code generator spends minutes on one
/// function. The table entry is a fixed loop over constant data: for each
/// scheduled launch it gathers the argument addresses into an array, calls
/// the launch function with it, and, if the launch has one, a numerics check
/// that stops the entry when it returns nonzero. Repeated kernels share one
/// launch function, so the machine code grows with the number of distinct
/// kernels and the table with the schedule, as data, which costs the code
/// generator almost nothing.
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

struct ScheduledLaunch {
  /// `void (ptr args)`: runs one kernel on the addresses in args.
  llvm::Function *launch = nullptr;
  /// `i32 (ptr args)` or null: nonzero stops the entry (a NaN found).
  llvm::Function *check = nullptr;
  std::vector<ArgumentRef> args;
};

/// Fills the empty `entry`, `void (ptr externals, ptr arena)`, with the loop
/// over `launches`; the tables are private globals named after `prefix`.
void emitScheduleTable(llvm::Function &entry,
                       llvm::ArrayRef<ScheduledLaunch> launches,
                       llvm::StringRef prefix);

} // namespace voskhod::codegen
