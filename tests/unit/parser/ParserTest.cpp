//===- tests/unit/parser/ParserTest.cpp - what the parser builds ----------===//
///
/// The graphs the parser builds from valid text: node order, types, names,
/// explicit broadcasts, literal dtypes, leaves and their payloads, the
/// minimize / update / return clauses, and source locations.
///
//===----------------------------------------------------------------------===//
#include "compiler/text/Parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace voskhod::ir {
namespace {

std::unique_ptr<Graph> parseOk(const std::string &text) {
  DiagnosticEngine diags;
  auto g = parseGraph(text, "test.vg", diags);
  std::string shown;
  for (const Diagnostic &d : diags.diagnostics())
    shown += diags.format(d);
  EXPECT_TRUE(g) << shown;
  EXPECT_FALSE(diags.hasErrors()) << shown;
  return g;
}

const char *kClassifier = R"(// a comment before the graph
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

TEST(Parser, SeedClassifier) {
  auto g = parseOk(kClassifier);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->name(), "classifier");
  EXPECT_EQ(g->inputs().size(), 2u);
  EXPECT_EQ(g->params().size(), 6u);
  // Leaves, then per layer: matmul, broadcast of the bias, add, relu.
  ASSERT_EQ(g->size(), 8u + 4 + 4 + 3 + 1);
  Node *h1 = g->findByName("h1");
  ASSERT_TRUE(h1);
  EXPECT_EQ(h1->op(), OpKind::Relu);
  EXPECT_EQ(h1->type().str(), "f32[2, 10]");
  Node *add = h1->operand(0);
  EXPECT_EQ(add->op(), OpKind::Add);
  EXPECT_TRUE(add->name().empty());
  EXPECT_EQ(add->operand(0)->op(), OpKind::Matmul);
  EXPECT_EQ(add->operand(1)->op(), OpKind::Broadcast);
  EXPECT_EQ(add->operand(1)->operand(0), g->findByName("b1"));
  EXPECT_EQ(g->findByName("w1")->init().kind, InitKind::HeNormal);

  ASSERT_EQ(g->results().size(), 1u);
  EXPECT_EQ(g->results()[0], g->findByName("lg"));
  ASSERT_TRUE(g->minimize());
  EXPECT_EQ(g->minimize()->loss, g->findByName("loss"));
  EXPECT_EQ(g->minimize()->optimizer, OptimizerKind::Sgd);
  EXPECT_EQ(g->minimize()->settings.getFloat("lr"), 0.01);
  EXPECT_EQ(g->minimize()->settings.getFloat("weight_decay"), 0.05);
  EXPECT_EQ(g->minimize()->settings.getFloat("momentum"), 0.0);
}

TEST(Parser, LocationsPointAtTheOpKeyword) {
  auto g = parseOk(kClassifier);
  ASSERT_TRUE(g);
  Node *x = g->findByName("x");
  EXPECT_EQ(x->loc().str(), "test.vg:3:9");
  Node *h1 = g->findByName("h1");
  EXPECT_EQ(h1->loc().str(), "test.vg:11:9");
  EXPECT_EQ(h1->operand(0)->loc().str(), "test.vg:11:15");             // add
  EXPECT_EQ(h1->operand(0)->operand(0)->loc().str(), "test.vg:11:20"); // mm
  // A broadcast inserted for an op carries that op's location.
  EXPECT_EQ(h1->operand(0)->operand(1)->loc().str(), "test.vg:11:15");
  EXPECT_EQ(g->resultsLoc().str(), "test.vg:16:3");
  EXPECT_EQ(g->minimize()->loc.str(), "test.vg:15:3");
}

TEST(Parser, LiteralsTakeTheDTypeOfTheOtherOperand) {
  auto g = parseOk(R"(graph @g {
  %a = input f64[2]
  %i = input i32[2]
  %c = input i1[2]
  %x = mul %a, 0.5
  %y = add 3, %i
  %z = select %c, 2, %a
  %w = select 1, %i, -4
  %s = sub 1.5, 2
  return %x, %y, %z, %w, %s
})");
  ASSERT_TRUE(g);
  Node *x = g->findByName("x");
  // The literal becomes a rank-0 constant, then a broadcast to [2].
  Node *lit = x->operand(1)->operand(0);
  ASSERT_EQ(lit->op(), OpKind::Const);
  EXPECT_EQ(lit->type().str(), "f64[]");
  EXPECT_EQ(lit->constValues(), std::vector<double>{0.5});
  EXPECT_EQ(g->findByName("y")->operand(0)->operand(0)->type().str(), "i32[]");
  Node *z = g->findByName("z");
  EXPECT_EQ(z->operand(1)->operand(0)->type().str(), "f64[]");
  Node *w = g->findByName("w");
  EXPECT_EQ(w->operand(0)->operand(0)->type().str(), "i1[]");
  EXPECT_EQ(w->operand(2)->operand(0)->constValues(), std::vector<double>{-4});
  Node *s = g->findByName("s");
  EXPECT_EQ(s->type().str(), "f32[]");
  EXPECT_EQ(s->operand(0)->op(), OpKind::Const); // no broadcast of scalars
}

TEST(Parser, NodeOrderWithinAStatement) {
  // Nested expressions first, left to right; then literal constants; then
  // broadcasts; then the op.
  auto g = parseOk(R"(graph @g {
  %a = input f32[2, 3]
  %r = add 2, (neg (exp %a))
  return %r
})");
  ASSERT_TRUE(g);
  std::vector<OpKind> ops;
  for (Node *n : *g)
    ops.push_back(n->op());
  std::vector<OpKind> want = {OpKind::Input, OpKind::Exp,       OpKind::Neg,
                              OpKind::Const, OpKind::Broadcast, OpKind::Add};
  EXPECT_EQ(ops, want);
}

