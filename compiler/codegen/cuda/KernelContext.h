//===- compiler/codegen/cuda/KernelContext.h - one kernel's C++ pieces ----===//
///
/// What every CUDA kernel shape (loop, reduction, contraction) renders the
/// same way: its signature, one `__restrict__` pointer per storage it touches
/// (an in-place update passes its buffer once; storages it only reads are
/// `const`), the launch arguments that fill those pointers, the integer type
/// its index arithmetic needs, and its scalar bodies evaluated at a point of
/// the domain, optionally for several consecutive lanes at once with
/// `float4`-style loads and stores where the access is contiguous and
/// aligned.
///
/// Only the instructions a body's results need are rendered (NVRTC would
/// warn about the others). The shape-specific code (loops, thread mapping,
/// reductions, tiling) lives in CudaRenderer.cpp and CudaGemm.cpp.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/codegen/cuda/CudaText.h"
#include "compiler/kernel/KernelIR.h"
#include "runtime/cuda/LaunchPlan.h"

#include <string>
#include <vector>

namespace voskhod::cuda {

/// Where a body is evaluated.
struct Point {
  /// Index expression of each domain dim; empty means 0 (a dim folded into
  /// a collapsed neighbour, or absent at this point).
  std::vector<std::string> dimIndex;
  /// Lanes advance by one along this domain dim (-1: a single lane). The
  /// lane-0 index along it is a multiple of `lanes`.
  int laneDim = -1;
  unsigned lanes = 1;
  /// Names of the row values (reduction phases), by phase.
  std::vector<std::string> rowValues;
  /// The contraction sum, per lane.
  std::vector<std::string> acc;
};

/// A rendered body's values: names[inst][lane]; empty for dead insts.
using BodyValues = std::vector<std::vector<std::string>>;

/// What every kernel of a program needs to know about the program, found
/// once: where each storage lives and its largest buffer.
class ProgramIndex {
public:
  explicit ProgramIndex(const kernel::KernelProgram &program);

  /// The launch argument that points at storage `storage` (not a constant).
  rt::cuda::LaunchArg launchArg(int storage) const;
  int64_t largestBuffer() const { return largestBuffer_; }

private:
  std::vector<int> externalSlot_;    // by buffer id, -1 if not external
  std::vector<int64_t> arenaOffset_; // by buffer id, -1 if not placed
  int64_t largestBuffer_ = 1;        // elements
};

class KernelContext {
public:
  /// `globalPrefix` names the program's module globals (its constants).
  KernelContext(const kernel::KernelProgram &program, const ProgramIndex &index,
                const kernel::Kernel &kernel, std::string functionName,
                std::string globalPrefix);

  const kernel::KernelProgram &program() const { return p_; }
  const kernel::Kernel &kernel() const { return k_; }
  const std::string &functionName() const { return name_; }

  /// `extern "C" __global__ void __launch_bounds__(threads) NAME(...)`.
  std::string signature(unsigned threads) const;
  /// The pointer arguments' values, in parameter order.
  std::vector<rt::cuda::LaunchArg> launchArgs() const;
  /// The launch argument that points at `buffer`'s storage.
  rt::cuda::LaunchArg launchArg(int buffer) const;
  /// `unsigned` when every index of the program's buffers and of this
  /// kernel's domain fits in 31 bits, else `unsigned long long`.
  const std::string &indexType() const { return indexType_; }
  /// An unsigned literal of the index type.
  std::string index(int64_t v) const;

  /// The base pointer of `buffer` as a pointer to its own dtype.
  std::string pointer(int buffer) const;
  /// Element `a` at `point`, lane 0, as an expression of the index type;
  /// `laneStride` receives the access's stride along the lane dim.
  std::string elementIndex(const kernel::Access &a, const Point &point,
                           int64_t &laneStride) const;
  /// Whether lanes of `a` can move as one vector (contiguous along the lane
  /// dim, 4-lane aligned, a 4- or 1-byte element).
  bool vectorAccess(const kernel::Access &a, const Point &point) const;

  /// Renders the instructions of `body` that `roots` need, as `const`
  /// locals in the current scope.
  BodyValues renderBody(CodeWriter &w, const kernel::Body &body,
                        const Point &point, const std::vector<int> &roots);
  void renderStore(CodeWriter &w, const kernel::Store &store,
                   const BodyValues &values, const Point &point);
  /// Roots of a body: the stored values plus `extra` (>= 0 entries).
  static std::vector<int> storeRoots(const std::vector<kernel::Store> &stores,
                                     std::vector<int> extra = {});

private:
  std::string expression(const kernel::Body &body, const kernel::Inst &in,
                         const BodyValues &v, unsigned lane,
                         const Point &point) const;

  const kernel::KernelProgram &p_;
  const ProgramIndex &index_;
  const kernel::Kernel &k_;
  std::string name_, globalPrefix_;
  std::vector<int> storages_; // parameter order
  std::vector<bool> written_; // by position in storages_
  std::string indexType_;
  int fresh_ = 0;
};

/// The module global holding constant buffer `id` as bit patterns.
std::string constantName(const std::string &globalPrefix, int id);

/// Threads of every loop and reduction block.
inline constexpr unsigned kBlockThreads = 256;
/// Grid-stride loops cover the rest past this many blocks.
inline constexpr int64_t kMaxBlocks = 65535;

} // namespace voskhod::cuda
