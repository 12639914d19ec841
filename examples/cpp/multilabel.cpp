//===- examples/cpp/multilabel.cpp - several yes/no labels per example ----===//
///
/// A multi-label classifier: each of 128 points in 4-D carries three
/// independent binary labels, and a 4 → 16 → 3 network with a tanh hidden
/// layer predicts all three at once, one logit each, trained with the
/// sigmoid cross-entropy (a binary cross-entropy per label, averaged). Two
/// labels are half-spaces (x0 + x1 > 0, x2 > x3 / 2); the third,
/// x1 · x2 > 0, is an XOR of signs that no linear model separates, which
/// is what the hidden layer is for. The graph holds the points as
/// constants and trains on all of them at once; examples/multilabel.vg is
/// this program's `--print`. The program checks that every label of at
/// least 97% of the points comes out right.
///
//===----------------------------------------------------------------------===//
#include "examples/cpp/support/Datasets.h"
#include "examples/cpp/support/ExampleLoop.h"

#include <cstdio>

using namespace voskhod;
using namespace voskhod::examples;

namespace {

constexpr int64_t kRows = 128, kIn = 4, kHidden = 16, kLabels = 3;

std::vector<double> points() {
  std::vector<float> xs = normalMatrix(kRows, kIn, /*seed=*/3);
  return {xs.begin(), xs.end()};
}

std::vector<double> labelsOf(const std::vector<double> &x) {
  std::vector<double> t;
  for (int64_t r = 0; r < kRows; ++r) {
    const double *p = &x[r * kIn];
    t.push_back(p[0] + p[1] > 0);
    t.push_back(p[2] > 0.5 * p[3]);
    t.push_back(p[1] * p[2] > 0);
  }
  return t;
}

void build(Graph &g) {
  std::vector<double> x = points();
  Tensor xs = g.constant(f32({kRows, kIn}), x).named("x");
  Tensor targets = g.constant(f32({kRows, kLabels}), labelsOf(x)).named("t");
  nn::Sequential model(
      nn::Linear(g, kIn, kHidden, {.weightInit = init::xavierUniform()}),
      nn::Tanh(), nn::Linear(g, kHidden, kLabels));
  nameParameters(model, {"w1", "b1", "w2", "b2"});
  std::vector<Tensor> layers = model.trace(xs);
  layers[1].named("h");
  Tensor logits = layers[2].named("logits");
  Tensor loss = nn::sigmoidCrossEntropy(logits, targets).named("loss");
  g.minimize(loss, optim::Adam{.lr = 0.02});
  g.returns({logits});
}

Expected<bool> train(const Graph &g) {
  auto model = compileExample(g, /*seed=*/0);
  if (!model)
    return model.status();
  auto losses = trainSteps(*model, 500);
  if (!losses)
    return losses.status();
  std::printf("loss: %.6g after step 0, %.6g after step %zu\n", losses->front(),
              losses->back(), losses->size() - 1);
  auto outputs = model->forward({});
  if (!outputs)
    return outputs.status();
  auto allLogits = values(*outputs, "logits");
  if (!allLogits)
    return allLogits.status();
  const std::vector<double> &logits = *allLogits;
  std::vector<double> truth = labelsOf(points());
  if (logits.size() != truth.size())
    return makeError("the forward pass returned " +
                     std::to_string(logits.size()) + " logits, not " +
                     std::to_string(truth.size()));
  int64_t allRight = 0, right[kLabels] = {};
  for (int64_t r = 0; r < kRows; ++r) {
    bool all = true;
    for (int64_t k = 0; k < kLabels; ++k) {
      bool ok = (logits[r * kLabels + k] > 0) == (truth[r * kLabels + k] > 0);
      right[k] += ok;
      all &= ok;
    }
    allRight += all;
  }
  for (int64_t k = 0; k < kLabels; ++k)
    std::printf("label %lld accuracy: %.4g%%\n", (long long)k,
                100.0 * double(right[k]) / kRows);
  return reportAtLeast("points with every label right (%)",
                       100.0 * double(allRight) / kRows, 97);
}

} // namespace

int main(int argc, char **argv) {
  return exampleMain(argc, argv, "multilabel", build, train);
}
