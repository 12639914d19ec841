//===- compiler/passes/AlgebraicSimplifier.cpp - rule-table rewriting -----===//
#include "compiler/passes/AlgebraicSimplifier.h"

#include "compiler/passes/Rewrite.h"

#include <cassert>

namespace voskhod::passes {

using namespace ir;

AlgebraicSimplifier::AlgebraicSimplifier() {
  for (auto rules : {arithmeticRules(), layoutRules()})
    for (const SimplifyRule &rule : rules)
      rulesByOp_[size_t(rule.op)].push_back(&rule);
}

bool AlgebraicSimplifier::run(Graph &g) {
  bool changed = false;
  for (int sweep = 0; sweep < kMaxSweeps; ++sweep) {
    bool any = false;
    // Nodes a rule creates are appended and looked at in the next sweep.
    const size_t count = g.size();
    for (size_t i = 0; i < count; ++i) {
      Node *n = g.node(i);
      for (const SimplifyRule *rule : rulesByOp_[size_t(n->op())]) {
        Node *replacement = rule->apply(g, n);
        if (!replacement || replacement == n)
          continue;
        assert(replacement->type() == n->type() &&
               "a rewrite rule changed the type of a value");
        replaceNode(g, n, replacement);
        ++fired_[std::string(rule->name)];
        any = true;
        break;
      }
    }
    if (!any)
      break;
    changed = true;
    g.sortAndPrune();
  }
  return changed;
}

} // namespace voskhod::passes
