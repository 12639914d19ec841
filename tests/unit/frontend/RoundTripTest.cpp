//===- tests/unit/frontend/RoundTripTest.cpp - API graphs as `.vg` text ---===//
///
/// The two doors into the IR build one house: a graph built in C++ prints to
/// `.vg` text that parses back to a graph printing identically, and the seed
/// classifier built with nn::Sequential prints exactly as the seed text
/// (DESIGN.md, examples/classifier.vg) parsed and printed.
///
//===----------------------------------------------------------------------===//
#include "frontend/Frontend.h"

#include "compiler/text/Parser.h"
#include "compiler/text/Printer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace voskhod {
namespace {

/// Parses and prints `text`; empty with a test failure when it does not parse.
std::string reprint(const std::string &text, const std::string &file) {
  ir::DiagnosticEngine diags;
  std::unique_ptr<ir::Graph> g = ir::parseGraph(text, file, diags);
  std::ostringstream errors;
  diags.print(errors);
  EXPECT_TRUE(g) << errors.str() << "\nin:\n" << text;
  return g ? ir::printGraph(*g) : "";
}

std::string buildAndPrint(Graph &g) {
  auto built = g.build();
  EXPECT_TRUE(built) << built.message();
  return built ? ir::printGraph(**built) : "";
}

void expectRoundTrip(Graph &g) {
  std::string printed = buildAndPrint(g);
  ASSERT_FALSE(printed.empty());
  EXPECT_EQ(reprint(printed, "api.vg"), printed);
}

/// The seed classifier of DESIGN.md, as C++.
std::string seedClassifierFromCpp() {
  Graph g("classifier");
  Tensor x = g.input("x", f32({2, 3}));
  Tensor y = g.input("y", i32({2}));
  nn::Sequential model(
      nn::Linear(g, 3, 10, {.weightInit = init::heNormal()}), nn::ReLU(),
      nn::Linear(g, 10, 20, {.weightInit = init::xavierUniform()}), nn::ReLU(),
      nn::Linear(g, 20, 3, {.weightInit = init::xavierUniform()}));
  // The seed's own names for what Sequential calls 0.weight, 0.bias, ...
  const char *seedNames[] = {"w1", "b1", "w2", "b2", "w3", "b3"};
  std::vector<Tensor> params = model.parameters();
  EXPECT_EQ(params.size(), 6u);
  for (size_t i = 0; i < params.size() && i < 6; ++i)
    params[i].named(seedNames[i]);
  std::vector<Tensor> outs = model.trace(x);
  outs[1].named("h1");
  outs[3].named("h2");
  Tensor logits = outs[4].named("lg");
  Tensor loss = nn::softmaxCrossEntropy(logits, y).named("loss");
  g.minimize(loss, optim::SGD{.lr = 0.01, .weightDecay = 0.05});
  g.returns({logits});
  return buildAndPrint(g);
}

const char *kSeedText =
    R"(// Seed example: a 3 → 10 → 20 → 3 classifier, SGD with weight decay.
graph @classifier {
  %x  = input f32[2, 3]
  %y  = input i32[2]
  %w1 = param f32[3, 10] init = he_normal
  %b1 = param f32[10]    init = zeros
  %w2 = param f32[10, 20] init = xavier_uniform
  %b2 = param f32[20]    init = zeros
  %w3 = param f32[20, 3] init = xavier_uniform
  %b3 = param f32[3]     init = zeros
  %h1 = relu (add (matmul %x, %w1), %b1)        // nesting is allowed
  %h2 = relu (add (matmul %h1, %w2), %b2)
  %lg = add (matmul %h2, %w3), %b3
  %loss = softmax_cross_entropy %lg, %y
  minimize %loss using sgd {lr = 0.01, weight_decay = 0.05}
  return %lg
}
)";

TEST(FrontendRoundTrip, SeedClassifierMatchesTheDesignText) {
  std::string fromCpp = seedClassifierFromCpp();
  ASSERT_FALSE(fromCpp.empty());
  EXPECT_EQ(fromCpp, reprint(kSeedText, "seed.vg"));
  EXPECT_EQ(reprint(fromCpp, "api.vg"), fromCpp);
}

