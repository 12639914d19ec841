//===- compiler/codegen/llvm/KernelRenderer.h - kernel IR to LLVM IR ------===//
///
/// Renders a KernelProgram as LLVM IR: internal functions per kernel and
/// one exported entry `void NAME(ptr externals, ptr arena)` that runs them in
/// schedule order. `externals[i]` is the storage of program.external[i];
/// temporaries live at their memory-plan offsets in `arena`; constants are
/// private globals.
///
/// Each kernel becomes a launch function `void (ptr args)`, whose `args` are
/// the addresses of its storages (kernel/KernelSignature.h): kernels with
/// equal signatures share one, so a deep model's repeated layers are
/// rendered once. A program of up to `maxInlineKernels` kernels gets a
/// straight-line entry that calls each launch, marked alwaysinline; a larger
/// one gets an entry that runs the launches from a constant table
/// (ScheduleTable.h), so its code stays the size of its distinct kernels.
///
/// A launch calls the kernel's body, a function of `noalias` pointers (one
/// per distinct storage, so an in-place update passes its buffer once) and
/// of the range of its outermost loop; it splits that range over the
/// runtime's `voskhod_parallel_for` in chunks fixed by the shape alone, so
/// results do not depend on the thread count. Trip counts are constants;
/// domain dims that are contiguous in every access are collapsed so the
/// innermost loop is long and unit-stride, which the loop vectoriser widens
/// to the target's vectors. Only reduction accumulators carry a fast-math
/// flag (`reassoc`), so nothing else is reordered. Transcendentals come from
/// VectorMath, contractions from GemmEmitter.
///
/// It does not optimise (the JIT's transform layer or emitModule does) and
/// does not know about graph ops.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/kernel/KernelIR.h"

#include "llvm/ADT/StringRef.h"

#include <cstddef>

namespace llvm {
class Function;
class Module;
} // namespace llvm

namespace voskhod::codegen {

struct RenderOptions {
  /// Widest vector register in bits, for the `prefer-vector-width` hint.
  unsigned vectorBits = 256;
  /// Use the packed GEMM for contractions (a plain loop nest otherwise).
  bool packedGemm = true;
  /// After each kernel, call voskhod_check_finite on what it wrote and
  /// return at the first NaN or infinity (runtime/NumericsCheck.h).
  bool checkNumerics = false;
  /// Above this many kernels the entry runs them from a table: a straight
  /// line of calls inlines small kernels with constant bounds, but its
  /// machine code grows with the schedule (about 1 ms of code generation a
  /// kernel).
  size_t maxInlineKernels = 256;
};

llvm::Function *renderProgram(llvm::Module &module,
                              const kernel::KernelProgram &program,
                              llvm::StringRef entryName,
                              const RenderOptions &options);

} // namespace voskhod::codegen
