//===- examples/cpp/exp_fit.cpp - fitting f(x, w) = 1 + exp(w1·x + w0) ----===//
///
/// A scalar function with two parameters, fitted by gradient descent to 32
/// samples of itself at known parameters (w0, w1) = (0.5, −1.2), with mean
/// squared error. The samples are noise-free, so the fit must recover the
/// parameters themselves, not only a small loss; the program checks both.
/// The graph holds the samples as constants; examples/exp_fit.vg is this
/// program's `--print`.
///
//===----------------------------------------------------------------------===//
#include "examples/cpp/support/ExampleLoop.h"

#include <cmath>
#include <cstdio>

using namespace voskhod;
using namespace voskhod::examples;

namespace {

constexpr int64_t kSamples = 32;
constexpr double kTrueW0 = 0.5, kTrueW1 = -1.2;

void build(Graph &g) {
  std::vector<double> x(kSamples), y(kSamples);
  for (int64_t i = 0; i < kSamples; ++i) {
    x[i] = float(-1.0 + 2.0 * double(i) / double(kSamples - 1));
    y[i] = float(1.0 + std::exp(kTrueW1 * x[i] + kTrueW0));
  }
  Tensor xs = g.constant(f32({kSamples}), x).named("x");
  Tensor ys = g.constant(f32({kSamples}), y).named("y");
  Tensor w0 = g.param("w0", f32(), init::zeros());
  Tensor w1 = g.param("w1", f32(), init::zeros());
  Tensor f = ((w1 * xs + w0).exp() + 1.0).named("f");
  Tensor loss = nn::mseLoss(f, ys).named("loss");
  g.minimize(loss, optim::SGD{.lr = 0.05, .momentum = 0.9});
  g.returns({f});
}

Expected<bool> train(const Graph &g) {
  auto model = compileExample(g, /*seed=*/0);
  if (!model)
    return model.status();
  auto losses = trainSteps(*model, 400);
  if (!losses)
    return losses.status();
  auto w0s = values(*model, "w0"), w1s = values(*model, "w1");
  if (!w0s || !w1s)
    return makeError(w0s ? w1s.message() : w0s.message());
  double w0 = w0s->at(0), w1 = w1s->at(0);
  std::printf("loss: %.6g after step 0, %.6g after step %zu\n", losses->front(),
              losses->back(), losses->size() - 1);
  std::printf("w0 = %.5f (true %.1f), w1 = %.5f (true %.1f)\n", w0, kTrueW0, w1,
              kTrueW1);
  bool ok = reportAtMost("final loss", losses->back(), 1e-5);
  ok &= reportAtMost("|w0 - 0.5|", std::abs(w0 - kTrueW0), 1e-3);
  ok &= reportAtMost("|w1 + 1.2|", std::abs(w1 - kTrueW1), 1e-3);
  return ok;
}

} // namespace

int main(int argc, char **argv) {
  return exampleMain(argc, argv, "exp_fit", build, train);
}
