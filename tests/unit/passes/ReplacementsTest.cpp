//===- tests/unit/passes/ReplacementsTest.cpp - one sweep's replacements --===//
#include "compiler/ir/Builder.h"
#include "compiler/ir/Verifier.h"
#include "compiler/passes/CommonSubexpressionElimination.h"
#include "compiler/passes/Rewrite.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

using namespace voskhod;
using namespace voskhod::ir;
using namespace voskhod::passes;

namespace {

TensorType f32(Shape shape) { return {DType::F32, std::move(shape)}; }

/// Every operand, result, loss and update value of `g` is a node of `g`.
void expectClosed(const Graph &g) {
  std::set<const Node *> nodes;
  for (const Node *n : g)
    nodes.insert(n);
  auto inGraph = [&](const Node *n) { return nodes.count(n) > 0; };
  for (const Node *n : g)
    for (const Node *o : n->operands())
      EXPECT_TRUE(inGraph(o)) << "an operand of " << n->name();
  for (const Node *r : g.results())
    EXPECT_TRUE(inGraph(r));
  if (g.minimize()) {
    EXPECT_TRUE(inGraph(g.minimize()->loss));
  }
  for (const Update &u : g.updates())
    EXPECT_TRUE(inGraph(u.value) && inGraph(u.target));
}

TEST(Replacements, RedirectEveryKindOfUse) {
  Graph g;
  Node *x = *buildInput(g, f32({3}), {}, "x");
  Node *w = *buildParam(g, f32({3}), {}, {}, "w");
  Node *e = *buildNode(g, OpKind::Exp, {x});
  Node *m = *buildNode(g, OpKind::Mul, {e, w}, {}, {}, "m");
  Node *s = *buildNode(g, OpKind::ReduceSum, {m});
  Node *next = *buildNode(g, OpKind::Sub, {w, m});
  g.results() = {m, e};
  Minimize clause;
  clause.loss = s;
  g.minimize() = clause;
  g.updates().push_back({w, next});

  Replacements replaced(g);
  EXPECT_TRUE(replaced.empty());
  Node *t = *buildNode(g, OpKind::Tanh, {x}); // created during the sweep
  replaced.replace(e, t);
  Node *m2 = *buildNode(g, OpKind::Mul, {t, w});
  replaced.replace(m, m2);
  Node *s2 = *buildNode(g, OpKind::ReduceSum, {m2});
  replaced.replace(s, s2);
  Node *next2 = *buildNode(g, OpKind::Sub, {w, m2});
  replaced.replace(next, next2);
  EXPECT_FALSE(replaced.empty());

  EXPECT_EQ(replaced.resolve(e), t);
  EXPECT_EQ(replaced.resolve(x), x);
  EXPECT_EQ(replaced.resolve(t), t) << "a node made in the sweep stays";
  EXPECT_EQ(m2->name(), "m") << "the replacement takes the user's name";
  EXPECT_EQ(m->name(), "");

  replaced.apply(g);
  g.sortAndPrune();
  EXPECT_EQ(g.results()[0], m2);
  EXPECT_EQ(g.results()[1], t);
  EXPECT_EQ(g.minimize()->loss, s2);
  EXPECT_EQ(g.updates()[0].value, next2);
  EXPECT_EQ(g.updates()[0].target, w) << "update targets are never redirected";
  EXPECT_EQ(g.size(), 6u) << "the replaced nodes are pruned";
  expectClosed(g);
  DiagnosticEngine diags;
  EXPECT_TRUE(verify(g, diags));
}

TEST(Replacements, ChainsResolveToTheLastReplacement) {
  Graph g;
  Node *x = *buildInput(g, f32({3}), {}, "x");
  Node *a = *buildNode(g, OpKind::Exp, {x});
  Node *b = *buildNode(g, OpKind::Exp, {x});
  Node *c = *buildNode(g, OpKind::Exp, {x});
  Node *user = *buildNode(g, OpKind::Add, {c, c});
  g.results() = {user};
  Replacements replaced(g);
  replaced.replace(c, b);
  replaced.replace(b, a);
  EXPECT_EQ(replaced.resolve(c), a);
  replaced.redirectOperands(user);
  EXPECT_EQ(user->operand(0), a);
  EXPECT_EQ(user->operand(1), a);
}

TEST(Replacements, CseOfAWideGraphKeepsEveryUseClosed) {
  // Many duplicates, each used by later nodes, results and update values:
  // the one-sweep CSE must redirect all of them.
  Graph g;
  Node *x = *buildInput(g, f32({4}), {}, "x");
  std::vector<Node *> params;
  Node *acc = x;
  for (int i = 0; i < 200; ++i) {
    Node *p = *buildParam(g, f32({4}), {}, {}, "p" + std::to_string(i));
    params.push_back(p);
    Node *d1 = *buildNode(g, OpKind::Exp, {x});
    Node *d2 = *buildNode(g, OpKind::Exp, {x});
    Node *sum = *buildNode(g, OpKind::Add, {d1, d2});
    acc = *buildNode(g, OpKind::Add, {acc, sum});
    Node *again = *buildNode(g, OpKind::Add, {d2, d1});
    g.updates().push_back({p, *buildNode(g, OpKind::Mul, {again, p})});
    g.results().push_back(d2);
  }
  g.results().push_back(acc);
  passes::CommonSubexpressionElimination cse;
  EXPECT_TRUE(cse.run(g));
  expectClosed(g);
  DiagnosticEngine diags;
  EXPECT_TRUE(verify(g, diags));
  size_t exps = 0;
  for (const Node *n : g)
    exps += n->is(OpKind::Exp);
  EXPECT_EQ(exps, 1u);
  // Every duplicate became the first exp, results included.
  EXPECT_EQ(g.results().front(), g.results()[199]);
  EXPECT_FALSE(cse.run(g));
}

} // namespace
