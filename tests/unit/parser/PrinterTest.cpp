//===- tests/unit/parser/PrinterTest.cpp - the canonical text -------------===//
///
/// The printer's canonical form: one node per line, numbered unnamed nodes,
/// attributes only where they differ from what the builder fills in, the
/// shortest round-tripping numbers, and graphs built through the builder API
/// printing to text that parses back to the same graph.
///
//===----------------------------------------------------------------------===//
#include "compiler/text/Printer.h"
#include "compiler/ir/Builder.h"
#include "compiler/text/Parser.h"
#include "tests/unit/parser/GraphMatchers.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

namespace voskhod::ir {
namespace {

std::string canonical(const std::string &text) {
  DiagnosticEngine diags;
  auto g = parseGraph(text, "p.vg", diags);
  if (!g) {
    std::string shown;
    for (const Diagnostic &d : diags.diagnostics())
      shown += diags.format(d);
    ADD_FAILURE() << shown;
    return "";
  }
  return printGraph(*g);
}

TEST(Printer, SeedClassifierGolden) {
  std::string text = canonical(R"(graph @classifier {
  %x  = input f32[2, 3]
  %y  = input i32[2]
  %w1 = param f32[3, 10] init = he_normal
  %b1 = param f32[10]    init = zeros
  %h1 = relu (add (matmul %x, %w1), %b1)
  %loss = softmax_cross_entropy %h1, %y
  minimize %loss using sgd {weight_decay = 0.05, lr = 0.01}
  return %h1
})");
  EXPECT_EQ(text, R"(graph @classifier {
  %x = input f32[2, 3]
  %y = input i32[2]
  %w1 = param f32[3, 10] init = he_normal
  %b1 = param f32[10] init = zeros
  %0 = matmul %x, %w1
  %1 = broadcast %b1 {shape = [2, 10]}
  %2 = add %0, %1
  %h1 = relu %2
  %loss = softmax_cross_entropy %h1, %y
  minimize %loss using sgd {lr = 0.01, weight_decay = 0.05}
  return %h1
}
)");
}

TEST(Printer, AttributesEqualToTheirDefaultsAreLeftOut) {
  std::string text = canonical(R"(graph @g {
  %a = input f32[2, 3, 4]
  %m = input f32[3, 4]
  %t1 = transpose %a {perm = [2, 1, 0]}
  %t2 = transpose %a {perm = [0, 2, 1]}
  %r1 = reduce_sum %a {axes = [0, 1, 2], keepdims = false}
  %r2 = reduce_max %a {axes = [-1], keepdims = true}
  %s1 = softmax %a {axis = -1}
  %s2 = softmax %a {axis = 2}
  %s3 = log_softmax %a {axis = -3}
  %l1 = leaky_relu %a {alpha = 0.01}
  %l2 = leaky_relu %a {alpha = 0.2}
  %p1 = matmul %m, %m {transpose_a = false, transpose_b = true}
  %c = convert %a {dtype = f64}
  return %t1
})");
  EXPECT_NE(text.find("  %t1 = transpose %a\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  %t2 = transpose %a {perm = [0, 2, 1]}\n"),
            std::string::npos);
  EXPECT_NE(text.find("  %r1 = reduce_sum %a\n"), std::string::npos);
  EXPECT_NE(text.find("  %r2 = reduce_max %a {axes = [2], keepdims = true}\n"),
            std::string::npos);
  EXPECT_NE(text.find("  %s1 = softmax %a\n"), std::string::npos);
  EXPECT_NE(text.find("  %s2 = softmax %a\n"), std::string::npos);
  EXPECT_NE(text.find("  %s3 = log_softmax %a {axis = 0}\n"),
            std::string::npos);
  EXPECT_NE(text.find("  %l1 = leaky_relu %a\n"), std::string::npos);
  EXPECT_NE(text.find("  %l2 = leaky_relu %a {alpha = 0.2}\n"),
            std::string::npos);
  EXPECT_NE(text.find("  %p1 = matmul %m, %m {transpose_b = true}\n"),
            std::string::npos);
  EXPECT_NE(text.find("  %c = convert %a {dtype = f64}\n"), std::string::npos);
}

TEST(Printer, UnnamedNodesSkipTakenNumbers) {
  std::string text = canonical(R"(graph @g {
  %0 = input f32[2]
  %2 = neg (neg %0)
  %3 = neg (neg (neg %2))
  return %3
})");
  EXPECT_EQ(text, R"(graph @g {
  %0 = input f32[2]
  %1 = neg %0
  %2 = neg %1
  %4 = neg %2
  %5 = neg %4
  %3 = neg %5
  return %3
}
)");
}

