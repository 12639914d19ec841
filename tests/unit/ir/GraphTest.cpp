//===- tests/unit/ir/GraphTest.cpp - builder, rewriting, verifier ---------===//
#include "compiler/ir/Builder.h"
#include "compiler/ir/Verifier.h"

#include <gtest/gtest.h>

using namespace voskhod;
using namespace voskhod::ir;

namespace {

TensorType f32(Shape s) { return {DType::F32, std::move(s)}; }

TEST(Builder, BroadcastingIsExplicit) {
  Graph g;
  Node *x = *buildInput(g, f32({4, 3}), {}, "x");
  Node *b = *buildParam(g, f32({3}), {}, {}, "b");
  auto sum = buildBroadcasting(g, OpKind::Add, {x, b});
  ASSERT_TRUE(sum) << sum.message();
  Node *add = *sum;
  EXPECT_EQ(add->shape(), (Shape{4, 3}));
  ASSERT_TRUE(add->operand(1)->is(OpKind::Broadcast));
  EXPECT_EQ(add->operand(1)->operand(0), b);
  EXPECT_EQ(add->operand(0), x) << "an operand of the right shape stays";
}

TEST(Builder, IncompatibleBroadcastNamesBothShapes) {
  Graph g;
  Node *x = *buildInput(g, f32({4, 3}), {}, "x");
  Node *y = *buildInput(g, f32({4}), {}, "y");
  auto r = buildBroadcasting(g, OpKind::Mul, {x, y});
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("f32[4, 3] and f32[4]"), std::string::npos);
}

TEST(Builder, ConstantsFillAndCheckCounts) {
  Graph g;
  auto c = buildConst(g, f32({2, 2}), {1.5});
  ASSERT_TRUE(c);
  EXPECT_EQ((*c)->constValues(), (std::vector<double>{1.5, 1.5, 1.5, 1.5}));
  EXPECT_FALSE(buildConst(g, f32({2, 2}), {1, 2, 3}));
  EXPECT_FALSE(buildConst(g, TensorType{DType::I32, {1}}, {0.5}));
  EXPECT_FALSE(buildInput(g, f32({0, 2}), {}, "z"));
}

TEST(Builder, MinimizeChecksSettings) {
  Graph g;
  Node *x = *buildInput(g, f32({}), {}, "x");
  Attrs s;
  s.set("lr", int64_t(1));
  ASSERT_TRUE(setMinimize(g, x, OptimizerKind::Adam, s));
  EXPECT_DOUBLE_EQ(g.minimize()->settings.getFloat("lr"), 1.0);
  EXPECT_DOUBLE_EQ(g.minimize()->settings.getFloat("beta2"), 0.999);
  Attrs bad;
  bad.set("momentum", 0.9);
  Status st = setMinimize(g, x, OptimizerKind::Adam, bad);
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("unknown setting 'momentum' for optimizer "
                              "'adam' (its settings: lr, betas, beta1"),
            std::string::npos)
      << st.message();
  // Aliases name their setting; a setting given under both names is an
  // error, as is a pair, which only the text format can write.
  Attrs alias;
  alias.set("rho", 0.8);
  ASSERT_TRUE(setMinimize(g, x, OptimizerKind::Rmsprop, alias));
  EXPECT_EQ(g.minimize()->settings.getFloat("alpha"), 0.8);
  EXPECT_FALSE(g.minimize()->settings.has("rho"));
  alias.set("alpha", 0.7);
  st = setMinimize(g, x, OptimizerKind::Rmsprop, alias);
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("given twice"), std::string::npos);
  Attrs pair;
  pair.set("betas", 0.9);
  st = setMinimize(g, x, OptimizerKind::Adam, pair);
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("is a pair"), std::string::npos);
  Node *v = *buildInput(g, f32({3}), {}, "v");
  EXPECT_FALSE(setMinimize(g, v, OptimizerKind::Sgd, {}));
}

TEST(Graph, ReplaceSortAndPrune) {
  Graph g;
  Node *x = *buildInput(g, f32({3}), {}, "x");
  Node *e = *buildNode(g, OpKind::Exp, {x});
  Node *n = *buildNode(g, OpKind::Neg, {e});
  g.results().push_back(n);
  // Replace exp(x) by a node created after its user.
  Node *t = *buildNode(g, OpKind::Tanh, {x});
  g.replaceAllUsesWith(e, t);
  g.sortAndPrune();
  ASSERT_EQ(g.size(), 3u) << "the dead exp is gone";
  EXPECT_EQ(g.node(0), x);
  EXPECT_EQ(g.node(1), t);
  EXPECT_EQ(g.node(2), n);
  DiagnosticEngine diags;
  EXPECT_TRUE(verify(g, diags));
}

TEST(Graph, PruneKeepsInterfaceLeaves) {
  Graph g;
  Node *x = *buildInput(g, f32({3}), {}, "x");
  *buildParam(g, f32({3}), {}, {}, "unused");
  g.results().push_back(x);
  g.sortAndPrune();
  EXPECT_EQ(g.size(), 2u);
}

TEST(Graph, CloneIsDeep) {
  Graph g("orig");
  Node *x = *buildInput(g, f32({3}), {}, "x");
  Node *w = *buildParam(g, f32({3}), {InitKind::Normal, 0, 0.1}, {}, "w");
  Node *y = *buildNode(g, OpKind::Mul, {x, w});
  g.results().push_back(y);
  std::unordered_map<const Node *, Node *> map;
  auto c = g.clone(&map);
  EXPECT_EQ(c->size(), 3u);
  EXPECT_NE(map[y], y);
  EXPECT_EQ(c->results()[0], map[y]);
  EXPECT_EQ(map[w]->init(), (InitSpec{InitKind::Normal, 0, 0.1}));
}

TEST(Verifier, ReportsTypeDisagreementWithNodeName) {
  Graph g;
  Node *x = *buildInput(g, f32({3}), {}, "x");
  Node *bad = g.create(OpKind::Exp, {x}, f32({4}), {},
                       SourceLoc{internFileName("m.vg"), 7, 3}, "y");
  g.results().push_back(bad);
  DiagnosticEngine diags;
  EXPECT_FALSE(verify(g, diags));
  ASSERT_FALSE(diags.diagnostics().empty());
  std::string text = diags.format(diags.diagnostics()[0]);
  EXPECT_NE(text.find("m.vg:7:3: error: %y: recorded type f32[4]"),
            std::string::npos)
      << text;
}

TEST(Verifier, MissingReturnAndBadUpdates) {
  Graph g;
  Node *x = *buildInput(g, f32({3}), {}, "x");
  Node *w = *buildParam(g, f32({2}), {}, {}, "w");
  g.updates().push_back({x, x});
  g.updates().push_back({w, x});
  DiagnosticEngine diags;
  EXPECT_FALSE(verify(g, diags));
  std::string all;
  for (auto &d : diags.diagnostics())
    all += d.message + "\n";
  EXPECT_NE(all.find("has no 'return'"), std::string::npos);
  EXPECT_NE(all.find("is not a param or state"), std::string::npos);
  EXPECT_NE(all.find("expected f32[2]"), std::string::npos);
}

TEST(Diagnostics, CaretUnderColumn) {
  DiagnosticEngine diags;
  std::string_view file = internFileName("t.vg");
  diags.addSource(file, "graph @g {\n  %h = relux %x\n}\n");
  diags.error({file, 2, 8}, "unknown op 'relux'");
  EXPECT_EQ(diags.format(diags.diagnostics()[0]),
            "t.vg:2:8: error: unknown op 'relux'\n"
            "  %h = relux %x\n"
            "       ^\n");
}

} // namespace