/// The seed as checked in: examples/classifier.vg, and the copy among the
/// training models.
TEST(FrontendRoundTrip, SeedClassifierMatchesTheExampleFiles) {
  std::string fromCpp = seedClassifierFromCpp();
  int found = 0;
  for (const char *relative :
       {"/examples/classifier.vg", "/examples/models/classifier.vg"}) {
    std::string path = std::string(VOSKHOD_SOURCE_DIR) + relative;
    std::ifstream file(path);
    if (!file)
      continue;
    ++found;
    std::stringstream text;
    text << file.rdbuf();
    EXPECT_EQ(fromCpp, reprint(text.str(), path)) << path;
  }
  if (!found)
    GTEST_SKIP() << "no classifier.vg under examples/ yet";
}

TEST(FrontendRoundTrip, EveryOpPrintsAndParsesBack) {
  Graph g("every_op");
  Tensor x = g.input("x", f32({2, 3}));
  Tensor idx = g.input("idx", i32({2}));
  Tensor w = g.param("w", f32({3, 3}), init::normal(0.5, 0.25));
  Tensor u = g.param("u", f32({3}), init::uniform(-0.125, 2));
  Tensor s = g.state("s", f32({3}), init::constant(1.5));
  Tensor c = g.constant(f32({3}), {1, -2.5, 3e-7});
  Tensor e = (-x).abs().exp().log().sqrt().rsqrt().square().sign();
  Tensor act = x.relu() + x.leakyRelu(0.2) -
               x.elu(0.5) * x.sigmoid() / x.tanh().softplus();
  Tensor bin = pow(x, 2.0).maximum(1 - x).minimum(x * w.sum({0})) + s + c + u;
  Tensor cmp = select(x.greater(0.5), bin, -1.0) + select(x.equal(act), 2.0, e);
  Tensor lay =
      x.matmul(w, false, true).transpose().reshape({-1}).broadcastTo({4, 6});
  Tensor red = lay.sum({1}, true).mean() + lay.max({0}).sum();
  Tensor norm = x.softmax(0).logSoftmax().convert(ir::DType::F64);
  Tensor hot = idx.oneHot(3);
  Tensor loss =
      (nn::softmaxCrossEntropy(cmp, idx) + nn::softmaxCrossEntropy(x, hot) +
       nn::sigmoidCrossEntropy(x, x.sigmoid()) + nn::mseLoss(x, e) +
       nn::l1Loss(act, bin) + red + nn::l2Penalty({w, u}, 1e-4))
          .named("loss");
  g.minimize(loss, optim::AdamW{.lr = 3e-4, .amsgrad = true});
  g.returns({norm, w.matmul(w, true, true), loss});
  expectRoundTrip(g);
}

TEST(FrontendRoundTrip, ModulesPrintTheirHierarchicalNames) {
  Graph g("mlp");
  Tensor x = g.input("x", f32({8, 4}));
  Tensor y = g.input("y", f32({8, 2}));
  nn::Sequential model(nn::Linear(g, 4, 16), nn::Tanh(),
                       nn::Linear(g, 16, 2, {.bias = false}));
  Tensor loss =
      (nn::mseLoss(model(x), y) + nn::l1Penalty(model.parameters(), 0.01))
          .named("loss");
  g.minimize(loss, optim::RMSProp{.lr = 0.05, .centered = true});
  g.returns({loss});
  std::string printed = buildAndPrint(g);
  EXPECT_NE(printed.find("%0.weight = param f32[4, 16] init = he_uniform"),
            std::string::npos)
      << printed;
  EXPECT_NE(printed.find("%2.weight = param f32[16, 2]"), std::string::npos);
  EXPECT_NE(printed.find("using rmsprop {"), std::string::npos);
  EXPECT_EQ(reprint(printed, "mlp.vg"), printed);
}

} // namespace
} // namespace voskhod
