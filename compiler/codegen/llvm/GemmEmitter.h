//===- compiler/codegen/llvm/GemmEmitter.h - packed GEMM in LLVM IR -------===//
///
/// Emits one LLVM function computing
///   C[m, n] = epilogue(C0[m, n] + sum_k prologueA(A[m, k]) * prologueB(B[k,
///   n]))
/// for static shapes, f32 or f64, where C0 is the old content of C when
/// `accumulate` is set and zero otherwise. The structure is BLIS's: the output
/// is cut into independent blocks run over the runtime thread pool; inside a
/// block, K is cut into KC slices, A and B slices are packed into
/// micro-panels (the prologues are applied while packing, transposes are
/// folded into the packing order), and an MR x NR register tile of vector
/// FMAs (`llvm.fma`) consumes them. Tiny products skip packing and use a
/// plain loop nest that the loop vectoriser handles.
///
/// Every output element is one sequential chain of fused multiply-adds over
/// k = 0 .. K-1 (starting from C0 or zero), whatever the path, the blocking
/// and the thread count: results are bitwise identical for any number of
/// threads, and equal to that scalar chain.
///
/// The block driver, the register tile and hook-free packing are emitted
/// once per module (per element type and register tile) with the sizes as
/// runtime arguments; each GEMM adds its entry and, where it has hooks, its
/// own packing and epilogue functions (see GemmEmitter.cpp).
///
/// Emitted function: `void NAME(ptr A, ptr B, ptr C, ptr extra0, ...)`, with
/// `numExtraArgs` trailing pointers the hooks may read (a bias, a ReLU mask).
/// A, B and C are `noalias`; extras must not alias C. Packing buffers come
/// from the runtime's per-thread scratch (`voskhod_thread_scratch`, see
/// runtime/ThreadPool.h), so the caller's memory plan needs no workspace; the
/// function also calls `voskhod_parallel_for`. Both symbols must resolve in
/// the JIT (see rt::threadPoolSymbols()).
///
/// Not done here: mixed precision, strided batches, and choosing the loop
/// order by the caller's layout beyond the two transpose flags.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/IR/IRBuilder.h"

#include <cstdint>
#include <functional>

namespace llvm {
class Function;
class Module;
} // namespace llvm

namespace voskhod::codegen {

enum class GemmElement { F32, F64 };

/// Where a hook's value lives. Coordinates are those of the matrix as stored
/// in memory (after transposition, i.e. A is [K, M] when transposeA is set):
/// element (row, col) of an operand with leading dimension ld sits at
/// `base + row * ld + col`, so a hook that reads another buffer of the same
/// layout "at the same index" loads there. Vector lanes are only known to
/// be element-aligned: hooks must load with the element's alignment, not the
/// vector type's.
struct GemmSite {
  /// i64 coordinates of lane 0.
  llvm::Value *row = nullptr;
  llvm::Value *col = nullptr;
  /// 1 for a scalar value; otherwise the vector's lane count.
  unsigned lanes = 1;
  /// Lanes advance along `col` (consecutive in memory) unless this is set,
  /// in which case they advance along `row` (stride ld).
  bool lanesAlongRow = false;
  /// The emitted function's extra pointer arguments, usable at the insertion
  /// point.
  llvm::ArrayRef<llvm::Value *> extras;
};

/// Emits IR at the builder's insertion point for an elementwise function of
/// `value` (a scalar or a vector of the element type, all lanes in bounds)
/// and returns the result, of the same type. Hooks are pure: they may be
/// called more than once per element (A is packed once per block of N) and
/// must not read C (it holds partial sums while the product is under way).
using GemmHook = std::function<llvm::Value *(
    llvm::IRBuilderBase &builder, llvm::Value *value, const GemmSite &site)>;

/// Blocking and vector shape. `forHost()` derives it from the host CPU; tests
/// pass explicit values to exercise edge paths.
struct GemmTuning {
  /// Vector register width in bits (512 with AVX-512, 256 with AVX2).
  unsigned vectorBits = 256;
  /// Register tile: mr rows by nrVectors vectors of columns.
  unsigned mr = 6;
  unsigned nrVectors = 2;
  /// Cache blocking in elements: KC (depth of one packed slice), MC (rows of
  /// A kept in L2), NC (columns of B per block).
  int64_t kc = 256;
  int64_t mc = 120;
  int64_t nc = 1024;
  /// Products with m * n * k below this take the unpacked loop nest.
  int64_t noPackBelow = 32 * 32 * 32;
  /// Target flop count of one parallel block; smaller products run as one
  /// block on the calling thread.
  int64_t flopsPerBlock = int64_t(1) << 25;

  /// Vector width from the host's CPU features; KC, MC and NC from the
  /// host's cache sizes (sysconf), with fixed defaults where unknown.
  static GemmTuning forHost(GemmElement element = GemmElement::F32);
};

struct GemmSpec {
  int64_t m = 0, n = 0, k = 0;
  GemmElement element = GemmElement::F32;
  /// A is stored [K, M] (resp. B is [N, K]) and read transposed.
  bool transposeA = false;
  bool transposeB = false;
  /// Leading dimensions of the stored matrices; 0 means dense (the stored
  /// row length).
  int64_t lda = 0, ldb = 0, ldc = 0;
  /// C0 = the old C (gradient sums) instead of zero.
  bool accumulate = false;
  /// Trailing pointer arguments handed to the hooks.
  unsigned numExtraArgs = 0;
  /// Empty hooks are the identity. The epilogue's site is in C, lanes along
  /// columns.
  GemmHook prologueA, prologueB, epilogue;
  GemmTuning tuning = GemmTuning::forHost();
};

/// Emits the function `name` into `module` (plus internal helpers named
/// `name.*`) and returns it. Shapes must be positive and leading dimensions
/// at least the stored row length (asserted: the kernel IR guarantees it).
llvm::Function *emitGemm(llvm::Module &module, llvm::StringRef name,
                         const GemmSpec &spec);

} // namespace voskhod::codegen
