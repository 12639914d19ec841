//===- compiler/passes/AlgebraicSimplifier.h - rule-table rewriting -------===//
///
/// Applies the rewrite rules of SimplifyRules.h to a fixed point: sweep the
/// nodes in order, replace each with the first matching rule's result, then
/// sort and prune; repeat until a sweep changes nothing or kMaxSweeps is
/// reached (a guard against rules that undo each other, which none should).
/// It counts how often each rule fired, for tests and for curiosity.
///
/// It folds no constants (ConstantFolding does) and merges no duplicates
/// (CommonSubexpressionElimination does).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/passes/Pass.h"
#include "compiler/passes/SimplifyRules.h"

#include <array>
#include <map>
#include <string>
#include <vector>

namespace voskhod::passes {

class AlgebraicSimplifier : public Pass {
public:
  static constexpr int kMaxSweeps = 32;

  AlgebraicSimplifier();
  std::string_view name() const override { return "simplify"; }
  bool run(ir::Graph &g) override;

  /// Rule name -> times fired, over every run so far.
  const std::map<std::string, int, std::less<>> &firedCounts() const {
    return fired_;
  }

private:
  std::array<std::vector<const SimplifyRule *>, ir::kNumOps> rulesByOp_;
  std::map<std::string, int, std::less<>> fired_;
};

} // namespace voskhod::passes