TEST(Printer, ShortestNumbersPerDType) {
  Graph g("numbers");
  auto f32 = buildConst(g, {DType::F32, {6}},
                        {0.1, 1.0 / 3, 2, -0.0, 1e-30, 3e38}, {}, "f");
  auto f64 = buildConst(g, {DType::F64, {3}}, {0.1, 1.0 / 3, 1e300}, {}, "d");
  double inf = std::numeric_limits<double>::infinity();
  auto special = buildConst(
      g, {DType::F32, {3}},
      {std::numeric_limits<double>::quiet_NaN(), inf, -inf}, {}, "s");
  auto ints = buildConst(g, {DType::I32, {2}}, {-3, 2147483647}, {}, "i");
  auto bits = buildConst(g, {DType::I1, {2}}, {1, 0}, {}, "b");
  ASSERT_TRUE(f32 && f64 && special && ints && bits);
  g.results() = {*f32};
  std::string text = printGraph(g);
  EXPECT_EQ(text, R"(graph @numbers {
  %f = const f32[6] [0.1, 0.33333334, 2, -0, 1e-30, 3e+38]
  %d = const f64[3] [0.1, 0.3333333333333333, 1e+300]
  %s = const f32[3] [nan, inf, -inf]
  %i = const i32[2] [-3, 2147483647]
  %b = const i1[2] [1, 0]
  return %f
}
)");
  DiagnosticEngine diags;
  auto back = parseGraph(text, "n.vg", diags);
  ASSERT_TRUE(back);
  EXPECT_EQ(test::graphDifference(g, *back, false), "");
}

TEST(Printer, IntegerPayloadsOutsideI32AreRejected) {
  Graph g("big");
  EXPECT_FALSE(buildConst(g, {DType::I32, {2}}, {1e300, -1e19}, {}, "c"));
  EXPECT_FALSE(buildConst(g, {DType::I32, {1}}, {2147483648.0}, {}, "d"));
  auto edge =
      buildConst(g, {DType::I32, {2}}, {2147483647.0, -2147483648.0}, {}, "e");
  ASSERT_TRUE(edge);
  g.results() = {*edge};
  std::string text = printGraph(g);
  DiagnosticEngine diags;
  auto back = parseGraph(text, "big.vg", diags);
  ASSERT_TRUE(back) << text;
  EXPECT_EQ(test::graphDifference(g, *back, false), "");
}

TEST(Printer, InitialisersAndOptimizerSettings) {
  std::string text = canonical(R"(graph @g {
  %w = param f32[2] init = normal(0, 0.02)
  %v = param f32[2] init = uniform(-0.5, 0.5)
  %c = state f32[2] init = constant(1)
  %z = state f32[2]
  %l = reduce_sum %w
  minimize %l using adam {eps = 1e-6, beta1 = 0.9, amsgrad = true}
  update %c = %w
  return %l
})");
  EXPECT_EQ(text, R"(graph @g {
  %w = param f32[2] init = normal(0, 0.02)
  %v = param f32[2] init = uniform(-0.5, 0.5)
  %c = state f32[2] init = constant(1)
  %z = state f32[2] init = zeros
  %l = reduce_sum %w
  minimize %l using adam {eps = 1e-06, amsgrad = true}
  update %c = %w
  return %l
}
)");
}

/// A graph built through the builder, as the C++ frontend does: unnamed
/// intermediates, literals as rank-0 constants, explicit broadcasts.
TEST(Printer, BuilderGraphsParseBackToTheSameGraph) {
  std::mt19937 rng(2024);
  std::normal_distribution<double> normal;
  Graph g("api");
  Node *x = *buildInput(g, {DType::F32, {4, 5}}, {}, "x");
  Node *y = *buildInput(g, {DType::I32, {4}}, {}, "labels");
  Node *w = *buildParam(g, {DType::F32, {5, 3}},
                        {InitKind::Normal, normal(rng), 0.1}, {}, "w");
  Node *b = *buildParam(g, {DType::F32, {3}}, {InitKind::Zeros}, {}, "");
  std::vector<double> scale(3);
  for (double &s : scale)
    s = normal(rng);
  Node *k = *buildConst(g, {DType::F32, {3}}, scale);
  Node *mm = *buildNode(g, OpKind::Matmul, {x, w});
  Node *sum = *buildBroadcasting(g, OpKind::Add, {mm, b});
  Node *scaled = *buildBroadcasting(g, OpKind::Mul, {sum, k});
  Node *half = buildScalar(g, normal(rng), DType::F32);
  Node *act = *buildBroadcasting(g, OpKind::Maximum, {scaled, half});
  Attrs perm;
  perm.set("perm", std::vector<int64_t>{1, 0});
  Node *t = *buildNode(g, OpKind::Transpose, {act}, perm);
  Node *loss = *buildNode(g, OpKind::SoftmaxCrossEntropy, {act, y});
  Attrs settings;
  settings.set("lr", 0.05 + std::abs(normal(rng)));
  settings.set("momentum", 0.9);
  settings.set("nesterov", true);
  ASSERT_TRUE(setMinimize(g, loss, OptimizerKind::Sgd, settings));
  g.results() = {t, loss};

  std::string text = printGraph(g);
  DiagnosticEngine diags;
  auto back = parseGraph(text, "api.vg", diags);
  ASSERT_TRUE(back) << text;
  EXPECT_EQ(test::graphDifference(g, *back, /*ignoreUnnamed=*/true), "")
      << text;
  EXPECT_EQ(printGraph(*back), text);
}

} // namespace
} // namespace voskhod::ir
