//===- compiler/autodiff/ElementwiseGradients.cpp - elementwise op rules --===//
///
/// Gradients of the elementwise ops. Each is the textbook derivative written
/// with the forward result where that is cheaper or steadier (exp, sigmoid,
/// tanh, sqrt, rsqrt reuse y). At kinks the choice matches PyTorch: relu
/// and abs pass 0 at 0, leaky_relu and elu take the negative slope at 0. For
/// maximum and minimum a tie sends the whole gradient to the first operand
/// (TensorFlow's convention; PyTorch splits ties evenly), which costs one mask
/// instead of two. sign, floor, greater and equal are flat almost everywhere
/// and pass nothing; convert passes the gradient only between float types.
///
//===----------------------------------------------------------------------===//
#include "compiler/autodiff/GradientRules.h"

#include <cmath>

namespace voskhod::autodiff {

using namespace ir;

namespace {

using Grads = std::vector<Node *>;

Grads negGrad(GradBuilder &b, Node *, Node *g, const OperandMask &) {
  return {b.neg(g)};
}

Grads absGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  return {b.mul(g, b.op(OpKind::Sign, {n->operand(0)}))};
}

Grads expGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  return {b.mul(g, n)};
}

Grads logGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  return {b.div(g, n->operand(0))};
}

// d sqrt(a) = 1 / (2 sqrt(a)).
Grads sqrtGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  return {b.div(b.mul(g, 0.5), n)};
}

// d a^(-1/2) = -1/2 a^(-3/2) = -1/2 y^3.
Grads rsqrtGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  Node *cube = b.mul(b.op(OpKind::Square, {n}), n);
  return {b.mul(b.mul(g, -0.5), cube)};
}

Grads squareGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  return {b.mul(g, b.mul(n->operand(0), 2.0))};
}

// relu(a) > 0 exactly where a > 0; testing the result lets the
// pre-activation die after the forward pass.
Grads reluGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  return {b.selectOrZero(b.greater(n, 0.0), g)};
}

Grads leakyReluGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  double alpha = n->attrs().getFloat("alpha");
  return {b.select(b.greater(n->operand(0), 0.0), g, b.mul(g, alpha))};
}

// For a <= 0, elu'(a) = alpha exp(a); computing it from y + alpha would lose
// all precision where y is close to -alpha.
Grads eluGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  Node *a = n->operand(0);
  double alpha = n->attrs().getFloat("alpha");
  Node *negative = b.mul(g, b.mul(b.op(OpKind::Exp, {a}), alpha));
  return {b.select(b.greater(a, 0.0), g, negative)};
}

Grads sigmoidGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  return {b.mul(g, b.mul(n, b.rsub(1.0, n)))};
}

Grads tanhGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  return {b.mul(g, b.rsub(1.0, b.op(OpKind::Square, {n})))};
}

Grads softplusGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  return {b.mul(g, b.op(OpKind::Sigmoid, {n->operand(0)}))};
}

// d erf(a) = 2/sqrt(pi) exp(-a^2).
Grads erfGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  Node *a = n->operand(0);
  Node *bell = b.op(OpKind::Exp, {b.neg(b.op(OpKind::Square, {a}))});
  return {b.mul(g, b.mul(bell, 2 / std::sqrt(M_PI)))};
}

// gelu(a) = a Φ(a): d = Φ(a) + a φ(a), with Φ(a) = (1 + erf(a/√2)) / 2 and
// φ(a) = exp(-a²/2) / √(2π). The tanh form, a (1 + t) / 2 with
// t = tanh(u), u = √(2/π) (a + 0.044715 a³), has
// d = (1 + t) / 2 + a (1 - t²) u' / 2, u' = √(2/π) (1 + 3·0.044715 a²);
// both as PyTorch differentiates them.
Grads geluGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  Node *a = n->operand(0);
  Node *a2 = b.op(OpKind::Square, {a});
  if (n->attrs().getString("approximate") == "tanh") {
    const double k = std::sqrt(2 / M_PI), c = 0.044715;
    Node *u = b.mul(b.add(a, b.mul(b.mul(a2, a), c)), k);
    Node *t = b.op(OpKind::Tanh, {u});
    Node *du = b.mul(b.rsub(1.0, b.mul(a2, -3 * c)), k); // k (1 + 3c a²)
    Node *left = b.mul(b.rsub(1.0, b.neg(t)), 0.5);
    Node *right =
        b.mul(b.mul(b.mul(a, b.rsub(1.0, b.op(OpKind::Square, {t}))), du), 0.5);
    return {b.mul(g, b.add(left, right))};
  }
  Node *e = b.op(OpKind::Erf, {b.mul(a, M_SQRT1_2)});
  Node *cdf = b.mul(b.rsub(1.0, b.neg(e)), 0.5);
  Node *pdf =
      b.mul(b.op(OpKind::Exp, {b.mul(a2, -0.5)}), 1 / std::sqrt(2 * M_PI));
  return {b.mul(g, b.add(cdf, b.mul(a, pdf)))};
}

// silu(a) = a σ(a): d = σ(a) (1 + a (1 - σ(a))), as PyTorch differentiates it.
Grads siluGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  Node *a = n->operand(0);
  Node *s = b.op(OpKind::Sigmoid, {a});
  Node *slope = b.mul(s, b.rsub(1.0, b.neg(b.mul(a, b.rsub(1.0, s)))));
  return {b.mul(g, slope)};
}