TEST(Parser, LeavesAndTheirPayloads) {
  auto g = parseOk(R"(graph @g {
  %c = const f32[2, 2] [1, -2.5, inf, -inf]
  %f = const f64[3] [0.25]
  %s = const f32[] [nan]
  %k = const i32[2] [7, -9]
  %b = const i1[2] [1, 0]
  %p = param f32[4] init = normal(0, 0.1)
  %q = param f32[4] init = uniform(-1, 1e-1)
  %r = state f32[4] init = constant(-0.5)
  %t = state f32[4]
  %u = param f32[4] init = xavier_normal()
  return %c
})");
  ASSERT_TRUE(g);
  const auto &c = g->findByName("c")->constValues();
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[1], -2.5);
  EXPECT_TRUE(std::isinf(c[2]) && c[2] > 0);
  EXPECT_TRUE(std::isinf(c[3]) && c[3] < 0);
  EXPECT_EQ(g->findByName("f")->constValues(), std::vector<double>(3, 0.25));
  EXPECT_TRUE(std::isnan(g->findByName("s")->constValues()[0]));
  EXPECT_EQ(g->findByName("k")->constValues(), (std::vector<double>{7, -9}));
  EXPECT_EQ(g->findByName("p")->init(), (InitSpec{InitKind::Normal, 0, 0.1}));
  EXPECT_EQ(g->findByName("q")->init(), (InitSpec{InitKind::Uniform, -1, 0.1}));
  EXPECT_EQ(g->findByName("r")->init(),
            (InitSpec{InitKind::Constant, -0.5, 0}));
  EXPECT_EQ(g->findByName("r")->op(), OpKind::State);
  EXPECT_EQ(g->findByName("t")->init().kind, InitKind::Zeros);
  EXPECT_EQ(g->findByName("u")->init().kind, InitKind::XavierNormal);
}

TEST(Parser, F32ConstantsHoldWhatAFloatHolds) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> dist(-100, 100);
  double v = dist(rng);
  char text[256];
  std::snprintf(text, sizeof text,
                "graph @g {\n %%c = const f32[] [%.17g]\n return %%c\n}\n", v);
  auto g = parseOk(text);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->findByName("c")->constValues()[0], double(float(v)));
}

TEST(Parser, AttributesAndTypeSuffix) {
  auto g = parseOk(R"(graph @g {
  %a = input f32[2, 3]
  %b = input f32[4, 3]
  %m = matmul %a, %b {transpose_b = true} : f32[2, 4]
  %t = transpose %a {perm = [1, 0]}
  %r = reshape %a {shape = [3, -1]}
  %s = reduce_sum %a {axes = [-1], keepdims = true}
  %l = leaky_relu %a {alpha = 2}
  %k = convert %a {dtype = i32}
  %sm = softmax %a {axis = 0}
  return %m, %t, %r, %s, %l, %k, %sm
})");
  ASSERT_TRUE(g);
  EXPECT_TRUE(g->findByName("m")->attrs().getBool("transpose_b"));
  EXPECT_EQ(g->findByName("r")->type().str(), "f32[3, 2]");
  EXPECT_EQ(g->findByName("s")->attrs().getInts("axes"),
            std::vector<int64_t>{1});
  EXPECT_EQ(g->findByName("s")->type().str(), "f32[2, 1]");
  // An integer given for a number attribute becomes a number.
  EXPECT_EQ(g->findByName("l")->attrs().getFloat("alpha"), 2.0);
  EXPECT_EQ(g->findByName("k")->type().str(), "i32[2, 3]");
  EXPECT_EQ(g->findByName("sm")->attrs().getInt("axis"), 0);
}

TEST(Parser, UpdatesAndOptimizerSettings) {
  auto g = parseOk(R"(graph @step {
  %w = param f32[3] init = ones
  %m = state f32[3]
  %g = input f32[3]
  %m1 = add %m, %g
  %w1 = sub %w, %m1
  %l = reduce_sum %w1
  minimize %l using adam {lr = 1e-3, amsgrad = true, beta2 = 1}
  update %w = %w1
  update %m = %m1
  return %l
})");
  ASSERT_TRUE(g);
  ASSERT_EQ(g->updates().size(), 2u);
  EXPECT_EQ(g->updates()[0].target, g->findByName("w"));
  EXPECT_EQ(g->updates()[0].value, g->findByName("w1"));
  EXPECT_EQ(g->updates()[1].target, g->findByName("m"));
  const Attrs &s = g->minimize()->settings;
  EXPECT_EQ(s.getFloat("lr"), 1e-3);
  EXPECT_TRUE(s.getBool("amsgrad"));
  EXPECT_EQ(s.getFloat("beta2"), 1.0);
  EXPECT_EQ(s.getFloat("beta1"), 0.9);
}

TEST(Parser, LayoutFreedoms) {
  // Comments anywhere, CRLF line ends, operands continued after a comma,
  // nested expressions over several lines, '}' after the last statement.
  auto g = parseOk("graph @g { // opens\r\n"
                   "  %a = input f32[2] // a\r\n"
                   "  %b = add %a,\r\n"
                   "           (mul %a,\r\n"
                   "                %a)\r\n"
                   "  return %b }\r\n");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->findByName("b")->operand(1)->op(), OpKind::Mul);
}

TEST(Parser, NestingUpToTheCap) {
  std::string expr = "%x";
  for (int i = 0; i < 199; ++i)
    expr = "(neg " + expr + ")";
  auto g = parseOk("graph @g {\n %x = input f32[2]\n %y = neg " + expr +
                   "\n return %y\n}\n");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->size(), 201u);
}

} // namespace
} // namespace voskhod::ir
