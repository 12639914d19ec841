//===- examples/cpp/custom_module.cpp - a model as a custom nn::Module ----===//
///
/// A small residual network written the PyTorch way, as a class with
/// submodules and a forward, trained with Adam on mean squared error plus an
/// L2 penalty on its weights, through the public API (voskhod::compile,
/// Model::trainStep). The targets are a smooth function of the inputs, drawn
/// fresh for every step; the program checks that the network learns it.
/// `--print` prints the graph as `.vg` text, with the parameters under their
/// hierarchical names (`stem.weight`, ...).
///
//===----------------------------------------------------------------------===//
#include "examples/cpp/support/ExampleLoop.h"

#include <cmath>
#include <cstdio>
#include <random>

using namespace voskhod;
using namespace voskhod::examples;

namespace {

constexpr int64_t kBatch = 16, kIn = 4, kOut = 2;

class ResidualNet : public nn::Module {
public:
  ResidualNet(Graph &g, int64_t in, int64_t hidden, int64_t out)
      : stem(g, in, hidden), inner(g, hidden, hidden),
        head(g, hidden, out, {.weightInit = init::xavierUniform()}) {
    registerModule("stem", stem);
    registerModule("inner", inner);
    registerModule("head", head);
  }

  Tensor forward(const Tensor &x) override {
    Tensor h = stem(x).relu();
    h = h + inner(h).tanh(); // the skip connection
    return head(h);
  }

  nn::Linear stem, inner, head;
};

void build(Graph &g) {
  Tensor x = g.input("x", f32({kBatch, kIn}));
  Tensor target = g.input("target", f32({kBatch, kOut}));

  ResidualNet net(g, kIn, 32, kOut);
  Tensor prediction = net(x).named("prediction");
  Tensor loss =
      (nn::mseLoss(prediction, target) +
       nn::l2Penalty({net.stem.weight(), net.inner.weight(), net.head.weight()},
                     1e-4))
          .named("loss");
  g.minimize(loss, optim::Adam{.lr = 3e-3});
  g.returns({prediction});
}

/// The mean loss of `steps` steps, each on a fresh batch of
/// (x, (sin x0 + x1·x2, x3 − x0 / 2)).
Expected<double> meanLoss(Model &model, std::mt19937 &rng, int steps) {
  std::normal_distribution<float> normal;
  std::vector<float> x(kBatch * kIn), target(kBatch * kOut);
  double sum = 0;
  for (int s = 0; s < steps; ++s) {
    for (float &v : x)
      v = normal(rng);
    for (int64_t r = 0; r < kBatch; ++r) {
      const float *p = &x[size_t(r * kIn)];
      target[size_t(r * kOut)] = std::sin(p[0]) + p[1] * p[2];
      target[size_t(r * kOut + 1)] = p[3] - p[0] / 2;
    }
    VOSKHOD_ASSIGN_OR_RETURN(
        double loss,
        model.trainStep({{"x", TensorView(x, {kBatch, kIn})},
                         {"target", TensorView(target, {kBatch, kOut})}}));
    sum += loss;
  }
  return sum / steps;
}

Expected<bool> train(const Graph &g) {
  VOSKHOD_ASSIGN_OR_RETURN(Model model, compileExample(g, /*seed=*/0));
  std::mt19937 rng(42);
  VOSKHOD_ASSIGN_OR_RETURN(double first, meanLoss(model, rng, 20));
  VOSKHOD_ASSIGN_OR_RETURN(double middle, meanLoss(model, rng, 1500));
  VOSKHOD_ASSIGN_OR_RETURN(double last, meanLoss(model, rng, 20));
  std::printf("mean loss: %.4g over the first 20 steps, %.4g over the last "
              "20 (%.4g between)\n",
              first, last, middle);
  return reportAtMost("last / first mean loss", last / first, 0.2);
}

} // namespace

int main(int argc, char **argv) {
  return exampleMain(argc, argv, "residual", build, train);
}
