//===- examples/cpp/classifier.cpp - the seed classifier, in C++ ----------===//
///
/// The 3 → 10 → 20 → 3 classifier of examples/classifier.vg built with
/// nn::Sequential, trained with SGD and weight decay on three Gaussian blobs
/// in 3-D (Datasets.h) in mini-batches of two, as the seed declares. The
/// program checks the accuracy on held-out points; about 1% of them lie
/// nearer another blob's centre, so no classifier gets them all.
///
/// The seed names its values (w1, b1, h1, ...) where Sequential would say
/// 0.weight, 0.bias, ...: naming nodes is only for readers, so `--print`
/// gives exactly the text of examples/classifier.vg.
///
//===----------------------------------------------------------------------===//
#include "examples/cpp/support/Datasets.h"
#include "examples/cpp/support/ExampleLoop.h"

using namespace voskhod;
using namespace voskhod::examples;

namespace {

void build(Graph &g) {
  Tensor x = g.input("x", f32({2, 3}));
  Tensor y = g.input("y", i32({2}));
  nn::Sequential model(
      nn::Linear(g, 3, 10, {.weightInit = init::heNormal()}), nn::ReLU(),
      nn::Linear(g, 10, 20, {.weightInit = init::xavierUniform()}), nn::ReLU(),
      nn::Linear(g, 20, 3, {.weightInit = init::xavierUniform()}));

  nameParameters(model, {"w1", "b1", "w2", "b2", "w3", "b3"});
  std::vector<Tensor> layers = model.trace(x);
  layers[1].named("h1");
  layers[3].named("h2");
  Tensor logits = layers[4].named("lg");

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
