//===- compiler/passes/Rewrite.cpp - what every rewriting pass needs ------===//
#include "compiler/passes/Rewrite.h"

#include "compiler/ir/Builder.h"

#include <cmath>

namespace voskhod::passes {

using namespace ir;

void replaceNode(Graph &g, Node *from, Node *to) {
  if (from == to)
    return;
  g.replaceAllUsesWith(from, to);
  if (to->name().empty() && !from->name().empty()) {
    to->setName(from->name());
    from->setName("");
  }
}

const Node *constantSource(const Node *n) {
  while (n->is(OpKind::Broadcast) || n->is(OpKind::Reshape))
    n = n->operand(0);
  return n->is(OpKind::Const) ? n : nullptr;
}

std::optional<double> splatValue(const Node *n) {
  const Node *c = constantSource(n);
  if (!c || c->constValues().empty())
    return std::nullopt;
  double first = c->constValues().front();
  for (double v : c->constValues())
    if (!(v == first)) // NaN never splats
      return std::nullopt;
  return first;
}

bool isSplat(const Node *n, double value) {
  std::optional<double> v = splatValue(n);
  return v && *v == value;
}

Node *buildOrNull(Graph &g, OpKind op, std::vector<Node *> operands,
                  Attrs attrs, SourceLoc loc) {
  Expected<Node *> n =
      buildNode(g, op, std::move(operands), std::move(attrs), loc);
  return n ? *n : nullptr;
}

Node *splatConstant(Graph &g, double value, const TensorType &type,
                    SourceLoc loc) {
  Node *scalar = buildScalar(g, value, type.dtype, loc);
  Expected<Node *> b = broadcastTo(g, scalar, type.shape, loc);
  return b ? *b : nullptr;
}

} // namespace voskhod::passes
