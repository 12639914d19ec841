//===- examples/cpp/linear_l1.cpp - an L1-regularised linear model --------===//
///
/// Least squares with a lasso penalty, trained by plain gradient steps:
///
///     loss = Σ (X·W − Y)² + 0.5 · Σ |W|
///
/// with sums, not means, over 32 rows that the graph holds as constants
/// (examples/linear_l1.vg is this program's `--print`). The rows come from
/// a known sparse W* plus a little noise; the penalty should find W*'s
/// non-zero entries, shrunk a little towards zero, and keep its zero
/// entries at zero. The program checks both, and that the loss ends near
/// the penalty of W* itself, which is about what the lasso optimum costs.
///
//===----------------------------------------------------------------------===//
#include "examples/cpp/support/Datasets.h"
#include "examples/cpp/support/ExampleLoop.h"

#include <cmath>
#include <cstdio>

using namespace voskhod;
using namespace voskhod::examples;

namespace {

constexpr int64_t kRows = 32, kIn = 4, kOut = 2;
// The truth the data comes from: three of its eight entries are non-zero.
constexpr double kTrueW[kIn * kOut] = {1.5, 0, 0, -2.0, 0.8, 0, 0, 0};
constexpr double kPenalty = 0.5;

void build(Graph &g) {
  std::vector<float> xs = normalMatrix(kRows, kIn, /*seed=*/1);
  std::vector<float> noise = normalMatrix(kRows, kOut, /*seed=*/2);
  std::vector<double> x(xs.begin(), xs.end()), y(kRows * kOut);
  for (int64_t r = 0; r < kRows; ++r)
    for (int64_t c = 0; c < kOut; ++c) {
      double sum = 0.01 * noise[r * kOut + c];
      for (int64_t k = 0; k < kIn; ++k)
        sum += x[r * kIn + k] * kTrueW[k * kOut + c];
      y[r * kOut + c] = float(sum);
    }
  Tensor xt = g.constant(f32({kRows, kIn}), x).named("x");
  Tensor yt = g.constant(f32({kRows, kOut}), y).named("y");
  Tensor w = g.param("w", f32({kIn, kOut}), init::zeros());
  Tensor prediction = xt.matmul(w).named("prediction");
  Tensor fit = (prediction - yt).square().sum().named("fit");
  Tensor loss = (fit + nn::l1Penalty({w}, kPenalty)).named("loss");
  g.minimize(loss, optim::SGD{.lr = 0.005});
  g.returns({prediction});
}

Expected<bool> train(const Graph &g) {
  auto model = compileExample(g, /*seed=*/0);
  if (!model)
    return model.status();
  auto losses = trainSteps(*model, 300);
  if (!losses)
    return losses.status();
  std::printf("loss: %.6g after step 0, %.6g after step %zu\n", losses->front(),
              losses->back(), losses->size() - 1);

  auto ws = values(*model, "w");
  if (!ws)
    return ws.status();
  const std::vector<double> &w = *ws;
  double worstNonZero = 0, worstZero = 0, truePenalty = 0;
  for (int64_t i = 0; i < kIn * kOut; ++i) {
    std::printf("w[%lld][%lld] = % .4f (W* % .1f)\n", (long long)(i / kOut),
                (long long)(i % kOut), w[i], kTrueW[i]);
    if (kTrueW[i] == 0) {
      worstZero = std::max(worstZero, std::abs(w[i]));
    } else {
      worstNonZero = std::max(worstNonZero, std::abs(w[i] - kTrueW[i]));
      truePenalty += kPenalty * std::abs(kTrueW[i]);
    }
  }
  bool ok = reportAtMost("final loss", losses->back(), truePenalty + 0.05);
  ok &= reportAtMost("largest |w - W*| where W* != 0", worstNonZero, 0.05);
  ok &= reportAtMost("largest |w| where W* = 0", worstZero, 0.01);
  return ok;
}

} // namespace

int main(int argc, char **argv) {
  return exampleMain(argc, argv, "linear_l1", build, train);
}
