//===- examples/cpp/custom_module.cpp - a model as a custom nn::Module ----===//
///
/// A small residual network written the PyTorch way, as a class with
/// submodules and a forward, trained with Adam on mean squared error plus an
/// L2 penalty on its weights. Prints the graph as `.vg` text, with the
/// parameters under their hierarchical names (`stem.weight`, ...).
///
//===----------------------------------------------------------------------===//
#include "compiler/text/Printer.h"
#include "frontend/Frontend.h"

#include <iostream>

using namespace voskhod;

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

int main() {
  Graph g("residual");
  Tensor x = g.input("x", f32({16, 4}));
  Tensor target = g.input("target", f32({16, 2}));

  ResidualNet net(g, 4, 32, 2);
  Tensor prediction = net(x).named("prediction");
  Tensor loss =
      (nn::mseLoss(prediction, target) +
       nn::l2Penalty({net.stem.weight(), net.inner.weight(), net.head.weight()},
                     1e-4))
          .named("loss");
  g.minimize(loss, optim::Adam{.lr = 3e-3});
  g.returns({prediction});

  auto graph = g.build();
  if (!graph) {
    std::cerr << graph.message() << "\n";
    return 1;
  }
  ir::printGraph(**graph, std::cout);
  return 0;
}
