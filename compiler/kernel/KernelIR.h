//===- compiler/kernel/KernelIR.h - loops, loads, stores, scalar bodies ---===//
///
/// The kernel IR both renderers consume. A KernelProgram is a list of buffers
/// and a schedule of kernels; a kernel is one of three shapes:
///   - Loop: one pass over a domain (the output shape); its body computes
///     every output at one domain point, so several outputs of the same shape
///     (a whole Adam update) share one loop;
///   - Reduction: a domain split into rows (outer dims) and a row's inner
///     dims; a row runs phases in order (sum or max accumulators, then map
///     phases that write over the row), then a row body on the row's scalars,
///     and optionally sums a row value over all rows (a loss mean);
///   - Contraction: C[m,n] = Σ_k A(m,k)·B(k,n), where A and B are bodies (the
///     prologue: loads with transposes folded into strides, plus elementwise
///     work) and an epilogue body over [m,n] reads the sum through `Acc`;
///     leading batch dims make it one such product per batch index, an
///     operand broadcast along a batch dim reading it with stride 0.
///
/// A body is straight-line SSA over scalars: loads through affine accesses
/// (offset + Σ stride·index over the kernel's domain dims, so broadcast and
/// transpose are index arithmetic, never copies), constants, domain indices
/// and arithmetic. The IR knows nothing of graph ops and nothing of LLVM; it
/// keeps the graph nodes a kernel came from only for printing.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/SourceLoc.h"
#include "compiler/ir/Type.h"
#include "initialisers/Init.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace voskhod::kernel {

// The graph's types, which the kernel IR shares; backends name them through
// kernel:: and need no header of compiler/ir.
using ir::DType;
using ir::dtypeBytes;
using ir::dtypeName;
using ir::isFloat;
using ir::Shape;
using ir::SourceLoc;
using ir::TensorType;

enum class BufferKind : uint8_t {
  Input,  // fed by the caller each call
  Param,  // trainable state, updated in place by the step
  State,  // optimiser slots and counters, updated in place
  Output, // results the caller reads after the call
  Const,  // values known at compile time, emitted into the module
  Temp,   // intermediate, lives in the arena
  Scratch // per-kernel workspace in the arena (row values of a loss mean)
};
std::string_view bufferKindName(BufferKind kind);
bool isExternal(BufferKind kind);

struct Buffer {
  int id = -1;
  std::string name;
  ir::TensorType type;
  BufferKind kind = BufferKind::Temp;
  InitSpec init;                   // Param and State
  std::vector<double> constValues; // Const
  /// Another buffer whose storage this one shares (a reshape view, an
  /// update written in place, a temporary reusing a dead input); -1 if none.
  int aliasOf = -1;
  bool isView = false; // a reshape: same bytes under another shape

  int64_t bytes() const {
    return type.numElements() * ir::dtypeBytes(type.dtype);
  }
};

/// Element `offset + Σ strides[d] * index[d]` of a buffer, one stride per
/// domain dim of the body that loads or stores it.
struct Access {
  int buffer = -1;
  int64_t offset = 0;
  std::vector<int64_t> strides;
  bool operator==(const Access &) const = default;
};

/// The scalar operations of a body, listed with their traits in ScalarOps.def.
enum class ScalarOp : uint8_t {
#define SCALAR_OP(Enum, Name, Arity, Cost, Transcendental, MathCall) Enum,
#include "compiler/kernel/ScalarOps.def"
};
std::string_view scalarOpName(ScalarOp op);
int scalarOpArity(ScalarOp op);
/// Per-element cost, as the fusion planner weighs recomputing it.
int scalarOpCost(ScalarOp op);
/// exp, log, tanh and friends: worth not recomputing.
bool isTranscendental(ScalarOp op);
/// A unary C math function that each renderer spells by scalarOpName.
bool isMathCall(ScalarOp op);

