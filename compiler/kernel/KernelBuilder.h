//===- compiler/kernel/KernelBuilder.h - graph ops to kernel bodies -------===//
///
/// Builds one kernel from a group of graph nodes the fusion planner chose:
/// the group's members are the values the kernel stores (a reduction's or
/// contraction's root first); every operand that has no buffer of its own is
/// inlined into the scalar body, and layout ops on the way (broadcast,
/// transpose) become strides of the loads. This is the one place that knows
/// the scalar meaning of each graph op.
///
/// A build fails (nullopt, not an error: the planner then does not fuse)
/// when a member would read another member of the same kernel at a
/// different index, which a single pass cannot do.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"
#include "compiler/kernel/KernelIR.h"

#include <memory>
#include <optional>
#include <vector>

namespace voskhod::kernel {

struct KernelSpec {
  KernelKind kind = KernelKind::Loop;
  /// In graph order; for Reduction and Contraction the first is the root.
  std::vector<const ir::Node *> members;
};

/// What a built kernel loaded, for the planner's fusion choices.
struct LoadedValue {
  const ir::Node *node;
  bool identity; // at the same index as a loop over its own shape
};

struct BuildResult {
  /// Its reads and writes are left empty: the lowering collects them once
  /// it has given the kernel its last buffers, and the planner, which
  /// throws most of its builds away, needs only `loaded`.
  Kernel kernel;
  std::vector<LoadedValue> loaded;
  /// Graph nodes whose arithmetic the kernel performs, in first-use order.
  std::vector<const ir::Node *> computed;
  /// Reduction kernels that sum over rows need a scratch of this many rows.
  int64_t totalRows = 0;
};

/// Builds kernels from groups of one graph's nodes. `bufferOf[node index]` is
/// the buffer holding a node's value (-1 when it is inlined); `buffers` gives
/// their types. Members' stores go to their buffers.
///
/// The builder keeps its lookup tables, one slot per graph node, from one
/// build to the next: the planner builds a kernel for every candidate group
/// and again for every merge it tries (hundreds of thousands of builds on a
/// large graph), and each build touches only a few nodes, so the tables are
/// allocated once and each build clears only the slots it used.
class KernelBuilder {
public:
  explicit KernelBuilder(const ir::Graph &g);
  ~KernelBuilder();
  KernelBuilder(const KernelBuilder &) = delete;
  KernelBuilder &operator=(const KernelBuilder &) = delete;

  std::optional<BuildResult> build(const KernelSpec &spec,
                                   const std::vector<int> &bufferOf,
                                   const std::vector<Buffer> &buffers);

  /// Runs a build to the same verdict without writing its kernel out, and
  /// returns what the kernel would load: the planner's trial builds, most of
  /// which it throws away, need no more.
  std::optional<std::vector<LoadedValue>>
  check(const KernelSpec &spec, const std::vector<int> &bufferOf,
        const std::vector<Buffer> &buffers);

  struct Tables;

private:
  const ir::Graph &g_;
  std::unique_ptr<Tables> tables_;
};

/// Per-element cost of elementwise node `n`: the highest scalarOpCost among
/// the scalar ops its lowering emits (so softplus costs what its exp costs),
/// read off the lowering itself so that no op can be left without one.
int elementwiseCost(const ir::Node *n);

/// Whether the builder can compute `n` (lowerToKernels reports a graph
/// holding a node it cannot, instead of building it). Elementwise ops are
/// asked of their lowering itself.
bool hasKernelLowering(const ir::Node *n);

/// Row-major strides of a shape, in elements.
std::vector<int64_t> rowMajorStrides(const Shape &shape);

} // namespace voskhod::kernel
