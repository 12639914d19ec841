//===- tests/unit/frontend/SequenceModulesTest.cpp - sequence layers ------===//
///
/// The sequence ops through the API (Tensor::gather, causalSoftmax,
/// layerNorm) and the layers over them (nn::Embedding, nn::LayerNorm): each
/// builds what the same `.vg` text parses to, the parameters have PyTorch's
/// shapes and initialisers, and a shape mistake is reported at the C++ line
/// of the call.
///
//===----------------------------------------------------------------------===//
#include "frontend/Frontend.h"

#include "compiler/text/Parser.h"
#include "compiler/text/Printer.h"

#include <gtest/gtest.h>

#include <sstream>

namespace voskhod {
namespace {

std::string reprint(const std::string &text) {
  ir::DiagnosticEngine diags;
  std::unique_ptr<ir::Graph> g = ir::parseGraph(text, "expected.vg", diags);
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

TEST(FrontendSequence, TensorOpsBuildWhatTheTextBuilds) {
  Graph g("t");
  Tensor tok = g.input("tok", i32({2, 5}));
  Tensor table = g.param("table", f32({7, 4}), init::normal(0, 1));
  Tensor gamma = g.param("gamma", f32({4}), init::ones());
  Tensor beta = g.param("beta", f32({4}), init::zeros());
  Tensor e = table.gather(tok).named("e");
  Tensor n = layerNorm(e, gamma, beta, {-1}, 0.001).named("n");
  ASSERT_FALSE(g.failed()) << g.error()->message;
  EXPECT_EQ(e.type().str(), "f32[2, 5, 4]");
  Tensor flat = n.reshape({10, 4}).named("r");
  Tensor scores = flat.matmul(flat, false, true).causalSoftmax().named("p");
  EXPECT_EQ(scores.type().str(), "f32[10, 10]");
  g.returns({scores});
  EXPECT_EQ(buildAndPrint(g), reprint(R"(graph @t {
  %tok = input i32[2, 5]
  %table = param f32[7, 4] init = normal(0, 1)
  %gamma = param f32[4] init = ones
  %beta = param f32[4] init = zeros
  %e = gather %table, %tok
  %n = layer_norm %e, %gamma, %beta {axes = [2], eps = 0.001}
  %r = reshape %n {shape = [10, 4]}
  %p = softmax (matmul %r, %r {transpose_b = true}) {causal = true}
  return %p
})"));
}

TEST(FrontendSequence, EmbeddingAndLayerNormHavePyTorchsParameters) {
  Graph g("t");
  Tensor tok = g.input("tok", i32({3, 6}));
  nn::Embedding emb(g, 50, 8);
  nn::LayerNorm norm(g, {6, 8}, {.eps = 1e-3});
  Tensor y = norm(emb(tok));
  ASSERT_FALSE(g.failed()) << g.error()->message;
  EXPECT_EQ(y.type().str(), "f32[3, 6, 8]");
  EXPECT_EQ(emb.weight().type().str(), "f32[50, 8]");
  EXPECT_EQ(emb.weight().node()->init().kind, InitKind::Normal);
  EXPECT_EQ(norm.weight().type().str(), "f32[6, 8]");
  EXPECT_EQ(norm.weight().node()->init().kind, InitKind::Ones);
  EXPECT_EQ(norm.bias().node()->init().kind, InitKind::Zeros);
  EXPECT_EQ(y.node()->attrs().getInts("axes"), (std::vector<int64_t>{1, 2}));
}

TEST(FrontendSequence, LayerNormMismatchIsReportedAtTheCall) {
  Graph g("t");
  Tensor x = g.input("x", f32({2, 3, 8}));
  nn::LayerNorm norm(g, {4});
  int line = __LINE__ + 1;
  Tensor y = norm(x);
  EXPECT_FALSE(y.valid());
  ASSERT_TRUE(g.failed());
  EXPECT_EQ(g.error()->loc.line, uint32_t(line));
  EXPECT_NE(g.error()->message.find("'layer_norm' gamma must be f32[8]"),
            std::string::npos)
      << g.error()->message;
}

} // namespace
} // namespace voskhod
