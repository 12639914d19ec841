//===- compiler/passes/AlgebraicSimplifier.cpp - rule-table rewriting -----===//
#include "compiler/passes/AlgebraicSimplifier.h"

#include "compiler/ir/Verifier.h"
#include "compiler/passes/Rewrite.h"
#include "support/InternalCheck.h"

namespace voskhod::passes {

using namespace ir;

AlgebraicSimplifier::AlgebraicSimplifier() {
  for (auto rules : {arithmeticRules(), layoutRules()})
    for (const SimplifyRule &rule : rules)
      for (int op = 0; op < kNumOps; ++op)
        if (rule.match.matches(OpKind(op)))
          rulesByOp_[size_t(op)].push_back(&rule);
}

bool AlgebraicSimplifier::run(Graph &g) {
  InternalContext ctx(name());
  bool changed = false;
  for (int sweep = 0; sweep < kMaxSweeps; ++sweep) {
    // Nodes a rule creates are appended and looked at in the next sweep.
    Replacements replaced(g);
    const size_t count = g.size();
    for (size_t i = 0; i < count; ++i) {
      Node *n = g.node(i);
      replaced.redirectOperands(n);
      ctx.setSubject(n, describeNode);
      for (const SimplifyRule *rule : rulesByOp_[size_t(n->op())]) {
        Node *replacement = rule->apply(g, n);
        if (!replacement || replacement == n)
          continue;
        VOSKHOD_CHECK(replacement->type() == n->type())
            << "rule '" << rule->name << "' changed the type of a value";
        replaced.replace(n, replacement);
        ++fired_[std::string(rule->name)];
        break;
      }
    }
    if (replaced.empty())
      break;
    changed = true;
    replaced.apply(g);
    g.sortAndPrune();
  }
  return changed;
}

} // namespace voskhod::passes
