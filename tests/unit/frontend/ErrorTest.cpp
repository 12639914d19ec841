//===- tests/unit/frontend/ErrorTest.cpp - sticky errors and build() ------===//
///
/// The first mistake is recorded with the C++ line that made it and reported
/// by build(); nothing after it adds nodes or crashes; build() verifies and
/// hands back an independent copy.
///
//===----------------------------------------------------------------------===//
#include "frontend/Frontend.h"

#include "compiler/ir/Verifier.h"

#include <gtest/gtest.h>

namespace voskhod {
namespace {

/// "this file:line:" — the start of a diagnostic for `line` of this test.
std::string here(int line) {
  return std::string(__FILE__) + ":" + std::to_string(line) + ":";
}

TEST(FrontendErrors, FirstErrorIsReportedAtItsLine) {
  Graph g("t");
  Tensor a = g.input("a", f32({2, 3}));
  Tensor b = g.input("b", f32({4}));
  int line = __LINE__ + 1;
  Tensor bad = a + b;
  EXPECT_FALSE(bad.valid());
  ASSERT_TRUE(g.failed());
  EXPECT_EQ(g.error()->loc.line, uint32_t(line));
  EXPECT_EQ(g.error()->loc.file, std::string_view(__FILE__));

  // A second mistake does not replace the first.
  Tensor worse = a.matmul(b);
  EXPECT_FALSE(worse.valid());
  EXPECT_EQ(g.error()->loc.line, uint32_t(line));

  g.returns({a});
  auto built = g.build();
  ASSERT_FALSE(built);
  EXPECT_EQ(built.message().rfind(here(line), 0), 0u) << built.message();
  EXPECT_NE(built.message().find(": error: cannot broadcast 'add' operands "
                                 "f32[2, 3] and f32[4]"),
            std::string::npos)
      << built.message();
}

TEST(FrontendErrors, LaterOpsAreNoOpsAndNeverCrash) {
  Graph g("t");
  Tensor x = g.input("x", f32({2, 3}));
  Tensor bad = x.reshape({5});
  ASSERT_TRUE(g.failed());
  size_t size = g.irGraph().size();

  // Queries on invalid tensors answer something harmless.
  EXPECT_EQ(bad.node(), nullptr);
  EXPECT_EQ(bad.type().str(), "f32[]");
  EXPECT_EQ(bad.name(), "");
  EXPECT_EQ(bad.rank(), 0);

  // Everything, on valid and invalid tensors alike, adds nothing.
  Tensor y = (x + 1.0) * bad - x.relu().sum();
  Tensor z = select(bad.greater(0.0), bad, 1.0).named("z");
  Tensor p = g.param("p", f32({3}), init::ones());
  Tensor c = g.scalar(2.0);
  nn::Linear fc(g, 3, 4);
  Tensor out = fc(x);
  Tensor loss = nn::softmaxCrossEntropy(out, g.input("y", i32({2})));
  Tensor reg = nn::l2Penalty(fc.parameters(), 0.1);
  g.minimize(Located<Tensor>(loss) + reg, optim::Adam{});
  g.returns({y, z});
  for (const Tensor &t : {y, z, p, c, out, loss, reg})
    EXPECT_FALSE(t.valid());
  EXPECT_EQ(g.irGraph().size(), size);
  EXPECT_FALSE(g.irGraph().minimize());
  EXPECT_TRUE(g.irGraph().results().empty());
  EXPECT_FALSE(g.build());
}

TEST(FrontendErrors, EmptyTensorsAreHarmless) {
  Tensor none;
  EXPECT_FALSE(none.valid());
  EXPECT_FALSE((none + none).valid());
  EXPECT_FALSE((2.0 * none).relu().valid());
  EXPECT_FALSE(none.named("x").valid());
  EXPECT_FALSE(nn::l1Penalty({}, 0.5).valid());

  // Using one next to a real tensor is an error of that tensor's graph.
  Graph g("t");
  Tensor x = g.input("x", f32({2}));
  int line = __LINE__ + 1;
  Tensor bad = x + none;
  EXPECT_FALSE(bad.valid());
  ASSERT_TRUE(g.failed());
  EXPECT_EQ(g.error()->loc.line, uint32_t(line));
  EXPECT_NE(g.error()->message.find("belongs to no graph"), std::string::npos);
}

TEST(FrontendErrors, TensorsOfAnotherGraphAreRejected) {
  Graph g("g"), h("h");
  Tensor x = g.input("x", f32({2}));
  Tensor y = h.input("y", f32({2}));
  EXPECT_FALSE((x + y).valid());
  ASSERT_TRUE(g.failed());
  EXPECT_NE(g.error()->message.find("different graphs"), std::string::npos);
  EXPECT_FALSE(h.failed());
  h.returns({x});
  ASSERT_TRUE(h.failed());
  EXPECT_NE(h.error()->message.find("another graph"), std::string::npos);
}

TEST(FrontendErrors, BadNames) {
  struct Case {
    const char *name;
    const char *message;
  };
  for (Case c :
       {Case{"", "cannot be empty"}, Case{"has space", "may only use letters"},
        Case{"x", "'x' is already used"}}) {
    Graph g("t");
    g.input("x", f32({2}));
    int line = __LINE__ + 1;
    Tensor p = g.param(c.name, f32({2}), init::zeros());
    EXPECT_FALSE(p.valid());
    ASSERT_TRUE(g.failed()) << c.name;
    EXPECT_EQ(g.error()->loc.line, uint32_t(line));
    EXPECT_NE(g.error()->message.find(c.message), std::string::npos)
        << g.error()->message;
  }
  Graph g("t");
  Tensor x = g.input("x", f32({2}));
  Tensor y = g.input("y", f32({2}));
  (x + y).named("y");
  ASSERT_TRUE(g.failed());
  EXPECT_NE(g.error()->message.find("'y' is already used"), std::string::npos);

  EXPECT_TRUE(Graph("9lives").failed());
  EXPECT_FALSE(Graph("v2.model_a").failed());
}

TEST(FrontendErrors, BuilderRejectionsBecomeDiagnostics) {
  auto firstError = [](auto &&buildSomething) {
    Graph g("t");
    Tensor x = g.input("x", f32({2, 3}));
    Tensor n = g.input("n", i32({2}));
    buildSomething(g, x, n);
    return g.failed() ? g.error()->message : std::string("no error");
  };
  EXPECT_NE(firstError([](Graph &, Tensor x, Tensor) {
              x.matmul(x);
            }).find("inner dimensions"),
            std::string::npos);
  EXPECT_NE(firstError([](Graph &, Tensor, Tensor n) {
              n + 0.5;
            }).find("cannot be a i32 operand"),
            std::string::npos);
  EXPECT_NE(firstError([](Graph &, Tensor, Tensor n) {
              n.exp();
            }).find("floating-point"),
            std::string::npos);
  EXPECT_NE(firstError([](Graph &, Tensor x, Tensor) {
              x.sum({2});
            }).find("out of range"),
            std::string::npos);
  EXPECT_NE(firstError([](Graph &g, Tensor, Tensor) {
              g.param("p", i32({2}), init::zeros());
            }).find("floating point"),
            std::string::npos);
  EXPECT_NE(firstError([](Graph &g, Tensor, Tensor) {
              g.constant(f32({2, 2}), {1, 2, 3});
            }).find("needs 4 values"),
            std::string::npos);
  EXPECT_NE(firstError([](Graph &g, Tensor x, Tensor) {
              g.minimize(x, optim::SGD{});
            }).find("floating-point scalar"),
            std::string::npos);
  EXPECT_NE(firstError([](Graph &g, Tensor x, Tensor) {
              g.minimize(x.sum(), optim::SGD{.lr = -1});
            }).find("non-negative"),
            std::string::npos);
  EXPECT_NE(firstError([](Graph &g, Tensor, Tensor) {
              g.input("big", f32({1 << 30, 1 << 30}));
            }).find("too many elements"),
            std::string::npos);
}

TEST(FrontendErrors, BuildNeedsResults) {
  Graph g("t");
  g.input("x", f32({2}));
  int line = __LINE__ + 1;
  auto built = g.build();
  ASSERT_FALSE(built);
  EXPECT_EQ(built.message().rfind(here(line), 0), 0u) << built.message();
  EXPECT_NE(built.message().find("returns nothing"), std::string::npos);
}

TEST(FrontendErrors, BuildVerifiesAndCopies) {
  Graph g("t");
  Tensor x = g.input("x", f32({2, 3}));
  Tensor h = x.tanh().named("h");
  g.returns({h});
  auto first = g.build();
  ASSERT_TRUE(first) << first.message();
  ir::DiagnosticEngine diags;
  EXPECT_TRUE(ir::verify(**first, diags));
  EXPECT_EQ((*first)->size(), 2u);
  EXPECT_EQ((*first)->results().at(0)->name(), "h");
  EXPECT_NE((*first)->results().at(0), h.node()); // a copy

  // The Graph keeps growing; the first result does not change.
  Tensor loss = nn::mseLoss(h, x).named("loss");
  g.minimize(loss, optim::SGD{.lr = 0.1});
  auto second = g.build();
  ASSERT_TRUE(second) << second.message();
  EXPECT_EQ((*first)->size(), 2u);
  EXPECT_FALSE((*first)->minimize());
  ASSERT_TRUE((*second)->minimize());
  EXPECT_EQ((*second)->minimize()->loss->name(), "loss");
}

TEST(FrontendErrors, ModulesReportAtTheCallersLine) {
  Graph g("t");
  Tensor x = g.input("x", f32({2, 5}));
  nn::Sequential model(nn::Linear(g, 4, 3), nn::ReLU());
  int line = __LINE__ + 1;
  Tensor y = model(x);
  EXPECT_FALSE(y.valid());
  ASSERT_TRUE(g.failed());
  EXPECT_EQ(g.error()->loc.line, uint32_t(line));
  EXPECT_EQ(g.error()->loc.file, std::string_view(__FILE__));
  EXPECT_NE(g.error()->message.find("'matmul'"), std::string::npos);
}

} // namespace
} // namespace voskhod
