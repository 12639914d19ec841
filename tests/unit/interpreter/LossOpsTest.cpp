//===- tests/unit/interpreter/LossOpsTest.cpp - the four losses -----------===//
///
/// Losses are means over the batch, as PyTorch's default reduction:
/// cross-entropy with class labels and with probability targets, binary
/// cross-entropy on logits, squared and absolute error. Hand-worked values
/// (to 40 digits with Python's decimal module), the label range error, and
/// logits large enough to overflow any naive exp.
///
//===----------------------------------------------------------------------===//
#include "InterpreterTesting.h"

namespace voskhod::ir::testing {
namespace {

// logits [[1, 2, 3], [1, 1, 1]]: row 0 has log_softmax 3 - log(e + e^2 + e^3)
// = -0.40760596444438 at class 2, row 1 is uniform: -log 3 everywhere.
const std::vector<double> kLogits = {1, 2, 3, 1, 1, 1};

TEST(SoftmaxCrossEntropy, ClassLabels) {
  HostTensor r = apply(OpKind::SoftmaxCrossEntropy,
                       {{f64({2, 3}), kLogits}, {i32({2}), {2, 0}}});
  // (0.4076059644443803 + 1.0986122886681098) / 2
  expectTensor(r, f64({}), {0.753109126556245}, 1e-15);
}

TEST(SoftmaxCrossEntropy, ProbabilityTargets) {
  HostTensor r = apply(OpKind::SoftmaxCrossEntropy,
                       {{f64({2, 3}), kLogits},
                        {f64({2, 3}), {0.1, 0.2, 0.7, 0.5, 0.25, 0.25}}});
  // Row 0: -(0.1 * -2.4076 + 0.2 * -1.4076 + 0.7 * -0.4076); row 1: log 3.
  expectTensor(r, f64({}), {0.953109126556245}, 1e-15);
}

TEST(SoftmaxCrossEntropy, OneHotTargetsEqualLabels) {
  Draw draw(41);
  std::vector<double> logits = draw.values(4 * 5, -4, 4);
  std::vector<double> labels = {3, 0, 4, 1};
  std::vector<double> oneHot(20, 0);
  for (int i = 0; i < 4; ++i)
    oneHot[i * 5 + int(labels[i])] = 1;
  HostTensor a = apply(OpKind::SoftmaxCrossEntropy,
                       {{f64({4, 5}), logits}, {i32({4}), labels}});
  HostTensor b = apply(OpKind::SoftmaxCrossEntropy,
                       {{f64({4, 5}), logits}, {f64({4, 5}), oneHot}});
  // And directly: mean of log(sum e^x) - x[label].
  double expected = 0;
  for (int i = 0; i < 4; ++i) {
    double sum = 0;
    for (int j = 0; j < 5; ++j)
      sum += std::exp(logits[i * 5 + j]);
    expected += std::log(sum) - logits[i * 5 + int(labels[i])];
  }
  expectNear(a.data, {expected / 4}, 1e-14);
  expectNear(b.data, {expected / 4}, 1e-14);
}

TEST(SoftmaxCrossEntropy, RankThreeLogitsAndRankOne) {
  // [2, 1, 3] logits, labels [2, 1]: the rows are [1, 2, 3] and [1, 1, 1].
  HostTensor r = apply(OpKind::SoftmaxCrossEntropy,
                       {{f32({2, 1, 3}), kLogits}, {i32({2, 1}), {2, 1}}});
  expectTensor(r, f32({}), {0.753109126556245}, 1e-15);
  // A single row: labels are a scalar.
  HostTensor one = apply(OpKind::SoftmaxCrossEntropy,
                         {{f64({3}), {1, 2, 3}}, {i32({}), {0}}});
  expectTensor(one, f64({}), {2.40760596444438}, 1e-15);
}

TEST(SoftmaxCrossEntropy, LargeLogitsStayFinite) {
  // Row 0 is certain of its label: loss 0. Row 1 puts the label 2000 below
  // the winner: loss 2000. Row 2 ties two huge logits: loss log 2.
  HostTensor r = apply(OpKind::SoftmaxCrossEntropy,
                       {{f64({3, 2}), {1000, -1000, 1000, -1000, 1e4, 1e4}},
                        {i32({3}), {0, 1, 1}}});
  expectTensor(r, f64({}), {(0 + 2000 + std::log(2.0)) / 3}, 1e-15);
  HostTensor soft =
      apply(OpKind::SoftmaxCrossEntropy,
            {{f64({1, 2}), {1000, -1000}}, {f64({1, 2}), {0.75, 0.25}}});
  expectTensor(soft, f64({}), {500}, 1e-15);
}

TEST(SoftmaxCrossEntropy, LabelOutOfRangeIsAnError) {
  for (double bad : {3.0, -1.0}) {
    OpGraph og;
    Node *logits = og.input(f64({2, 3}), kLogits);
    Node *labels = og.input(i32({2}), {0, bad});
    Node *loss = og.op(OpKind::SoftmaxCrossEntropy, {logits, labels});
    EXPECT_EQ(og.error(loss), "'softmax_cross_entropy' label " +
                                  std::to_string(int(bad)) +
                                  " is out of range [0, 3)");
  }
}

TEST(SigmoidCrossEntropy, MatchesBinaryCrossEntropyOfSigmoid) {
  // -(t log σ(x) + (1 - t) log(1 - σ(x))), averaged over the three entries.
  HostTensor r = apply(OpKind::SigmoidCrossEntropy,
                       {{f64({3}), {2, -1, 0.5}}, {f64({3}), {1, 0, 0.25}}});
  expectTensor(r, f64({}), {0.4297555609137673}, 1e-15);
}

TEST(SigmoidCrossEntropy, RandomAgainstTheLogForm) {
  Draw draw(42);
  std::vector<double> x = draw.values(12, -6, 6);
  std::vector<double> t(12);
  for (double &v : t)
    v = draw.uniform(0.05, 0.95);
  double expected = 0;
  for (int i = 0; i < 12; ++i) {
    double s = 1 / (1 + std::exp(-x[i]));
    expected -= t[i] * std::log(s) + (1 - t[i]) * std::log(1 - s);
  }
  HostTensor r =
      apply(OpKind::SigmoidCrossEntropy, {{f64({3, 4}), x}, {f64({3, 4}), t}});
  expectNear(r.data, {expected / 12}, 1e-13);
}

TEST(SigmoidCrossEntropy, LargeLogitsStayFinite) {
  // Confidently wrong costs |x|; confidently right costs e^-|x| ~ 0.
  HostTensor r =
      apply(OpKind::SigmoidCrossEntropy,
            {{f64({4}), {1000, -1000, 1000, -1000}}, {f64({4}), {0, 1, 1, 0}}});
  expectTensor(r, f64({}), {500}, 1e-15);
}

TEST(MseLoss, MeanOfSquares) {
  // differences [0.5, -3, 1]: (0.25 + 9 + 1) / 3
  HostTensor r = apply(OpKind::MseLoss,
                       {{f64({3}), {1, -2, 3.5}}, {f64({3}), {0.5, 1, 2.5}}});
  expectTensor(r, f64({}), {10.25 / 3}, 1e-15);
  HostTensor m = apply(OpKind::MseLoss, {{f32({2, 2}), {1, 2, 3, 4}},
                                         {f32({2, 2}), {2, 2, 2, 2}}});
  expectTensor(m, f32({}), {1.5}); // (1 + 0 + 1 + 4) / 4
}

TEST(L1Loss, MeanOfAbsoluteDifferences) {
  HostTensor r = apply(OpKind::L1Loss,
                       {{f64({3}), {1, -2, 3.5}}, {f64({3}), {0.5, 1, 2.5}}});
  expectTensor(r, f64({}), {1.5}, 1e-15); // (0.5 + 3 + 1) / 3
}

} // namespace
} // namespace voskhod::ir::testing
