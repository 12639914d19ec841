//===- compiler/autodiff/GradientRules.cpp - the assembled rule table -----===//
#include "compiler/autodiff/GradientRules.h"

namespace voskhod::autodiff {

std::vector<ir::Node *> noGradient(GradBuilder &, ir::Node *node, ir::Node *,
                                   const OperandMask &) {
  return std::vector<ir::Node *>(node->numOperands(), nullptr);
}

const GradRuleTable &gradientRules() {
  static const GradRuleTable table = [] {
    GradRuleTable t;
    addElementwiseGradients(t);
    addStructuralGradients(t);
    addLossGradients(t);
    addCompositeGradients(t);
    return t;
  }();
  return table;
}

} // namespace voskhod::autodiff
