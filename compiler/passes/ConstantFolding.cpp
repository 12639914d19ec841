//===- compiler/passes/ConstantFolding.cpp - evaluate what is known -------===//
#include "compiler/passes/ConstantFolding.h"

#include "compiler/ir/Builder.h"
#include "compiler/ir/Interpreter.h"
#include "compiler/passes/Rewrite.h"

namespace voskhod::passes {

using namespace ir;

namespace {

/// The value of `n` from constant operand values, as a `const` leaf.
Node *foldConstants(Graph &g, Node *n) {
  if (n->type().numElements() > ConstantFolding::kMaxFoldedElements)
    return nullptr;
  std::vector<HostTensor> values;
  values.reserve(n->numOperands());
  for (Node *o : n->operands())
    values.emplace_back(o->type(), o->constValues());
  std::vector<const HostTensor *> pointers;
  for (const HostTensor &v : values)
    pointers.push_back(&v);
  Expected<HostTensor> result = evaluateNode(*n, pointers);
  if (!result)
    return nullptr;
  Expected<Node *> c = buildConst(g, n->type(), result->data, n->loc());
  return c ? *c : nullptr;
}

/// The value of an elementwise `n` whose operands each repeat one value,
/// computed on scalars and broadcast to n's shape.
Node *foldSplats(Graph &g, Node *n) {
  std::vector<double> scalars;
  for (Node *o : n->operands()) {
    std::optional<double> v = splatValue(o);
    if (!v)
      return nullptr;
    scalars.push_back(*v);
  }
  // A scalar copy of the node, evaluated on its own.
  Graph scratch;
  std::vector<Node *> operands;
  for (size_t i = 0; i < scalars.size(); ++i)
    operands.push_back(
        buildScalar(scratch, scalars[i], n->operand(i)->dtype(), n->loc()));
  Expected<Node *> scalarNode =
      buildNode(scratch, n->op(), std::move(operands), n->attrs());
  if (!scalarNode)
    return nullptr;
  std::vector<HostTensor> values;
  for (Node *o : (*scalarNode)->operands())
    values.emplace_back(o->type(), o->constValues());
  std::vector<const HostTensor *> pointers;
  for (const HostTensor &v : values)
    pointers.push_back(&v);
  Expected<HostTensor> result = evaluateNode(**scalarNode, pointers);
  if (!result)
    return nullptr;
  return splatConstant(g, result->data.at(0), n->type(), n->loc());
}

bool allConstLeaves(const Node *n) {
  for (const Node *o : n->operands())
    if (!o->is(OpKind::Const))
      return false;
  return true;
}

} // namespace

bool ConstantFolding::run(Graph &g) {
  bool changed = false;
  const size_t count = g.size();
  for (size_t i = 0; i < count; ++i) {
    Node *n = g.node(i);
    if (n->hasTrait(OpTrait::Leaf) || n->is(OpKind::Broadcast))
      continue;
    Node *folded = nullptr;
    if (allConstLeaves(n))
      folded = foldConstants(g, n);
    else if (n->hasTrait(OpTrait::Elementwise))
      folded = foldSplats(g, n);
    if (!folded)
      continue;
    replaceNode(g, n, folded);
    changed = true;
  }
  if (changed)
    g.sortAndPrune();
  return changed;
}

} // namespace voskhod::passes