// d cos(a) = -sin(a), d sin(a) = cos(a).
Grads cosGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  return {b.mul(g, b.neg(b.op(OpKind::Sin, {n->operand(0)})))};
}

Grads sinGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  return {b.mul(g, b.op(OpKind::Cos, {n->operand(0)}))};
}

Grads convertGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  DType from = n->operand(0)->dtype();
  if (!isFloat(from) || !isFloat(n->dtype()))
    return {nullptr};
  return {b.convert(g, from)};
}

Grads addGrad(GradBuilder &, Node *, Node *g, const OperandMask &needs) {
  return {needs[0] ? g : nullptr, needs[1] ? g : nullptr};
}

Grads subGrad(GradBuilder &b, Node *, Node *g, const OperandMask &needs) {
  return {needs[0] ? g : nullptr, needs[1] ? b.neg(g) : nullptr};
}

Grads mulGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &needs) {
  return {needs[0] ? b.mul(g, n->operand(1)) : nullptr,
          needs[1] ? b.mul(g, n->operand(0)) : nullptr};
}

// y = a / b: dy/da = 1/b, dy/db = -a/b^2 = -(1/b) y.
Grads divGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &needs) {
  Node *overB = b.div(g, n->operand(1));
  return {needs[0] ? overB : nullptr,
          needs[1] ? b.neg(b.mul(overB, n)) : nullptr};
}

// y = a^p: dy/da = p a^(p-1) (also right for a <= 0 and integral p),
// dy/dp = y log(a) (NaN for a < 0, where y is not differentiable in p).
Grads powGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &needs) {
  Node *a = n->operand(0), *p = n->operand(1);
  Node *da = nullptr, *dp = nullptr;
  if (needs[0]) {
    Node *lowered = b.op(OpKind::Pow, {a, b.sub(p, b.scalar(1.0, p->dtype()))});
    da = b.mul(g, b.mul(p, lowered));
  }
  if (needs[1])
    dp = b.mul(g, b.mul(n, b.op(OpKind::Log, {a})));
  return {da, dp};
}

/// maximum and minimum: `secondWins` is where the second operand is
/// strictly chosen; ties go to the first.
Grads chooseGrad(GradBuilder &b, Node *secondWins, Node *g,
                 const OperandMask &needs) {
  return {needs[0] ? b.zeroOrSelect(secondWins, g) : nullptr,
          needs[1] ? b.selectOrZero(secondWins, g) : nullptr};
}

Grads maximumGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &needs) {
  return chooseGrad(b, b.greater(n->operand(1), n->operand(0)), g, needs);
}

Grads minimumGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &needs) {
  return chooseGrad(b, b.greater(n->operand(0), n->operand(1)), g, needs);
}

Grads selectGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &needs) {
  Node *c = n->operand(0);
  return {nullptr, needs[1] ? b.selectOrZero(c, g) : nullptr,
          needs[2] ? b.zeroOrSelect(c, g) : nullptr};
}

/// Unspecialised dropout is its evaluation form, the identity.
Grads dropoutGrad(GradBuilder &, Node *, Node *g, const OperandMask &) {
  return {g};
}

/// The same mask on the incoming gradient: the same op with the same step,
/// seed and key regenerates it, so no mask is stored between the passes.
Grads dropoutTrainGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  return {
      b.op(OpKind::DropoutTrain, {g, n->operand(1), n->operand(2)}, n->attrs()),
      nullptr, nullptr};
}

} // namespace

void addElementwiseGradients(GradRuleTable &t) {
  t.set(OpKind::Neg, negGrad);
  t.set(OpKind::Abs, absGrad);
  t.set(OpKind::Exp, expGrad);
  t.set(OpKind::Log, logGrad);
  t.set(OpKind::Sqrt, sqrtGrad);
  t.set(OpKind::Rsqrt, rsqrtGrad);
  t.set(OpKind::Square, squareGrad);
  t.set(OpKind::Sign, noGradient);
  t.set(OpKind::Relu, reluGrad);
  t.set(OpKind::LeakyRelu, leakyReluGrad);
  t.set(OpKind::Elu, eluGrad);
  t.set(OpKind::Sigmoid, sigmoidGrad);
  t.set(OpKind::Tanh, tanhGrad);
  t.set(OpKind::Softplus, softplusGrad);
  t.set(OpKind::Erf, erfGrad);
  t.set(OpKind::Cos, cosGrad);
  t.set(OpKind::Sin, sinGrad);
  t.set(OpKind::Floor, noGradient);
  t.set(OpKind::Gelu, geluGrad);
  t.set(OpKind::Silu, siluGrad);
  t.set(OpKind::Convert, convertGrad);
  t.set(OpKind::Add, addGrad);
  t.set(OpKind::Sub, subGrad);
  t.set(OpKind::Mul, mulGrad);
  t.set(OpKind::Div, divGrad);
  t.set(OpKind::Pow, powGrad);
  t.set(OpKind::Maximum, maximumGrad);
  t.set(OpKind::Minimum, minimumGrad);
  t.set(OpKind::Greater, noGradient);
  t.set(OpKind::Equal, noGradient);
  t.set(OpKind::Select, selectGrad);
  t.set(OpKind::Dropout, dropoutGrad);
  t.set(OpKind::DropoutTrain, dropoutTrainGrad);
}

} // namespace voskhod::autodiff
