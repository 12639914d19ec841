//===- compiler/kernel/FusionPlanner.h - which ops share a kernel ---------===//
///
/// Decides, for every node of a graph, whether its value gets a buffer or is
/// recomputed inside the kernels that use it, and groups the nodes with
/// buffers into kernels. It asks op traits, never op names:
///   - leaves have buffers; scalar and uniform constants are inlined;
///   - contractions, reductions, row-wise ops and losses each root a kernel;
///   - `reshape` is a view of its operand's buffer (so the operand gets one);
///   - pad, slice and concat gather their operands at computed indices, so
///     the operands get buffers while the ops themselves inline like layout
///     ops;
///   - an elementwise or layout node is inlined into its users unless it is
///     a graph root (result, update value) or inlining would recompute it:
///     used more than once (counting a row-wise user's passes and the
///     elements a broadcast fans it out to) and costlier than a few flops;
///   - then, in graph order, each elementwise kernel joins the kernel of a
///     value it reads at the same index (a contraction's or reduction's
///     epilogue, another loop of the same shape) or of a loop with which it
///     shares an input, when the joint kernel builds and no cycle forms.
///
/// Merging stays near-linear in the graph: the groups reading each group
/// and the groups reading each node at the same index are indexed, and a
/// topological order of the groups, repaired after each merge, bounds the
/// search for a cycle to the groups between the two being merged.
///
/// It does not schedule, place memory or decide in-place updates.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"
#include "compiler/kernel/KernelBuilder.h"
#include "compiler/kernel/KernelIR.h"

#include <cstdint>
#include <vector>

namespace voskhod::kernel {

struct FusionPlan {
  std::vector<Buffer> buffers;
  std::vector<int> bufferOf; // per node index; -1 when inlined
  std::vector<KernelSpec> groups;
  std::vector<BuildResult> built; // one per group
  /// deps[i]: groups whose outputs group i reads.
  std::vector<std::vector<int>> deps;
  /// Groups the merge step's searches visited (for partners, for cycles,
  /// when reordering): its work, which tests check grows with the graph,
  /// not with its square.
  int64_t mergeSearchSteps = 0;
};

/// `roots` are the nodes whose values must exist after the program runs
/// (results and update values).
FusionPlan planFusion(const ir::Graph &g,
                      const std::vector<const ir::Node *> &roots);

/// Inlining stops recomputing a value above this many flops per element.
constexpr int kCheapInlineCost = 3;

} // namespace voskhod::kernel
