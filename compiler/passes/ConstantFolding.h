//===- compiler/passes/ConstantFolding.h - evaluate what is known ---------===//
///
/// Replaces nodes whose operands are all constants by their value, computed
/// by the reference interpreter (ir::evaluateNode) so folding agrees with
/// evaluation by construction. In one sweep in topological order, so chains
/// of constants fold at once. Two shapes of folding:
///   - an elementwise node whose operands all repeat one value (scalar
///     constants, possibly broadcast): computed once on scalars, then
///     broadcast, whatever the size;
///   - any other node whose operands are constants (`const` leaves, or
///     broadcasts or reshapes of them): the node becomes a `const` leaf,
///     unless its value has more than kMaxFoldedElements elements (a big
///     literal would bloat the graph and the object file); a value that
///     repeats one number becomes a broadcast scalar instead.
///
/// It never materialises a broadcast of a constant (the simplifier's
/// broadcast-small-constant rule does, for tiny ones), and it leaves alone
/// what the interpreter refuses to evaluate (an out-of-range label, an
/// integer division by zero): the error belongs to run time.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/passes/Pass.h"

namespace voskhod::passes {

class ConstantFolding : public Pass {
public:
  static constexpr int64_t kMaxFoldedElements = 1024;

  std::string_view name() const override { return "constant-fold"; }
  bool run(ir::Graph &g) override;
};

} // namespace voskhod::passes
