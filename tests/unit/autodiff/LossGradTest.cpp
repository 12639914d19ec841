//===- tests/unit/autodiff/LossGradTest.cpp - normalisations and losses ---===//
#include "GradCase.h"

using namespace voskhod;
using namespace voskhod::ir;
using namespace voskhod::autodiff::testing;

namespace {

constexpr uint64_t kSeeds[] = {31, 32, 33};

TEST(LossGrad, SoftmaxAndLogSoftmaxOnEveryAxis) {
  for (uint64_t seed : kSeeds)
    for (int64_t axis : {0, 1, 2}) {
      GradCase c(seed);
      Node *x = c.param(c.shape(3));
      Node *y = c.param(x->shape());
      Node *s = c.op(OpKind::Softmax, {x}, attrs("axis", axis));
      Node *l = c.op(OpKind::LogSoftmax, {y}, attrs("axis", axis));
      c.check(c.op(OpKind::Add, {s, l}));
    }
}

TEST(LossGrad, SoftmaxCrossEntropyWithLabels) {
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    Shape s = c.shape(2);
    Node *logits = c.param(s);
    Node *labels = c.labels({s[0]}, s[1]);
    c.check(c.op(OpKind::SoftmaxCrossEntropy, {logits, labels}));
  }
}

TEST(LossGrad, SoftmaxCrossEntropyRankThreeAndRankOne) {
  GradCase c(4);
  Node *logits = c.param({2, 3, 4});
  Node *labels = c.labels({2, 3}, 4);
  Node *single = c.param({5});
  Node *label = c.labels({}, 5);
  c.check(
      c.op(OpKind::Add, {c.op(OpKind::SoftmaxCrossEntropy, {logits, labels}),
                         c.op(OpKind::SoftmaxCrossEntropy, {single, label})}));
}

TEST(LossGrad, SoftmaxCrossEntropyWithFloatTargets) {
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    Shape s = c.shape(2);
    Node *logits = c.param(s);
    // Targets that do not sum to one, and are themselves differentiated.
    Node *targets = c.param(s, Values::Probabilities);
    c.check(c.op(OpKind::SoftmaxCrossEntropy, {logits, targets}));
  }
}

TEST(LossGrad, SoftmaxCrossEntropyStaysFiniteForLargeLogits) {
  GradCase c(5);
  Node *logits = c.param({2, 3});
  c.values()[logits].data = {800, -700, 1, 0.5, 900, -900};
  Node *labels = c.labels({2}, 3);
  Node *loss = c.op(OpKind::SoftmaxCrossEntropy, {logits, labels});
  DiagnosticEngine diags;
  auto grads = autodiff::appendGradients(c.graph(), loss, {logits}, diags);
  ASSERT_TRUE(grads) << grads.message();
  c.graph().results() = {(*grads)[0]};
  auto eval = evaluate(c.graph(), c.values());
  ASSERT_TRUE(eval) << eval.message();
  for (double v : eval->value((*grads)[0]).data)
    EXPECT_TRUE(std::isfinite(v));
}

TEST(LossGrad, SigmoidCrossEntropy) {
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    Shape s = c.shape(2);
    Node *x = c.param(s);
    Node *t = c.param(s, Values::Probabilities);
    c.check(c.op(OpKind::SigmoidCrossEntropy, {x, t}));
  }
}

TEST(LossGrad, MseAndL1) {
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    Shape s = c.shape(2);
    Node *a = c.param(s), *b = c.param(s);
    Node *p = c.param(s), *q = c.input(s);
    // |p - q| stays away from its kink: the inputs differ by at least 0.4
    // or have opposite signs.
    for (size_t i = 0; i < c.values()[p].data.size(); ++i)
      c.values()[q].data[i] =
          c.values()[p].data[i] + (c.values()[q].data[i] > 0 ? 0.5 : -0.5);
    c.check(c.op(OpKind::Add, {c.op(OpKind::MseLoss, {a, b}),
                               c.op(OpKind::L1Loss, {p, q})}));
  }
}

TEST(LossGrad, ClassifierLikeChain) {
  GradCase c(9);
  Node *x = c.input({2, 3});
  Node *y = c.labels({2}, 3);
  Node *w1 = c.param({3, 4}), *b1 = c.param({4});
  Node *w2 = c.param({4, 3}), *b2 = c.param({3});
  Node *h = c.op(OpKind::Relu,
                 {c.op(OpKind::Add, {c.op(OpKind::Matmul, {x, w1}), b1})});
  Node *lg = c.op(OpKind::Add, {c.op(OpKind::Matmul, {h, w2}), b2});
  c.check(c.op(OpKind::SoftmaxCrossEntropy, {lg, y}));
}

} // namespace
