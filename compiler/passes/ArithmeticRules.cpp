//===- compiler/passes/ArithmeticRules.cpp - arithmetic identities --------===//
#include "compiler/passes/Rewrite.h"
#include "compiler/passes/SimplifyRules.h"

#include <cmath>

namespace voskhod::passes {

using namespace ir;

namespace {

Node *build(Graph &g, Node *n, OpKind op, std::vector<Node *> operands,
            Attrs attrs = {}) {
  return buildOrNull(g, op, std::move(operands), std::move(attrs), n->loc());
}

/// The operand of a binary node that is not `matched`, when `matched`
/// satisfies `pred` on either side (the right side is tried first).
template <typename Pred> Node *otherIf(Node *n, Pred pred) {
  if (pred(n->operand(1)))
    return n->operand(0);
  if (pred(n->operand(0)))
    return n->operand(1);
  return nullptr;
}

bool allFiniteConstant(const Node *n) {
  const Node *c = constantSource(n);
  if (!c)
    return false;
  for (double v : c->constValues())
    if (!std::isfinite(v))
      return false;
  return true;
}

Node *mulOne(Graph &, Node *n) {
  return otherIf(n, [](Node *o) { return isSplat(o, 1); });
}

Node *mulMinusOne(Graph &g, Node *n) {
  Node *x = otherIf(n, [](Node *o) { return isSplat(o, -1); });
  return x ? build(g, n, OpKind::Neg, {x}) : nullptr;
}

Node *mulZero(Graph &, Node *n) {
  Node *a = n->operand(0), *b = n->operand(1);
  if (isSplat(b, 0) && allFiniteConstant(a))
    return b;
  if (isSplat(a, 0) && allFiniteConstant(b))
    return a;
  return nullptr;
}

Node *mulNegNeg(Graph &g, Node *n) {
  Node *a = n->operand(0), *b = n->operand(1);
  if (!a->is(OpKind::Neg) || !b->is(OpKind::Neg))
    return nullptr;
  return build(g, n, OpKind::Mul, {a->operand(0), b->operand(0)});
}

// one_hot holds only 0 and 1.
Node *mulOneHotSelf(Graph &, Node *n) {
  Node *a = n->operand(0);
  return a == n->operand(1) && a->is(OpKind::OneHot) ? a : nullptr;
}

Node *addZero(Graph &, Node *n) {
  return otherIf(n, [](Node *o) { return isSplat(o, 0); });
}

Node *addNeg(Graph &g, Node *n) {
  Node *a = n->operand(0), *b = n->operand(1);
  if (b->is(OpKind::Neg))
    return build(g, n, OpKind::Sub, {a, b->operand(0)});
  if (a->is(OpKind::Neg))
    return build(g, n, OpKind::Sub, {b, a->operand(0)});
  return nullptr;
}

Node *subZero(Graph &, Node *n) {
  return isSplat(n->operand(1), 0) ? n->operand(0) : nullptr;
}

Node *zeroSub(Graph &g, Node *n) {
  return isSplat(n->operand(0), 0) ? build(g, n, OpKind::Neg, {n->operand(1)})
                                   : nullptr;
}

Node *subNeg(Graph &g, Node *n) {
  Node *b = n->operand(1);
  return b->is(OpKind::Neg)
             ? build(g, n, OpKind::Add, {n->operand(0), b->operand(0)})
             : nullptr;
}

Node *divOne(Graph &, Node *n) {
  return isSplat(n->operand(1), 1) ? n->operand(0) : nullptr;
}

// Division by 2^k is multiplication by 2^-k, exactly, as long as 2^-k is a
// normal number; multiplication is the cheaper instruction.
Node *divPowerOfTwo(Graph &g, Node *n) {
  if (!isFloat(n->dtype()))
    return nullptr;
  std::optional<double> c = splatValue(n->operand(1));
  if (!c || *c == 0 || !std::isfinite(*c) || *c == 1)
    return nullptr;
  int exponent;
  if (std::abs(std::frexp(*c, &exponent)) != 0.5)
    return nullptr;
  double reciprocal = 1 / *c;
  bool normal = n->dtype() == DType::F32 ? std::isnormal(float(reciprocal))
                                         : std::isnormal(reciprocal);
  if (!normal)
    return nullptr;
  Node *r = splatConstant(g, reciprocal, n->type(), n->loc());
  return r ? build(g, n, OpKind::Mul, {n->operand(0), r}) : nullptr;
}

Node *negNeg(Graph &, Node *n) {
  Node *a = n->operand(0);
  return a->is(OpKind::Neg) ? a->operand(0) : nullptr;
}

// -(a - b) = b - a exactly: IEEE subtraction rounds symmetrically.
Node *negSub(Graph &g, Node *n) {
  Node *a = n->operand(0);
  return a->is(OpKind::Sub)
             ? build(g, n, OpKind::Sub, {a->operand(1), a->operand(0)})
             : nullptr;
}

Node *powOne(Graph &, Node *n) {
  return isSplat(n->operand(1), 1) ? n->operand(0) : nullptr;
}

Node *powTwo(Graph &g, Node *n) {
  return isSplat(n->operand(1), 2)
             ? build(g, n, OpKind::Square, {n->operand(0)})
             : nullptr;
}

Node *selectSame(Graph &, Node *n) {
  return n->operand(1) == n->operand(2) ? n->operand(1) : nullptr;
}

Node *selectConstantCondition(Graph &, Node *n) {
  std::optional<double> c = splatValue(n->operand(0));
  if (!c)
    return nullptr;
  return *c != 0 ? n->operand(1) : n->operand(2);
}

Node *convertSame(Graph &, Node *n) {
  return n->dtype() == n->operand(0)->dtype() ? n->operand(0) : nullptr;
}

// one_hot can produce any dtype directly.
Node *convertOneHot(Graph &g, Node *n) {
  Node *hot = n->operand(0);
  if (!hot->is(OpKind::OneHot))
    return nullptr;
  Attrs attrs = hot->attrs();
  attrs.set("dtype", n->dtype());
  return build(g, n, OpKind::OneHot, {hot->operand(0)}, std::move(attrs));
}

constexpr SimplifyRule kRules[] = {
    {"mul-one", OpKind::Mul, mulOne},
    {"mul-minus-one", OpKind::Mul, mulMinusOne},
    {"mul-zero-constant", OpKind::Mul, mulZero},
    {"mul-neg-neg", OpKind::Mul, mulNegNeg},
    {"mul-one-hot-self", OpKind::Mul, mulOneHotSelf},
    {"add-zero", OpKind::Add, addZero},
    {"add-neg", OpKind::Add, addNeg},
    {"sub-zero", OpKind::Sub, subZero},
    {"zero-sub", OpKind::Sub, zeroSub},
    {"sub-neg", OpKind::Sub, subNeg},
    {"div-one", OpKind::Div, divOne},
    {"div-power-of-two", OpKind::Div, divPowerOfTwo},
    {"neg-neg", OpKind::Neg, negNeg},
    {"neg-sub", OpKind::Neg, negSub},
    {"pow-one", OpKind::Pow, powOne},
    {"pow-two", OpKind::Pow, powTwo},
    {"select-same", OpKind::Select, selectSame},
    {"select-constant-condition", OpKind::Select, selectConstantCondition},
    {"convert-same", OpKind::Convert, convertSame},
    {"convert-one-hot", OpKind::Convert, convertOneHot},
};

} // namespace

std::span<const SimplifyRule> arithmeticRules() { return kRules; }

} // namespace voskhod::passes
