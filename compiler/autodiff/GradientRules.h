//===- compiler/autodiff/GradientRules.h - one gradient rule per op -------===//
///
/// The rule table: for each op of compiler/ir/Ops.def, a function that is
/// given the forward node, the gradient flowing into its result and which
/// operands need a gradient, and builds those operands' gradients as new IR
/// nodes (null where an operand gets none: it was not asked for, or the path
/// is not differentiable, like a comparison or an integer label). The rules
/// live in three files by op family (ElementwiseGradients.cpp,
/// StructuralGradients.cpp for contraction, layout and reductions,
/// LossGradients.cpp for row-wise normalisations and losses,
/// CompositeGradients.cpp for composite ops); the driver in
/// Autodiff.cpp is the only caller.
///
/// An op with no entry cannot be differentiated through; leaves need none.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/autodiff/GradBuilder.h"
#include "compiler/ir/Diagnostics.h"
#include "compiler/ir/Graph.h"

#include <array>
#include <vector>

namespace voskhod::autodiff {

/// needs[i]: whether operand i is on a path from a requested value to the
/// loss. Rules build nothing for operands that do not need a gradient.
using OperandMask = std::vector<bool>;

/// Returns one entry per operand: its gradient (same type as the operand)
/// or null.
using GradRule = std::vector<ir::Node *> (*)(GradBuilder &b, ir::Node *node,
                                             ir::Node *grad,
                                             const OperandMask &needs);

class GradRuleTable {
public:
  void set(ir::OpKind op, GradRule rule) { rules_[size_t(op)] = rule; }
  GradRule get(ir::OpKind op) const { return rules_[size_t(op)]; }

private:
  std::array<GradRule, ir::kNumOps> rules_{};
};

/// The rule of ops that are flat almost everywhere or take integers: no
/// operand gets a gradient.
std::vector<ir::Node *> noGradient(GradBuilder &b, ir::Node *node,
                                   ir::Node *grad, const OperandMask &needs);

void addElementwiseGradients(GradRuleTable &table);
void addStructuralGradients(GradRuleTable &table);
void addLossGradients(GradRuleTable &table);
/// Composite ops: reverse mode through their expansion.
void addCompositeGradients(GradRuleTable &table);

/// Every rule above.
const GradRuleTable &gradientRules();

/// appendGradients with an explicit rule table (tests withhold rules to
/// exercise the missing-rule diagnostic).
Expected<std::vector<ir::Node *>>
appendGradientsWithRules(const GradRuleTable &rules, ir::Graph &g,
                         ir::Node *loss, const std::vector<ir::Node *> &wrt,
                         ir::DiagnosticEngine &diags);

} // namespace voskhod::autodiff
