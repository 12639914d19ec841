//===- compiler/passes/Rewrite.cpp - what every rewriting pass needs ------===//
#include "compiler/passes/Rewrite.h"

#include "compiler/ir/Builder.h"
#include "support/InternalCheck.h"

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

void Replacements::replace(Node *from, Node *to) {
  if (from == to)
    return;
  size_t i = size_t(from->index());
  VOSKHOD_CHECK(i < to_.size() && !to_[i])
      << "replaced a node twice in one sweep";
  to_[i] = to;
  ++count_;
  if (to->name().empty() && !from->name().empty()) {
    to->setName(from->name());
    from->setName("");
  }
}

Node *Replacements::resolve(Node *n) const {
  // Nodes created during the sweep have indices past the end: never replaced.
  while (size_t(n->index()) < to_.size() && to_[size_t(n->index())])
    n = to_[size_t(n->index())];
  return n;
}

void Replacements::redirectOperands(Node *n) const {
  if (count_ == 0)
    return;
  for (size_t k = 0; k < n->numOperands(); ++k)
    n->setOperand(k, resolve(n->operand(k)));
}

void Replacements::apply(Graph &g) const {
  if (count_ == 0)
    return;
  for (Node *n : g)
    redirectOperands(n);
  for (Node *&r : g.results())
    r = resolve(r);
  if (g.minimize() && g.minimize()->loss)
    g.minimize()->loss = resolve(g.minimize()->loss);
  for (Update &u : g.updates())
    u.value = resolve(u.value);
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
