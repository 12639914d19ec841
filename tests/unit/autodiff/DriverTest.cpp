//===- tests/unit/autodiff/DriverTest.cpp - the reverse-mode driver -------===//
#include "GradCase.h"

#include "compiler/autodiff/GradientRules.h"
#include "compiler/text/Printer.h"

using namespace voskhod;
using namespace voskhod::ir;
using namespace voskhod::autodiff;
using namespace voskhod::autodiff::testing;

namespace {

TEST(Driver, EveryNonLeafOpHasARule) {
  for (int i = 0; i < kNumOps; ++i) {
    OpKind op = OpKind(i);
    if (!hasTrait(op, OpTrait::Leaf))
      EXPECT_NE(gradientRules().get(op), nullptr) << opName(op);
  }
}

TEST(Driver, ValueUsedByManyUsersSumsContributions) {
  GradCase c(41);
  Node *x = c.param({3, 2});
  Node *sq = c.op(OpKind::Mul, {x, x});
  Node *y = c.op(OpKind::Add, {sq, c.op(OpKind::Exp, {x})});
  c.check(c.op(OpKind::Mul, {y, c.op(OpKind::Tanh, {y})}));
}

TEST(Driver, GradientOfIntermediateAndLeafTogether) {
  GradCase c(42);
  Node *x = c.param({4});
  Node *h = c.op(OpKind::Exp, {x});
  Node *loss = c.makeLoss(c.op(OpKind::Square, {h}));
  DiagnosticEngine diags;
  auto grads = appendGradients(c.graph(), loss, {h, x, loss}, diags);
  ASSERT_TRUE(grads) << grads.message();
  c.graph().results() = *grads;
  auto eval = evaluate(c.graph(), c.values());
  ASSERT_TRUE(eval) << eval.message();
  const auto &xs = c.values()[x].data;
  const auto &ws = c.values()[c.graph().inputs()[0]].data;
  for (size_t i = 0; i < xs.size(); ++i) {
    double e = std::exp(xs[i]);
    EXPECT_NEAR(eval->value((*grads)[0]).data[i], 2 * e * ws[i], 1e-12);
    EXPECT_NEAR(eval->value((*grads)[1]).data[i], 2 * e * e * ws[i], 1e-12);
  }
  EXPECT_EQ(eval->value((*grads)[2]).data, std::vector<double>{1.0});
}

TEST(Driver, UnrelatedValueGetsZerosOfItsType) {
  GradCase c(43);
  Node *x = c.param({2, 3});
  Node *unused = c.param({5}, Values::AwayFromZero, DType::F32);
  Node *loss = c.makeLoss(c.op(OpKind::Exp, {x}));
  DiagnosticEngine diags;
  auto grads = appendGradients(c.graph(), loss, {unused}, diags);
  ASSERT_TRUE(grads) << grads.message();
  Node *zero = (*grads)[0];
  EXPECT_EQ(zero->type(), unused->type());
  c.graph().results() = {zero};
  auto eval = evaluate(c.graph(), c.values());
  ASSERT_TRUE(eval) << eval.message();
  EXPECT_EQ(eval->value(zero).data, std::vector<double>(5, 0.0));
}

TEST(Driver, IntegerPathsPassNothing) {
  GradCase c(44);
  Node *x = c.param({2, 3});
  Node *y = c.labels({2}, 3);
  Node *hot = c.op(OpKind::OneHot, {y},
                   attrs("depth", int64_t(3), "dtype", DType::F64));
  Node *mask = c.op(OpKind::Convert, {c.op(OpKind::Greater, {x, hot})},
                    attrs("dtype", DType::F64));
  // d/dx (x * one_hot(y) + [x > one_hot(y)]) = one_hot(y).
  c.check(c.op(OpKind::Add, {c.op(OpKind::Mul, {x, hot}), mask}));
}

TEST(Driver, GradientNodesCarryTheForwardLocation) {
  Graph g;
  SourceLoc xLoc{internFileName("model.vg"), 2, 3};
  SourceLoc expLoc{internFileName("model.vg"), 4, 9};
  Node *x = *buildParam(g, {DType::F32, {3}}, {}, xLoc, "x");
  Node *e = *buildNode(g, OpKind::Exp, {x}, {}, expLoc);
  Node *loss = *buildNode(g, OpKind::ReduceSum, {e}, {}, expLoc);
  DiagnosticEngine diags;
  size_t before = g.size();
  auto grads = appendGradients(g, loss, {x}, diags);
  ASSERT_TRUE(grads) << grads.message();
  for (size_t i = before; i < g.size(); ++i)
    EXPECT_EQ(g.node(i)->loc().line, 4u) << opName(g.node(i)->op());
}

TEST(Driver, MissingRuleNamesTheOpAndTheLine) {
  Graph g;
  SourceLoc loc{internFileName("t.vg"), 7, 3};
  Node *x = *buildParam(g, {DType::F32, {3}}, {}, {}, "x");
  Node *t = *buildNode(g, OpKind::Tanh, {x}, {}, loc, "t");
  Node *loss = *buildNode(g, OpKind::ReduceSum, {t});
  GradRuleTable rules = gradientRules();
  rules.set(OpKind::Tanh, nullptr);
  DiagnosticEngine diags;
  auto grads = appendGradientsWithRules(rules, g, loss, {x}, diags);
  ASSERT_FALSE(grads);
  ASSERT_EQ(diags.errorCount(), 1u);
  std::string text = diags.format(diags.diagnostics()[0]);
  EXPECT_NE(text.find("t.vg:7:3: error: cannot differentiate through 'tanh' "
                      "(%t): it has no gradient rule"),
            std::string::npos)
      << text;
}

TEST(Driver, MissingRuleOffThePathIsNoError) {
  GradCase c(45);
  Node *x = c.param({3});
  Node *side = c.input({3});
  Node *t = c.op(OpKind::Tanh, {side});
  Node *loss = c.op(OpKind::ReduceSum, {c.op(OpKind::Mul, {x, t})});
  GradRuleTable rules = gradientRules();
  rules.set(OpKind::Tanh, nullptr);
  DiagnosticEngine diags;
  EXPECT_TRUE(appendGradientsWithRules(rules, c.graph(), loss, {x}, diags));
}

TEST(Driver, RejectsNonScalarLossAndIntegerValues) {
  GradCase c(46);
  Node *x = c.param({3});
  Node *y = c.labels({3}, 4);
  Node *e = c.op(OpKind::Exp, {x});
  Node *loss = c.op(OpKind::ReduceSum, {e});
  DiagnosticEngine diags;
  EXPECT_FALSE(appendGradients(c.graph(), e, {x}, diags));
  EXPECT_FALSE(appendGradients(c.graph(), loss, {y}, diags));
  ASSERT_EQ(diags.errorCount(), 2u);
  EXPECT_NE(diags.diagnostics()[0].message.find("must be a floating-point "
                                                "scalar"),
            std::string::npos);
  EXPECT_NE(diags.diagnostics()[1].message.find("only floating-point"),
            std::string::npos);
}

/// The seed classifier of DESIGN.md, built through the API.
std::unique_ptr<Graph> classifier() {
  auto g = std::make_unique<Graph>("classifier");
  auto f32 = [](Shape s) { return TensorType{DType::F32, std::move(s)}; };
  Node *x = *buildInput(*g, f32({2, 3}), {}, "x");
  Node *y = *buildInput(*g, {DType::I32, {2}}, {}, "y");
  Node *h = x;
  int64_t widths[] = {3, 10, 20, 3};
  for (int l = 0; l < 3; ++l) {
    std::string i = std::to_string(l + 1);
    Node *w = *buildParam(*g, f32({widths[l], widths[l + 1]}),
                          {InitKind::XavierUniform}, {}, "w" + i);
    Node *b = *buildParam(*g, f32({widths[l + 1]}), {}, {}, "b" + i);
    h = *buildBroadcasting(*g, OpKind::Add,
                           {*buildNode(*g, OpKind::Matmul, {h, w}), b});
    if (l < 2)
      h = *buildNode(*g, OpKind::Relu, {h});
  }
  Node *loss =
      *buildNode(*g, OpKind::SoftmaxCrossEntropy, {h, y}, {}, {}, "loss");
  EXPECT_TRUE(setMinimize(*g, loss, OptimizerKind::Sgd, {}));
  g->results().push_back(h);
  return g;
}

TEST(Driver, ParamGradientsAreNamedResultsWithNoDeadNodes) {
  auto g = classifier();
  DiagnosticEngine diags;
  ASSERT_TRUE(addParamGradients(*g, diags));
  ASSERT_EQ(g->results().size(), 7u);
  const char *names[] = {"w1.grad", "b1.grad", "w2.grad",
                         "b2.grad", "w3.grad", "b3.grad"};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(g->results()[i + 1]->name(), names[i]);
    EXPECT_EQ(g->results()[i + 1]->type(), g->params()[i]->type());
  }
  EXPECT_TRUE(verify(*g, diags));
  size_t size = g->size();
  g->sortAndPrune();
  EXPECT_EQ(g->size(), size) << "autodiff built a node nothing uses";
}

TEST(Driver, OutputIsDeterministic) {
  auto a = classifier(), b = classifier();
  DiagnosticEngine diags;
  ASSERT_TRUE(addParamGradients(*a, diags));
  ASSERT_TRUE(addParamGradients(*b, diags));
  EXPECT_EQ(printGraph(*a), printGraph(*b));
}

TEST(Driver, AddParamGradientsNeedsMinimize) {
  auto g = classifier();
  g->minimize().reset();
  DiagnosticEngine diags;
  EXPECT_FALSE(addParamGradients(*g, diags));
  ASSERT_EQ(diags.errorCount(), 1u);
  EXPECT_NE(diags.diagnostics()[0].message.find("has no 'minimize'"),
            std::string::npos);
}

} // namespace
