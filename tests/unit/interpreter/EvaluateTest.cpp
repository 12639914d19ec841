//===- tests/unit/interpreter/EvaluateTest.cpp - whole graphs and leaves --===//
///
/// evaluate() on multi-node graphs, its checks of the leaf values it is
/// given (missing, wrong type, wrong size, non-integer labels), reporting at
/// the failing node's location, evaluateNode on its own, and the next step's
/// leaf values from a graph's updates.
///
//===----------------------------------------------------------------------===//
#include "InterpreterTesting.h"

#include <sstream>

namespace voskhod::ir::testing {
namespace {

/// loss = softmax_cross_entropy(relu(x @ w + b), y) with x[2, 3], w[3, 2].
struct TinyClassifier {
  Graph g;
  Node *x, *y, *w, *b, *h, *logits, *loss;

  TinyClassifier() {
    x = must(buildInput(g, f64({2, 3}), {}, "x"));
    y = must(buildInput(g, i32({2}), {}, "y"));
    w = must(buildParam(g, f64({3, 2}), {}, {}, "w"));
    b = must(buildParam(g, f64({2}), {}, {}, "b"));
    h = must(buildNode(g, OpKind::Matmul, {x, w}));
    logits = must(buildBroadcasting(g, OpKind::Add, {h, b}));
    Node *r = must(buildNode(g, OpKind::Relu, {logits}));
    loss = must(buildNode(g, OpKind::SoftmaxCrossEntropy, {r, y}, {},
                          {internFileName("model.vg"), 7, 11}, "loss"));
    g.results() = {logits};
  }

