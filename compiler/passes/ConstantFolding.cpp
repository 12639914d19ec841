//===- compiler/passes/ConstantFolding.cpp - evaluate what is known -------===//
#include "compiler/passes/ConstantFolding.h"

#include "compiler/interpreter/Interpreter.h"
#include "compiler/ir/Builder.h"
#include "compiler/passes/Rewrite.h"

#include <bit>
#include <optional>

namespace voskhod::passes {

using namespace ir;

namespace {

/// Operand values are materialised up to this size even when the folded
/// result is small (a sum over a broadcast constant, say).
constexpr int64_t kMaxOperandElements = int64_t(1) << 20;

/// The value of a `const` leaf, or of a broadcast or reshape of one.
std::optional<HostTensor> constantValue(const Node *n) {
  if (n->is(OpKind::Const))
    return HostTensor(n->type(), n->constValues());
  if (!(n->is(OpKind::Broadcast) || n->is(OpKind::Reshape)) ||
      n->type().numElements() > kMaxOperandElements)
    return std::nullopt;
  std::optional<HostTensor> inner = constantValue(n->operand(0));
  if (!inner)
    return std::nullopt;
  const HostTensor *operands[] = {&*inner};
  Expected<HostTensor> value = evaluateNode(*n, operands);
  if (!value)
    return std::nullopt;
  return value.take();
}

/// The value of `n` from constant operand values, as a `const` leaf.
Node *foldConstants(Graph &g, Node *n) {
  if (n->type().numElements() > ConstantFolding::kMaxFoldedElements)
    return nullptr;
  std::vector<HostTensor> values;
  values.reserve(n->numOperands());
  for (Node *o : n->operands()) {
    std::optional<HostTensor> v = constantValue(o);
    if (!v)
      return nullptr;
    values.push_back(std::move(*v));
  }
  std::vector<const HostTensor *> pointers;
  for (const HostTensor &v : values)
    pointers.push_back(&v);
  Expected<HostTensor> result = evaluateNode(*n, pointers);
  if (!result)
    return nullptr;
  // A value that repeats one number stays a broadcast scalar.
  const std::vector<double> &data = result->data;
  bool uniform = true;
  for (double v : data)
    uniform = uniform && std::bit_cast<uint64_t>(v) ==
                             std::bit_cast<uint64_t>(data.front());
  if (uniform)
    return splatConstant(g, data.front(), n->type(), n->loc());
  Expected<Node *> c = buildConst(g, n->type(), data, n->loc());
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

} // namespace

bool ConstantFolding::run(Graph &g) {
  Replacements replaced(g);
  const size_t count = g.size();
  for (size_t i = 0; i < count; ++i) {
    Node *n = g.node(i);
    replaced.redirectOperands(n);
    if (n->hasTrait(OpTrait::Leaf) || n->is(OpKind::Broadcast))
      continue;
    Node *folded = nullptr;
    if (n->hasTrait(OpTrait::Elementwise))
      folded = foldSplats(g, n);
    if (!folded)
      folded = foldConstants(g, n);
    if (!folded)
      continue;
    replaced.replace(n, folded);
  }
  if (replaced.empty())
    return false;
  replaced.apply(g);
  g.sortAndPrune();
  return true;
}

} // namespace voskhod::passes
