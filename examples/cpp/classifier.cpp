//===- examples/cpp/classifier.cpp - the seed classifier, in C++ ----------===//
///
/// The 3 → 10 → 20 → 3 classifier of examples/classifier.vg built with
/// nn::Sequential, printed as `.vg` text. The seed names its values (w1, b1,
/// h1, ...) where Sequential would say 0.weight, 0.bias, ...: naming nodes
/// is only for readers, so the printed graph matches the text file.
///
//===----------------------------------------------------------------------===//
#include "compiler/ir/Printer.h"
#include "frontend/Frontend.h"

#include <iostream>

using namespace voskhod;

int main() {
  Graph g("classifier");
  Tensor x = g.input("x", f32({2, 3}));
  Tensor y = g.input("y", i32({2}));
  nn::Sequential model(
      nn::Linear(g, 3, 10, {.weightInit = init::heNormal()}), nn::ReLU(),
      nn::Linear(g, 10, 20, {.weightInit = init::xavierUniform()}), nn::ReLU(),
      nn::Linear(g, 20, 3, {.weightInit = init::xavierUniform()}));

  std::vector<Tensor> params = model.parameters();
  const char *names[] = {"w1", "b1", "w2", "b2", "w3", "b3"};
  for (size_t i = 0; i < params.size(); ++i)
    params[i].named(names[i]);
  std::vector<Tensor> layers = model.trace(x);
  layers[1].named("h1");
  layers[3].named("h2");
  Tensor logits = layers[4].named("lg");

  Tensor loss = nn::softmaxCrossEntropy(logits, y).named("loss");
  g.minimize(loss, optim::SGD{.lr = 0.01, .weightDecay = 0.05});
  g.returns({logits});

  auto graph = g.build();
  if (!graph) {
    std::cerr << graph.message() << "\n";
    return 1;
  }
  ir::printGraph(**graph, std::cout);
  return 0;
}