struct Inst {
  ScalarOp op;
  DType dtype; // the result type
  int args[3] = {-1, -1, -1};
  double constant = 0;
  int access = -1; // Load
  int dim = -1;    // Index, RowValue
};

/// Straight-line scalar code evaluated at one point of a domain.
struct Body {
  std::vector<Inst> insts;
  std::vector<Access> accesses;

  int add(Inst inst) {
    insts.push_back(inst);
    return int(insts.size()) - 1;
  }
};

struct Store {
  Access access;
  int value = -1;
};

enum class KernelKind : uint8_t { Loop, Reduction, Contraction };
std::string_view kernelKindName(KernelKind kind);

/// A Fold phase combines its body's value over the row into one value with
/// a binary scalar op; a Map phase stores a value per element.
enum class PhaseKind : uint8_t { Fold, Map };

/// Whether `op` can fold a row: binary, associative and with an identity
/// (add, mul, max, min). A reduction lowers to a Fold with one of them, so
/// a new reduction over these needs no kernel IR or renderer code.
bool isFoldCombine(ScalarOp op);
/// What folding with `combine` starts from: 0 for add, 1 for mul, the lowest
/// value of `t` for max (-inf, INT32_MIN), the highest for min.
double foldIdentity(ScalarOp combine, DType t);

/// One pass over a row's inner domain (domain dims: outer then inner).
struct Phase {
  PhaseKind kind = PhaseKind::Fold;
  ScalarOp combine = ScalarOp::Add; // Fold
  Body body;
  int value = -1;            // folded (Fold)
  std::vector<Store> stores; // written (Map)
};

/// The graph op a kernel computes part of, for printing.
struct FusedOp {
  std::string op;
  std::string name;
  ir::SourceLoc loc;
};

struct Kernel {
  KernelKind kind = KernelKind::Loop;
  std::string name;
  std::vector<FusedOp> fused;

  // Loop: the domain and one body storing every output.
  // Reduction: domain = outer dims ++ inner dims, numOuter of them outer.
  // Contraction: domain = batch dims ++ [M, N, K], numBatch of them batch.
  Shape domain;
  int numOuter = 0;
  int numBatch = 0;

  Body body; // Loop body; Reduction row body; Contraction epilogue
  std::vector<Store> stores; // of `body`

  std::vector<Phase> phases; // Reduction
  /// Reduction: row body value summed over all rows, times totalScale, into
  /// totalStore (a scalar); rows keep their values in totalScratch meanwhile
  /// so the sum runs in row order whatever the thread count.
  int totalValue = -1;
  double totalScale = 1;
  Access totalStore;
  int totalScratch = -1;

  /// Contraction operands over batch ++ [M, K] and batch ++ [K, N].
  Body a, b;
  int aValue = -1, bValue = -1;

  /// Buffers read and written, in first-use order (derived; see
  /// collectBufferUses).
  std::vector<int> reads, writes;
};

/// A placed buffer: where its storage starts in the arena.
struct Placement {
  int buffer = -1;
  int64_t offset = 0;
  int64_t bytes = 0;
  int firstKernel = 0, lastKernel = 0; // live range over the schedule
};

struct MemoryPlan {
  std::vector<Placement> placements; // arena buffers that own storage
  int64_t arenaBytes = 0;            // peak
  int64_t sumTempBytes = 0;          // every arena buffer on its own
  static constexpr int64_t kAlignment = 64;
};

struct KernelProgram {
  std::string name;
  std::vector<Buffer> buffers;
  std::vector<Kernel> kernels; // in execution order
  /// Buffers the caller sees, in order: inputs, params, states, outputs.
  std::vector<int> external;
  MemoryPlan memory;

  /// The buffer that owns `id`'s storage (follows aliasOf to its root).
  int storageOf(int id) const;
};

/// Fills kernel.reads and kernel.writes from its bodies.
void collectBufferUses(Kernel &k);

} // namespace voskhod::kernel
