//===- compiler/autodiff/LossGradients.cpp - normalisations and losses ----===//
///
/// Gradients of softmax, log_softmax and the loss ops, in the forms that stay
/// finite for any finite logits: log_softmax's gradient is g − softmax(a)·Σg
/// (never exp of a large value), softmax_cross_entropy's is
/// (softmax(logits) − one_hot(labels)) / rows, and sigmoid_cross_entropy's is
/// (sigmoid(x) − t) / n. Losses are means, as PyTorch's default reduction:
/// rows for cross-entropy (every axis but the class axis), elements for the
/// others. Labels, when integers, get no gradient; float targets do.
///
//===----------------------------------------------------------------------===//
#include "compiler/autodiff/GradientRules.h"

namespace voskhod::autodiff {

using namespace ir;

namespace {

using Grads = std::vector<Node *>;

Node *sumOver(GradBuilder &b, Node *x, int64_t axis) {
  return b.reduceSum(x, {axis}, true);
}

// y = softmax(a): da = (g − Σ g·y) · y along the axis.
Grads softmaxGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  int64_t axis = n->attrs().getInt("axis");
  return {b.mul(b.sub(g, sumOver(b, b.mul(g, n), axis)), n)};
}

// y = log_softmax(a): da = g − softmax(a) · Σ g along the axis.
Grads logSoftmaxGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  int64_t axis = n->attrs().getInt("axis");
  Node *a = n->operand(0);
  return {b.sub(g, b.mul(b.softmax(a, axis), sumOver(b, g, axis)))};
}

/// g divided by the number of terms the loss averages.
Node *meanScale(GradBuilder &b, Node *g, int64_t count) {
  return b.div(g, double(count));
}

Grads softmaxCrossEntropyGrad(GradBuilder &b, Node *n, Node *g,
                              const OperandMask &needs) {
  Node *logits = n->operand(0), *labels = n->operand(1);
  int64_t classes = logits->shape().back();
  Node *scale = meanScale(b, g, logits->type().numElements() / classes);
  int64_t axis = logits->rank() - 1;
  if (labels->dtype() == DType::I32) {
    Attrs attrs;
    attrs.set("depth", classes);
    attrs.set("dtype", logits->dtype());
    Node *target = b.op(OpKind::OneHot, {labels}, std::move(attrs));
    return {b.mul(b.sub(b.softmax(logits, axis), target), scale), nullptr};
  }
  // Float targets need not sum to one: L = −Σ t·(a − logsumexp(a)) per row
  // gives dL/da = softmax(a)·Σt − t and dL/dt = −log_softmax(a).
  Node *dLogits = nullptr, *dTargets = nullptr;
  if (needs[0]) {
    Node *weighted = b.mul(b.softmax(logits, axis), sumOver(b, labels, axis));
    dLogits = b.mul(b.sub(weighted, labels), scale);
  }
  if (needs[1]) {
    Attrs attrs;
    attrs.set("axis", axis);
    Node *logProbs = b.op(OpKind::LogSoftmax, {logits}, std::move(attrs));
    dTargets = b.mul(b.neg(logProbs), scale);
  }
  return {dLogits, dTargets};
}

// mean(max(x,0) − x·t + log(1 + exp(−|x|))): dx = (sigmoid(x) − t)/n,
// dt = −x/n.
Grads sigmoidCrossEntropyGrad(GradBuilder &b, Node *n, Node *g,
                              const OperandMask &needs) {
  Node *x = n->operand(0), *t = n->operand(1);
  Node *scale = meanScale(b, g, x->type().numElements());
  return {needs[0] ? b.mul(b.sub(b.op(OpKind::Sigmoid, {x}), t), scale)
                   : nullptr,
          needs[1] ? b.mul(b.neg(x), scale) : nullptr};
}

/// Losses of the difference d = a − b: da = f'(d)·scale, db = −da.
Grads differenceLossGrad(GradBuilder &b, Node *dA, const OperandMask &needs) {
  return {needs[0] ? dA : nullptr, needs[1] ? b.neg(dA) : nullptr};
}

Grads mseLossGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &needs) {
  Node *x = n->operand(0);
  Node *scale = meanScale(b, b.mul(g, 2.0), x->type().numElements());
  return differenceLossGrad(b, b.mul(b.sub(x, n->operand(1)), scale), needs);
}

Grads l1LossGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &needs) {
  Node *x = n->operand(0);
  Node *scale = meanScale(b, g, x->type().numElements());
  Node *sign = b.op(OpKind::Sign, {b.sub(x, n->operand(1))});
  return differenceLossGrad(b, b.mul(sign, scale), needs);
}

} // namespace

void addLossGradients(GradRuleTable &t) {
  t.set(OpKind::Softmax, softmaxGrad);
  t.set(OpKind::LogSoftmax, logSoftmaxGrad);
  t.set(OpKind::OneHot, noGradient);
  t.set(OpKind::SoftmaxCrossEntropy, softmaxCrossEntropyGrad);
  t.set(OpKind::SigmoidCrossEntropy, sigmoidCrossEntropyGrad);
  t.set(OpKind::MseLoss, mseLossGrad);
  t.set(OpKind::L1Loss, l1LossGrad);
}

} // namespace voskhod::autodiff
