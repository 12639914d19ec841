//===- compiler/passes/CommonSubexpressionElimination.h - merge duplicates ===//
///
/// Hash-consing: walks the nodes in topological order and replaces each node
/// that computes what an earlier one computes (same op, same operands, same
/// attributes and type; for `const` leaves the same values, bit for bit) by
/// that earlier node. Operands of commutative ops are compared as a set, so
/// `add %a, %b` and `add %b, %a` merge. Because operands are redirected as
/// the walk goes, whole duplicate chains collapse in one run. The node kept
/// is always the earlier one, so the result does not depend on hashing.
///
/// Inputs, params and states are never merged: equal types do not make them
/// the same value.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/passes/Pass.h"

namespace voskhod::passes {

class CommonSubexpressionElimination : public Pass {
public:
  std::string_view name() const override { return "cse"; }
  bool run(ir::Graph &g) override;
};

} // namespace voskhod::passes