  LeafValues values() const {
    LeafValues v;
    v[x] = HostTensor(f64({2, 3}), {1, 2, 3, -1, 0.5, 2});
    v[y] = HostTensor(i32({2}), {1, 0});
    v[w] = HostTensor(f64({3, 2}), {0.5, -1, 1, 0.25, -0.5, 1});
    v[b] = HostTensor(f64({2}), {0.25, -0.5});
    return v;
  }
};

TEST(Evaluate, WholeGraph) {
  TinyClassifier c;
  Expected<Evaluation> e = evaluate(c.g, c.values());
  ASSERT_TRUE(e) << e.message();
  // x @ w: row 0 = [0.5 + 2 - 1.5, -1 + 0.5 + 3] = [1, 2.5];
  //        row 1 = [-0.5 + 0.5 - 1, 1 + 0.125 + 2] = [-1, 3.125]; plus b.
  expectTensor(e->value(c.logits), f64({2, 2}), {1.25, 2, -0.75, 2.625});
  // relu -> [[1.25, 2], [0, 2.625]]; row 0 takes class 1, row 1 class 0:
  // (log(e^1.25 + e^2) - 2 + log(1 + e^2.625) - 0) / 2.
  double expected = (std::log(std::exp(1.25) + std::exp(2.0)) - 2 +
                     std::log(1 + std::exp(2.625))) /
                    2;
  expectTensor(e->value(c.loss), f64({}), {expected}, 1e-15);
  // Leaves evaluate to what they were given.
  expectTensor(e->value(c.w), f64({3, 2}), {0.5, -1, 1, 0.25, -0.5, 1});
}

TEST(Evaluate, ConstantsAndScalars) {
  Graph g;
  Node *x = must(buildInput(g, f32({3}), {}, "x"));
  Node *c = must(buildConst(g, f32({3}), {1, 2, 3}, {}, "c"));
  Node *half = buildScalar(g, 0.5, DType::F32);
  Node *sum = must(buildBroadcasting(g, OpKind::Add, {x, c}));
  Node *scaled = must(buildBroadcasting(g, OpKind::Mul, {sum, half}));
  LeafValues v;
  v[x] = HostTensor(f32({3}), {-1, 4, 0.5});
  Expected<Evaluation> e = evaluate(g, v);
  ASSERT_TRUE(e) << e.message();
  expectTensor(e->value(scaled), f32({3}), {0, 3, 1.75});
}

TEST(Evaluate, MissingLeafIsNamed) {
  TinyClassifier c;
  LeafValues v = c.values();
  v.erase(c.b);
  Expected<Evaluation> e = evaluate(c.g, v);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.message(), "no value for param %b");
  v = c.values();
  v.erase(c.x);
  EXPECT_EQ(errorOf(evaluate(c.g, v)), "no value for input %x");
}

TEST(Evaluate, StateLeaves) {
  Graph g;
  Node *s = must(buildState(g, f32({}), {}, {}, "step"));
  Node *one = buildScalar(g, 1, DType::F32);
  Node *next = must(buildNode(g, OpKind::Add, {s, one}));
  LeafValues v;
  EXPECT_EQ(errorOf(evaluate(g, v)), "no value for state %step");
  v[s] = HostTensor(f32({}), {41});
  Expected<Evaluation> e = evaluate(g, v);
  ASSERT_TRUE(e) << e.message();
  expectTensor(e->value(next), f32({}), {42});
}

TEST(Evaluate, WrongLeafTypeIsNamed) {
  TinyClassifier c;
  LeafValues v = c.values();
  v[c.w] = HostTensor(f64({2, 3}), {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(errorOf(evaluate(c.g, v)),
            "value for param %w has type f64[2, 3], expected f64[3, 2]");
  v = c.values();
  v[c.x] = HostTensor(f32({2, 3}), {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(errorOf(evaluate(c.g, v)),
            "value for input %x has type f32[2, 3], expected f64[2, 3]");
}

TEST(Evaluate, WrongPayloadSizeIsAnError) {
  TinyClassifier c;
  LeafValues v = c.values();
  v[c.b] = HostTensor(f64({2}), {1, 2, 3});
  EXPECT_EQ(errorOf(evaluate(c.g, v)),
            "value for param %b has 3 values, type f64[2] needs 2");
}

TEST(Evaluate, IntegerLeavesMustHoldIntegers) {
  TinyClassifier c;
  LeafValues v = c.values();
  v[c.y] = HostTensor(i32({2}), {1, 0.5});
  EXPECT_EQ(errorOf(evaluate(c.g, v)),
            "value for input %y holds 0.5, which is not an i32 value");
  v[c.y] = HostTensor(i32({2}), {1, 4294967296.0});
  EXPECT_EQ(errorOf(evaluate(c.g, v)),
            "value for input %y holds 4294967296.0, which is not an i32 value");
}

TEST(Evaluate, LabelOutOfRangeReportsAtTheLossLine) {
  TinyClassifier c;
  LeafValues v = c.values();
  v[c.y] = HostTensor(i32({2}), {1, 2});
  DiagnosticEngine diags;
  Expected<Evaluation> e = evaluate(c.g, v, diags);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.message(), "'softmax_cross_entropy' label 2 is out of range "
                         "[0, 2)");
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  std::ostringstream os;
  diags.print(os);
  EXPECT_NE(os.str().find("model.vg:7:11: error: 'softmax_cross_entropy' "
                          "label 2 is out of range [0, 2)"),
            std::string::npos)
      << os.str();
}

TEST(Evaluate, SuccessReportsNothing) {
  TinyClassifier c;
  DiagnosticEngine diags;
  EXPECT_TRUE(evaluate(c.g, c.values(), diags));
  EXPECT_FALSE(diags.hasErrors());
}

TEST(EvaluateNode, OneNodeFromOperandValues) {
  Graph g;
  Node *a = must(buildInput(g, f64({2, 2}), {}, "a"));
  Node *t = must(buildNode(g, OpKind::Transpose, {a}));
  HostTensor av(f64({2, 2}), {1, 2, 3, 4});
  const HostTensor *ops[] = {&av};
  Expected<HostTensor> r = evaluateNode(*t, ops);
  ASSERT_TRUE(r) << r.message();
  expectTensor(*r, f64({2, 2}), {1, 3, 2, 4});
}

TEST(EvaluateNode, ConstNodeGivesItsValues) {
  Graph g;
  Node *c = must(buildConst(g, i32({2}), {3, -4}));
  Expected<HostTensor> r = evaluateNode(*c, {});
  ASSERT_TRUE(r) << r.message();
  expectTensor(*r, i32({2}), {3, -4});
}

TEST(EvaluateNode, RejectsMismatchedOperands) {
  Graph g;
  Node *a = must(buildInput(g, f64({2}), {}, "a"));
  Node *n = must(buildNode(g, OpKind::Exp, {a}));
  HostTensor wrong(f64({3}), {1, 2, 3});
  const HostTensor *ops[] = {&wrong};
  Expected<HostTensor> r = evaluateNode(*n, ops);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("has type f64[3], expected f64[2]"),
            std::string::npos)
      << r.message();
  EXPECT_FALSE(evaluateNode(*n, {}));
  // A leaf has no operands to be evaluated from.
  EXPECT_FALSE(evaluateNode(*a, {}));
}

TEST(NextLeafValues, ReplacesUpdatedLeavesOnly) {
  // w' = w - 0.5 * x, step' = step + 1; x is not updated.
  Graph g;
  Node *x = must(buildInput(g, f64({2}), {}, "x"));
  Node *w = must(buildParam(g, f64({2}), {}, {}, "w"));
  Node *step = must(buildState(g, f64({}), {}, {}, "step"));
  Node *half = buildScalar(g, 0.5, DType::F64);
  Node *scaled = must(buildBroadcasting(g, OpKind::Mul, {x, half}));
  Node *wNext = must(buildNode(g, OpKind::Sub, {w, scaled}));
  Node *stepNext =
      must(buildNode(g, OpKind::Add, {step, buildScalar(g, 1, DType::F64)}));
  g.updates() = {{w, wNext}, {step, stepNext}};

  LeafValues v;
  v[x] = HostTensor(f64({2}), {2, -4});
  v[w] = HostTensor(f64({2}), {1.5, 0.25});
  v[step] = HostTensor(f64({}), {3});
  for (int i = 0; i < 2; ++i) {
    Expected<Evaluation> e = evaluate(g, v);
    ASSERT_TRUE(e) << e.message();
    v = nextLeafValues(g, *e, v);
  }
  expectTensor(v.at(w), f64({2}), {1.5 - 2, 0.25 + 4});
  expectTensor(v.at(step), f64({}), {5});
  expectTensor(v.at(x), f64({2}), {2, -4});
  EXPECT_EQ(v.size(), 3u);
}

} // namespace
} // namespace voskhod::ir::testing
