//===- compiler/autodiff/CompositeGradients.cpp - through the expansion ---===//
///
/// A composite op (conv2d, the pools) has no formula of its own for its
/// gradient: its rule builds the op's expansion (compiler/ir/
/// CompositeExpansion.h) next to it and runs reverse mode over just those
/// nodes, seeded with the incoming gradient, with the other ops' rules. The
/// training step never needs this (it expands composites before it
/// differentiates); graphs differentiated as written do (`voskhod opt
/// --autodiff`, check-grad, whose finite differences run the interpreter's
/// direct loops, so the check compares the expansion's gradient with the
/// op's definition).
///
//===----------------------------------------------------------------------===//
#include "compiler/autodiff/GradientRules.h"
#include "compiler/ir/CompositeExpansion.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace voskhod::autodiff {
using namespace ir;

namespace {

using Grads = std::vector<Node *>;

/// The expansion's nodes in topological order: everything `root` reaches
/// without passing one of `boundary` (the composite's operands) or a leaf.
std::vector<Node *> expansionNodes(Node *root,
                                   const std::unordered_set<Node *> &boundary) {
  std::vector<Node *> order;
  std::unordered_set<Node *> seen;
  // Iterative post-order: a node is emitted after its operands.
  std::vector<std::pair<Node *, size_t>> stack{{root, 0}};
  seen.insert(root);
  while (!stack.empty()) {
    auto &[n, next] = stack.back();
    if (next < n->numOperands()) {
      Node *o = n->operand(next++);
      if (!boundary.count(o) && !o->hasTrait(OpTrait::Leaf) &&
          seen.insert(o).second)
        stack.push_back({o, 0});
      continue;
    }
    order.push_back(n);
    stack.pop_back();
  }
  return order;
}

Grads compositeGrad(GradBuilder &b, Node *n, Node *g,
                    const OperandMask &needs) {
  Node *root = expandComposite(b.graph(), n);
  // Every operand bounds the expansion; those that need a gradient get one.
  std::unordered_set<Node *> boundary, wanted;
  for (size_t i = 0; i < n->numOperands(); ++i) {
    boundary.insert(n->operand(i));
    if (needs[i])
      wanted.insert(n->operand(i));
  }
  std::vector<Node *> inner = expansionNodes(root, boundary);
  std::unordered_set<Node *> innerSet(inner.begin(), inner.end());
  std::unordered_map<Node *, Node *> grads{{root, g}};
  const GradRuleTable &rules = gradientRules();
  for (auto it = inner.rbegin(); it != inner.rend(); ++it) {
    Node *node = *it;
    Node *gn = grads[node];
    if (!gn)
      continue;
    OperandMask mask(node->numOperands());
    for (size_t i = 0; i < node->numOperands(); ++i)
      mask[i] =
          innerSet.count(node->operand(i)) || wanted.count(node->operand(i));
    GradRule rule = rules.get(node->op());
    if (!rule)
      return Grads(n->numOperands(), nullptr);
    Grads parts = rule(b, node, gn, mask);
    for (size_t i = 0; i < parts.size(); ++i) {
      if (!parts[i] || !mask[i])
        continue;
      Node *&acc = grads[node->operand(i)];
      acc = acc ? b.add(acc, parts[i]) : parts[i];
    }
  }
  Grads out(n->numOperands(), nullptr);
  for (size_t i = 0; i < n->numOperands(); ++i)
    if (needs[i])
      out[i] = grads[n->operand(i)];
  return out;
}

} // namespace

void addCompositeGradients(GradRuleTable &t) {
  for (size_t op = 0; op < kNumOps; ++op)
    if (hasTrait(OpKind(op), OpTrait::Composite))
      t.set(OpKind(op), compositeGrad);
}

} // namespace voskhod::autodiff
