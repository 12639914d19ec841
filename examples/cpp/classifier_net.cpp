//===- examples/cpp/classifier_net.cpp - the seed classifier as a Module --===//
///
/// The seed classifier once more, written the way a PyTorch user writes a
/// model: a `Net` class that owns its parameters and spells out its forward
/// pass. It builds the very graph of examples/classifier.vg (`--print` gives
/// its text) and trains it on the same blobs to the same target as
/// classifier.cpp, which builds it from nn::Sequential instead.
///
//===----------------------------------------------------------------------===//
#include "examples/cpp/support/Datasets.h"
#include "examples/cpp/support/ExampleLoop.h"

using namespace voskhod;
using namespace voskhod::examples;

namespace {

class Net : public nn::Module {
public:
  explicit Net(Graph &g) {
    w1 = registerParameter(g, "w1", f32({3, 10}), init::heNormal());
    b1 = registerParameter(g, "b1", f32({10}), init::zeros());
    w2 = registerParameter(g, "w2", f32({10, 20}), init::xavierUniform());
    b2 = registerParameter(g, "b2", f32({20}), init::zeros());
    w3 = registerParameter(g, "w3", f32({20, 3}), init::xavierUniform());
    b3 = registerParameter(g, "b3", f32({3}), init::zeros());
  }

  Tensor forward(const Tensor &x) override {
    Tensor h1 = (x.matmul(w1) + b1).relu().named("h1");
    Tensor h2 = (h1.matmul(w2) + b2).relu().named("h2");
    return (h2.matmul(w3) + b3).named("lg");
  }

  Tensor w1, b1, w2, b2, w3, b3;
};

void build(Graph &g) {
  Tensor x = g.input("x", f32({2, 3}));
  Tensor y = g.input("y", i32({2}));
  Net net(g);
  Tensor logits = net(x);
  Tensor loss = nn::softmaxCrossEntropy(logits, y).named("loss");
  g.minimize(loss, optim::SGD{.lr = 0.01, .weightDecay = 0.05});
  g.returns({logits});
}

Expected<bool> train(const Graph &g) {
  rt::Dataset trainSet = blobs(600, /*seed=*/20);
  rt::Dataset testSet = blobs(300, /*seed=*/21);
  auto model = compileExample(g, /*seed=*/0);
  if (!model)
    return model.status();
  auto losses = trainEpochs(*model, trainSet, {}, /*epochs=*/2, 0);
  if (!losses)
    return losses.status();
  auto logits = predict(*model, testSet, {});
  if (!logits)
    return logits.status();
  return reportAtLeast("test accuracy (%)", 100 * accuracy(*logits, testSet),
                       95);
}

} // namespace

int main(int argc, char **argv) {
  return exampleMain(argc, argv, "classifier", build, train);
}
