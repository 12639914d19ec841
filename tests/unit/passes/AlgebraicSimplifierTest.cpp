//===- tests/unit/passes/AlgebraicSimplifierTest.cpp - each rewrite rule --===//
#include "PassCase.h"

#include "compiler/passes/AlgebraicSimplifier.h"

using namespace voskhod;
using namespace voskhod::ir;
using namespace voskhod::passes;
using namespace voskhod::passes::testing;

namespace {

/// Runs the simplifier on the case's graph, checks the results did not
/// change, and returns how often `rule` fired.
int simplify(PassCase &c, std::string_view rule, double tolerance = 0) {
  c.snapshot();
  AlgebraicSimplifier s;
  s.run(c.graph());
  c.expectSameResults(tolerance);
  auto it = s.firedCounts().find(rule);
  return it == s.firedCounts().end() ? 0 : it->second;
}

TEST(Simplifier, MulByOneOnEitherSide) {
  PassCase c;
  Node *x = c.input({2, 3});
  c.returns({c.op(OpKind::Mul, {x, c.scalar(1)}),
             c.op(OpKind::Mul, {c.scalar(1), x})});
  EXPECT_EQ(simplify(c, "mul-one"), 2);
  EXPECT_EQ(c.graph().results()[0], x);
  EXPECT_EQ(c.graph().results()[1], x);
}

TEST(Simplifier, MulByMinusOneIsNeg) {
  PassCase c;
  Node *x = c.input({3});
  c.returns({c.op(OpKind::Mul, {x, c.scalar(-1)})});
  EXPECT_EQ(simplify(c, "mul-minus-one"), 1);
  EXPECT_TRUE(c.graph().results()[0]->is(OpKind::Neg));
}

TEST(Simplifier, MulByZeroOnlyForFiniteConstants) {
  PassCase c;
  Node *x = c.input({3});
  Node *finite = c.constant({3}, {1, -2, 3});
  Node *infinite = c.constant({3}, {1, INFINITY, 3});
  c.returns({c.op(OpKind::Mul, {x, c.scalar(0)}),
             c.op(OpKind::Mul, {finite, c.scalar(0)}),
             c.op(OpKind::Mul, {infinite, c.scalar(0)})});
  EXPECT_EQ(simplify(c, "mul-zero-constant"), 1);
  EXPECT_TRUE(c.graph().results()[0]->is(OpKind::Mul)) << "x may be inf";
  EXPECT_FALSE(c.graph().results()[1]->is(OpKind::Mul));
  EXPECT_TRUE(c.graph().results()[2]->is(OpKind::Mul)) << "inf * 0 is nan";
}

TEST(Simplifier, ProductOfNegations) {
  PassCase c;
  Node *a = c.input({3}), *b = c.input({3});
  c.returns(
      {c.op(OpKind::Mul, {c.op(OpKind::Neg, {a}), c.op(OpKind::Neg, {b})})});
  EXPECT_EQ(simplify(c, "mul-neg-neg"), 1);
  EXPECT_EQ(c.count(OpKind::Neg), 0u);
}

TEST(Simplifier, OneHotSquaredIsItself) {
  PassCase c;
  Node *y = c.input({4}, DType::I32);
  Node *hot = c.op(OpKind::OneHot, {y},
                   attrs("depth", int64_t(3), "dtype", DType::F64));
  c.returns({c.op(OpKind::Mul, {hot, hot})});
  EXPECT_EQ(simplify(c, "mul-one-hot-self"), 1);
  EXPECT_EQ(c.graph().results()[0], hot);
}

TEST(Simplifier, AddAndSubtractZero) {
  PassCase c;
  Node *x = c.input({2, 2});
  c.returns({c.op(OpKind::Add, {c.scalar(0), x}),
             c.op(OpKind::Sub, {x, c.scalar(0)}),
             c.op(OpKind::Add, {x, c.scalar(1)})});
  EXPECT_EQ(simplify(c, "add-zero"), 1);
  EXPECT_EQ(c.graph().results()[0], x);
  EXPECT_EQ(c.graph().results()[1], x);
  EXPECT_TRUE(c.graph().results()[2]->is(OpKind::Add));
}

TEST(Simplifier, ZeroMinusIsNeg) {
  PassCase c;
  Node *x = c.input({2});
  c.returns({c.op(OpKind::Sub, {c.scalar(0), x})});
  EXPECT_EQ(simplify(c, "zero-sub"), 1);
  EXPECT_TRUE(c.graph().results()[0]->is(OpKind::Neg));
}

TEST(Simplifier, NegationsFoldIntoAddAndSub) {
  PassCase c;
  Node *a = c.input({3}), *b = c.input({3});
  Node *nb = c.op(OpKind::Neg, {b});
  c.returns({c.op(OpKind::Add, {a, nb}), c.op(OpKind::Add, {nb, a}),
             c.op(OpKind::Sub, {a, nb}),
             c.op(OpKind::Neg, {c.op(OpKind::Sub, {a, b})})});
  c.snapshot();
  AlgebraicSimplifier s;
  s.run(c.graph());
  c.expectSameResults();
  EXPECT_EQ(s.firedCounts().at("add-neg"), 2);
  EXPECT_EQ(s.firedCounts().at("sub-neg"), 1);
  EXPECT_EQ(s.firedCounts().at("neg-sub"), 1);
  EXPECT_EQ(c.count(OpKind::Neg), 0u);
}

TEST(Simplifier, DoubleNegation) {
  PassCase c;
  Node *x = c.input({3});
  Node *n = x;
  for (int i = 0; i < 5; ++i)
    n = c.op(OpKind::Neg, {n});
  c.returns({n});
  EXPECT_EQ(simplify(c, "neg-neg"), 2);
  EXPECT_EQ(c.count(OpKind::Neg), 1u) << "an odd count leaves one";
}

TEST(Simplifier, DivisionByOneAndByPowersOfTwo) {
  PassCase c;
  Node *x = c.input({3}, DType::F32);
  c.returns({c.op(OpKind::Div, {x, c.scalar(1, DType::F32)}),
             c.op(OpKind::Div, {x, c.scalar(0.25, DType::F32)}),
             c.op(OpKind::Div, {x, c.scalar(-8, DType::F32)}),
             c.op(OpKind::Div, {x, c.scalar(3, DType::F32)}),
             c.op(OpKind::Div, {x, c.scalar(0, DType::F32)}),
             c.op(OpKind::Div, {x, c.scalar(0x1p-130, DType::F32)})});
  c.snapshot();
  AlgebraicSimplifier s;
  s.run(c.graph());
  c.expectSameResults();
  EXPECT_EQ(s.firedCounts().at("div-one"), 1);
  EXPECT_EQ(s.firedCounts().at("div-power-of-two"), 2);
  auto &r = c.graph().results();
  EXPECT_EQ(r[0], x);
  EXPECT_TRUE(r[1]->is(OpKind::Mul));
  EXPECT_TRUE(r[2]->is(OpKind::Mul));
  EXPECT_TRUE(r[3]->is(OpKind::Div)) << "1/3 is not exact";
  EXPECT_TRUE(r[4]->is(OpKind::Div));
  EXPECT_TRUE(r[5]->is(OpKind::Div)) << "2^130 overflows f32";
}

TEST(Simplifier, IntegerDivisionIsLeftAlone) {
  PassCase c;
  Node *x = c.input({3}, DType::I32);
  c.returns({c.op(OpKind::Div, {x, c.scalar(2, DType::I32)})});
  EXPECT_EQ(simplify(c, "div-power-of-two"), 0);
}

TEST(Simplifier, PowersOneAndTwo) {
  PassCase c;
  Node *x = c.input({3});
  c.returns({c.op(OpKind::Pow, {x, c.scalar(1)}),
             c.op(OpKind::Pow, {x, c.scalar(2)}),
             c.op(OpKind::Pow, {x, c.scalar(3)})});
  c.snapshot();
  AlgebraicSimplifier s;
  s.run(c.graph());
  c.expectSameResults(1e-15);
  EXPECT_EQ(c.graph().results()[0], x);
  EXPECT_TRUE(c.graph().results()[1]->is(OpKind::Square));
  EXPECT_TRUE(c.graph().results()[2]->is(OpKind::Pow));
}

TEST(Simplifier, SelectWithConstantOrEqualBranches) {
  PassCase c;
  Node *a = c.input({2, 2}), *b = c.input({2, 2});
  Node *cond = c.input({2, 2}, DType::I1);
  Node *yes = c.constant({}, {1}, DType::I1);
  Node *no = c.constant({}, {0}, DType::I1);
  c.returns(
      {c.op(OpKind::Select, {yes, a, b}), c.op(OpKind::Select, {no, a, b}),
       c.op(OpKind::Select, {cond, a, a}), c.op(OpKind::Select, {cond, a, b})});
  c.snapshot();
  AlgebraicSimplifier s;
  s.run(c.graph());
  c.expectSameResults();
  EXPECT_EQ(c.graph().results()[0], a);
  EXPECT_EQ(c.graph().results()[1], b);
  EXPECT_EQ(c.graph().results()[2], a);
  EXPECT_TRUE(c.graph().results()[3]->is(OpKind::Select));
}

TEST(Simplifier, ConvertOfOneHotAndToItsOwnType) {
  PassCase c;
  Node *y = c.input({3}, DType::I32);
  Node *x = c.input({3});
  Node *hot = c.op(OpKind::OneHot, {y}, attrs("depth", int64_t(4)));
  c.returns({c.op(OpKind::Convert, {hot}, attrs("dtype", DType::F64)),
             c.op(OpKind::Convert, {x}, attrs("dtype", DType::F64))});
  c.snapshot();
  AlgebraicSimplifier s;
  s.run(c.graph());
  c.expectSameResults();
  EXPECT_TRUE(c.graph().results()[0]->is(OpKind::OneHot));
  EXPECT_EQ(c.graph().results()[0]->dtype(), DType::F64);
  EXPECT_EQ(c.graph().results()[1], x);
}

TEST(Simplifier, TransposeChains) {
  PassCase c;
  Node *x = c.input({2, 3, 4});
  auto t = [&](Node *v, std::vector<int64_t> perm) {
    return c.op(OpKind::Transpose, {v}, attrs("perm", perm));
  };
  Node *back = t(t(x, {1, 2, 0}), {2, 0, 1});
  Node *composed = t(t(x, {1, 2, 0}), {1, 2, 0});
  c.returns({back, composed, t(x, {0, 1, 2})});
  c.snapshot();
  AlgebraicSimplifier s;
  s.run(c.graph());
  c.expectSameResults();
  EXPECT_EQ(c.graph().results()[0], x);
  Node *r = c.graph().results()[1];
  ASSERT_TRUE(r->is(OpKind::Transpose));
  EXPECT_EQ(r->operand(0), x);
  EXPECT_EQ(r->attrs().getInts("perm"), (std::vector<int64_t>{2, 0, 1}));
  EXPECT_EQ(c.graph().results()[2], x);
}

TEST(Simplifier, ReshapeChains) {
  PassCase c;
  Node *x = c.input({2, 6});
  auto r = [&](Node *v, Shape s) {
    return c.op(OpKind::Reshape, {v}, attrs("shape", s));
  };
  c.returns({r(r(x, {3, 4}), {12}), r(r(x, {3, 4}), {2, 6}), r(x, {2, 6})});
  c.snapshot();
  AlgebraicSimplifier s;
  s.run(c.graph());
  c.expectSameResults();
  EXPECT_EQ(c.graph().results()[0]->operand(0), x);
  EXPECT_EQ(c.graph().results()[1], x);
  EXPECT_EQ(c.graph().results()[2], x);
}

TEST(Simplifier, BroadcastChainsAndBroadcastScalars) {
  PassCase c;
  Node *x = c.input({3, 1});
  Node *s = c.input({});
  auto b = [&](Node *v, Shape shape) {
    return c.op(OpKind::Broadcast, {v}, attrs("shape", shape));
  };
  Node *one = c.op(OpKind::Reshape, {s}, attrs("shape", Shape{1, 1}));
  c.returns({b(b(x, {3, 4}), {2, 3, 4}),
             c.op(OpKind::Reshape, {b(s, {2, 3})}, attrs("shape", Shape{6})),
             c.op(OpKind::Transpose, {b(s, {2, 3})}), b(one, {2, 5})});
  c.snapshot();
  AlgebraicSimplifier s2;
  s2.run(c.graph());
  c.expectSameResults();
  for (Node *r : c.graph().results()) {
    ASSERT_TRUE(r->is(OpKind::Broadcast));
    EXPECT_TRUE(r->operand(0) == x || r->operand(0) == s);
  }
}

TEST(Simplifier, OnlySmallBroadcastConstantsAreFilled) {
  PassCase c;
  Node *x = c.input({1, 1}), *y = c.input({2});
  c.returns({c.op(OpKind::Add, {x, c.scalar(0.5)}),
             c.op(OpKind::Add, {y, c.scalar(0.5)})});
  EXPECT_EQ(simplify(c, "broadcast-small-constant"), 1);
  EXPECT_TRUE(c.graph().results()[0]->operand(1)->is(OpKind::Const));
  EXPECT_TRUE(c.graph().results()[1]->operand(1)->is(OpKind::Broadcast));
}

TEST(Simplifier, ReductionsOverSizeOneAxes) {
  PassCase c;
  Node *x = c.input({3, 1, 2});
  Attrs a = attrs("axes", std::vector<int64_t>{1});
  c.returns({c.op(OpKind::ReduceSum, {x}, a), c.op(OpKind::ReduceMean, {x}, a),
             c.op(OpKind::ReduceMax, {x},
                  attrs("axes", std::vector<int64_t>{1}, "keepdims", true)),
             c.op(OpKind::ReduceSum, {x})});
  c.snapshot();
  AlgebraicSimplifier s;
  s.run(c.graph());
  c.expectSameResults();
  EXPECT_TRUE(c.graph().results()[0]->is(OpKind::Reshape));
  EXPECT_TRUE(c.graph().results()[1]->is(OpKind::Reshape));
  EXPECT_EQ(c.graph().results()[2], x);
  EXPECT_TRUE(c.graph().results()[3]->is(OpKind::ReduceSum));
}

TEST(Simplifier, ReduceSumOfBroadcastIsAProduct) {
  PassCase c;
  Node *x = c.input({3, 1});
  Node *s = c.input({});
  Node *bx = c.op(OpKind::Broadcast, {x}, attrs("shape", Shape{2, 3, 4}));
  Node *bs = c.op(OpKind::Broadcast, {s}, attrs("shape", Shape{5, 2}));
  auto sum = [&](Node *v, std::vector<int64_t> axes, bool keep) {
    return c.op(OpKind::ReduceSum, {v}, attrs("axes", axes, "keepdims", keep));
  };
  c.returns({sum(bx, {0}, false), sum(bx, {0, 2}, false), sum(bx, {2}, true),
             sum(bs, {}, false), sum(bs, {0}, true), sum(bx, {1}, false)});
  c.snapshot();
  AlgebraicSimplifier s2;
  s2.run(c.graph());
  c.expectSameResults(1e-15);
  EXPECT_EQ(s2.firedCounts().at("reduce-sum-broadcast"), 5);
  EXPECT_EQ(c.count(OpKind::ReduceSum), 1u) << "axis 1 of x is real data";
}

TEST(Simplifier, RowSumOfOneHotIsOne) {
  PassCase c;
  Node *y = c.input({4}, DType::I32);
  Node *hot = c.op(OpKind::OneHot, {y},
                   attrs("depth", int64_t(3), "dtype", DType::F64));
  c.returns(
      {c.op(OpKind::ReduceSum, {hot},
            attrs("axes", std::vector<int64_t>{1}, "keepdims", true)),
       c.op(OpKind::ReduceSum, {hot}, attrs("axes", std::vector<int64_t>{0}))});
  EXPECT_EQ(simplify(c, "reduce-sum-one-hot"), 1);
  EXPECT_TRUE(c.graph().results()[1]->is(OpKind::ReduceSum));
}

TEST(Simplifier, LeavesNonFiniteSafeIdentitiesAlone) {
  PassCase c;
  Node *x = c.input({2, 3});
  c.returns({c.op(OpKind::Sub, {x, x}), c.op(OpKind::Div, {x, x}),
             c.op(OpKind::Mul, {x, c.scalar(0)})});
  c.snapshot();
  AlgebraicSimplifier s;
  EXPECT_FALSE(s.run(c.graph()));
  EXPECT_EQ(c.count(OpKind::Sub) + c.count(OpKind::Div) + c.count(OpKind::Mul),
            3u);
}

TEST(Simplifier, ReachesAFixedPointAndIsIdempotent) {
  PassCase c;
  Node *x = c.input({2, 3});
  // neg(0 - x * 1) + 0, transposed twice, reshaped twice.
  Node *v = c.op(OpKind::Mul, {x, c.scalar(1)});
  v = c.op(OpKind::Neg, {c.op(OpKind::Sub, {c.scalar(0), v})});
  v = c.op(OpKind::Add, {v, c.scalar(0)});
  v = c.op(OpKind::Transpose, {c.op(OpKind::Transpose, {v})});
  v = c.op(OpKind::Reshape,
           {c.op(OpKind::Reshape, {v}, attrs("shape", Shape{6}))},
           attrs("shape", Shape{2, 3}));
  c.returns({v});
  c.snapshot();
  AlgebraicSimplifier s;
  EXPECT_TRUE(s.run(c.graph()));
  c.expectSameResults();
  EXPECT_EQ(c.graph().results()[0], x);
  EXPECT_EQ(c.graph().size(), 1u);
  EXPECT_FALSE(s.run(c.graph())) << "a second run finds nothing";
}

TEST(Simplifier, ReplacementTakesOverTheUsersName) {
  PassCase c;
  Node *x = c.input({3});
  Node *e = c.op(OpKind::Exp, {x});
  Node *named = c.op(OpKind::Mul, {e, c.scalar(1)});
  named->setName("h");
  c.returns({named});
  simplify(c, "mul-one");
  EXPECT_EQ(c.graph().results()[0], e);
  EXPECT_EQ(e->name(), "h");
}

} // namespace
