//===- examples/cpp/compare_optimizers.cpp - five update rules, one model -===//
///
/// Trains the same 2 → 32 → 32 → 3 ReLU classifier on the same three noisy
/// rings (Datasets.h) with each of SGD, SGD with momentum, Adagrad, RMSProp
/// and Adam, from the same initial parameters and through the same
/// mini-batches, so that the update rule is the only difference. It prints
/// each rule's final training loss and held-out accuracy, draws the five
/// training-loss curves (mean loss per epoch) in one SVG, and fails when a
/// rule misses the accuracy it is expected to reach.
///
/// `--print RULE` prints that rule's graph instead: examples/optimizers/
/// RULE.vg holds exactly that text, which `voskhod train --data` trains on
/// examples/data/rings_{train,test}.csv.
///
//===----------------------------------------------------------------------===//
#include "examples/cpp/support/Datasets.h"
#include "examples/cpp/support/ExampleLoop.h"
#include "trainer/Plot.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

using namespace voskhod;
using namespace voskhod::examples;

namespace {

constexpr int64_t kBatch = 32, kEpochs = 10;

struct Rule {
  const char *name;
  optim::Spec spec;
  /// Held-out accuracy (%) the rule must reach in kEpochs.
  double target;
};

const std::vector<Rule> &rules() {
  static const std::vector<Rule> all = {
      {"sgd", optim::SGD{.lr = 0.1}, 80},
      {"momentum", optim::SGD{.lr = 0.05, .momentum = 0.9}, 95},
      {"adagrad", optim::Adagrad{.lr = 0.1}, 95},
      {"rmsprop", optim::RMSProp{.lr = 0.01}, 93},
      {"adam", optim::Adam{.lr = 0.01}, 95},
  };
  return all;
}

void build(Graph &g, const Rule &rule) {
  Tensor x = g.input("x", f32({kBatch, 2}));
  Tensor y = g.input("y", i32({kBatch}));
  nn::Sequential model(nn::Linear(g, 2, 32), nn::ReLU(), nn::Linear(g, 32, 32),
                       nn::ReLU(), nn::Linear(g, 32, 3));
  nameParameters(model, {"w1", "b1", "w2", "b2", "w3", "b3"});
  std::vector<Tensor> layers = model.trace(x);
  layers[1].named("h1");
  layers[3].named("h2");
  Tensor logits = layers[4].named("logits");
  Tensor loss = nn::softmaxCrossEntropy(logits, y).named("loss");
  g.minimize(loss, rule.spec);
  g.returns({logits});
}

std::string graphName(const Rule &rule) {
  return std::string("rings_") + rule.name;
}

int print(const std::string &name) {
  for (const Rule &rule : rules()) {
    if (name != rule.name)
      continue;
    Graph g(graphName(rule));
    build(g, rule);
    auto text = toText(g);
    if (!text) {
      std::cerr << text.message() << "\n";
      return 1;
    }
    std::cout << *text;
    return 0;
  }
  std::cerr << "error: no update rule '" << name << "'\n";
  return 1;
}

/// The mean of each epoch's step losses.
std::vector<double> epochMeans(const std::vector<double> &losses) {
  std::vector<double> means;
  size_t perEpoch = losses.size() / kEpochs;
  for (size_t e = 0; e < size_t(kEpochs); ++e) {
    double sum = 0;
    for (size_t i = e * perEpoch; i < (e + 1) * perEpoch; ++i)
      sum += losses[i];
    means.push_back(sum / double(perEpoch));
  }
  return means;
}

int compare(const std::string &svgPath) {
  rt::Dataset trainSet = rings(600, /*seed=*/30);
  rt::Dataset testSet = rings(300, /*seed=*/31);
  std::vector<rt::Curve> curves;
  bool allReached = true;
  std::printf("%-10s %12s %15s\n", "rule", "final loss", "test accuracy");
  for (const Rule &rule : rules()) {
    Graph g(graphName(rule));
    build(g, rule);
    auto model = compileExample(g, /*seed=*/0);
    if (!model) {
      std::cerr << "error: " << model.message() << "\n";
      return 1;
    }
    auto losses = trainEpochs(*model, trainSet, {}, kEpochs, /*seed=*/0);
    if (!losses) {
      std::cerr << "error: " << rule.name << ": " << losses.message() << "\n";
      return 1;
    }
    auto logits = predict(*model, testSet, {});
    if (!logits) {
      std::cerr << "error: " << logits.message() << "\n";
      return 1;
    }
    double percent = 100 * accuracy(*logits, testSet);
    rt::Curve curve;
    curve.name = rule.name;
    curve.markers = true;
    curve.y = epochMeans(*losses);
    for (size_t e = 0; e < curve.y.size(); ++e)
      curve.x.push_back(double(e + 1));
    bool reached = percent >= rule.target;
    allReached &= reached;
    std::printf("%-10s %12.5f %14.2f%% (target >= %g%%)%s\n", rule.name,
                curve.y.back(), percent, rule.target,
                reached ? "" : " NOT REACHED");
    curves.push_back(std::move(curve));
  }
  std::string svg = rt::renderSvg(
      curves, {.title = "Three rings: training loss by update rule",
               .xLabel = "epoch",
               .yLabel = "mean training loss",
               .logY = true});
  std::ofstream out(svgPath, std::ios::binary);
  out << svg;
  out.close();
  if (!out) {
    std::cerr << "error: cannot write '" << svgPath << "'\n";
    return 1;
  }
  std::printf("wrote %s\n", svgPath.c_str());
  return allReached ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
  std::string svgPath = "compare_optimizers.svg";
  if (argc == 3 && std::strcmp(argv[1], "--print") == 0)
    return print(argv[2]);
  if (argc == 3 && std::strcmp(argv[1], "--svg") == 0)
    svgPath = argv[2];
  else if (argc != 1) {
    std::fprintf(stderr, "usage: %s [--svg FILE | --print RULE]\n", argv[0]);
    return 1;
  }
  return compare(svgPath);
}
