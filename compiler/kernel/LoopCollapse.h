//===- compiler/kernel/LoopCollapse.h - fewer, longer loops over a domain -===//
///
/// Decides which of a kernel's domain dims one loop variable can run over.
/// Consecutive dims d-1, d collapse into one group when every access the loop
/// makes walks them as one (stride[d-1] == stride[d] * size[d]), so a
/// [64, 32, 16] elementwise kernel over contiguous buffers becomes one loop
/// of 32768 and a transpose keeps the dims it reorders apart. Size-1 dims
/// drop out; a dim an `index` instruction reads stays a group of its own, so
/// its index is a variable the renderer has at hand.
///
/// It is a function of the kernel IR alone, shared by the LLVM and CUDA
/// renderers; it does not choose vector widths, thread mappings or chunk
/// sizes, which stay with each backend.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/kernel/KernelIR.h"

#include <cstdint>
#include <set>
#include <vector>

namespace voskhod::kernel {

/// Domain dims that one loop variable runs over.
struct DimGroup {
  int64_t size = 1;
  std::vector<int> dims; // outermost first
  int inner() const { return dims.back(); }
};

/// What a loop nest must respect: the accesses it makes (strides past an
/// access's own count as 0) and the dims `index` instructions read.
struct LoopAccesses {
  std::vector<const Access *> accesses;
  std::set<int> indexed;

  /// Every access a Load of `body` makes, and the dims its Index insts read.
  void addBody(const Body &body);
  void addStores(const std::vector<Store> &stores);
};

/// Collapses dims [lo, hi) of `domain` into groups, outermost first.
std::vector<DimGroup> collapse(const Shape &domain, int lo, int hi,
                               const LoopAccesses &uses);

/// One group per dim, size-1 dims included (a contraction's M, N, K).
std::vector<DimGroup> separateDims(const Shape &domain);

/// The number of points the groups cover.
int64_t product(const std::vector<DimGroup> &groups);

} // namespace voskhod::kernel
