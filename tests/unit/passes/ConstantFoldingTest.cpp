//===- tests/unit/passes/ConstantFoldingTest.cpp - constant folding -------===//
#include "PassCase.h"

#include "compiler/passes/ConstantFolding.h"

using namespace voskhod;
using namespace voskhod::ir;
using namespace voskhod::passes;
using namespace voskhod::passes::testing;

namespace {

TEST(ConstantFolding, FoldsChainsOfConstantsInOneRun) {
  PassCase c;
  Node *x = c.input({2, 2});
  Node *k = c.constant({2, 2}, {1, 2, 3, 4});
  Node *m = c.constant({2, 2}, {0.5, -1, 2, 0.25});
  Node *folded =
      c.op(OpKind::Exp, {c.op(OpKind::Matmul, {k, c.op(OpKind::Neg, {m})})});
  c.returns({c.op(OpKind::Add, {x, folded})});
  c.snapshot();
  ConstantFolding cf;
  EXPECT_TRUE(cf.run(c.graph()));
  c.expectSameResults();
  Node *r = c.graph().results()[0];
  EXPECT_EQ(r->operand(0), x);
  EXPECT_TRUE(r->operand(1)->is(OpKind::Const));
  EXPECT_EQ(c.graph().size(), 3u);
  EXPECT_FALSE(cf.run(c.graph()));
}

TEST(ConstantFolding, RoundsFoldedF32ValuesLikeABackend) {
  PassCase c;
  Node *third =
      c.op(OpKind::Div, {c.scalar(1, DType::F32), c.scalar(3, DType::F32)});
  c.returns({third});
  ConstantFolding cf;
  ASSERT_TRUE(cf.run(c.graph()));
  Node *r = c.graph().results()[0];
  ASSERT_TRUE(r->is(OpKind::Const));
  EXPECT_EQ(r->constValues()[0], double(1.0f / 3.0f));
}

TEST(ConstantFolding, BroadcastScalarsFoldOnScalars) {
  PassCase c;
  Node *a =
      c.op(OpKind::Broadcast, {c.scalar(2)}, attrs("shape", Shape{50, 50}));
  Node *b =
      c.op(OpKind::Broadcast, {c.scalar(3)}, attrs("shape", Shape{50, 50}));
  c.returns({c.op(OpKind::Mul, {a, b})});
  c.snapshot();
  ConstantFolding cf;
  EXPECT_TRUE(cf.run(c.graph()));
  c.expectSameResults();
  Node *r = c.graph().results()[0];
  ASSERT_TRUE(r->is(OpKind::Broadcast)) << "2500 elements stay one scalar";
  EXPECT_EQ(r->operand(0)->constValues(), std::vector<double>{6});
}

TEST(ConstantFolding, CapsTheSizeOfWhatItMaterialises) {
  PassCase c;
  int64_t n = ConstantFolding::kMaxFoldedElements + 1;
  std::vector<double> values(static_cast<size_t>(n));
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = double(i % 7) - 3;
  Node *big = c.constant({n}, values);
  Node *small = c.constant({3}, {1, 2, 3});
  c.returns({c.op(OpKind::Neg, {big}), c.op(OpKind::ReduceSum, {big}),
             c.op(OpKind::Neg, {small})});
  c.snapshot();
  ConstantFolding cf;
  cf.run(c.graph());
  c.expectSameResults();
  EXPECT_TRUE(c.graph().results()[0]->is(OpKind::Neg));
  EXPECT_TRUE(c.graph().results()[1]->is(OpKind::Const));
  EXPECT_TRUE(c.graph().results()[2]->is(OpKind::Const));
}

TEST(ConstantFolding, LeavesRunTimeErrorsToRunTime) {
  PassCase c;
  Node *labels = c.constant({2}, {1, 7}, DType::I32);
  Node *hot = c.op(OpKind::OneHot, {labels}, attrs("depth", int64_t(3)));
  Node *quotient = c.op(OpKind::Div, {c.constant({2}, {4, 5}, DType::I32),
                                      c.constant({2}, {2, 0}, DType::I32)});
  c.returns({hot, quotient});
  ConstantFolding cf;
  EXPECT_FALSE(cf.run(c.graph()));
  EXPECT_TRUE(c.graph().results()[0]->is(OpKind::OneHot));
  EXPECT_TRUE(c.graph().results()[1]->is(OpKind::Div));
}

TEST(ConstantFolding, IgnoresValuesThatAreNotConstant) {
  PassCase c;
  Node *x = c.input({3});
  c.returns({c.op(OpKind::Add, {x, c.scalar(1)}), c.op(OpKind::Exp, {x})});
  ConstantFolding cf;
  EXPECT_FALSE(cf.run(c.graph()));
}

TEST(ConstantFolding, KeepsNonFiniteResults) {
  PassCase c;
  c.returns({c.op(OpKind::Div, {c.scalar(1), c.scalar(0)}),
             c.op(OpKind::Log, {c.scalar(-1)})});
  c.snapshot();
  ConstantFolding cf;
  EXPECT_TRUE(cf.run(c.graph()));
  c.expectSameResults();
  EXPECT_TRUE(std::isinf(c.graph().results()[0]->constValues()[0]));
  EXPECT_TRUE(std::isnan(c.graph().results()[1]->constValues()[0]));
}

} // namespace

namespace {

TEST(ConstantFolding, FoldsThroughBroadcastConstants) {
  PassCase c;
  Node *k = c.constant({2, 2}, {1, 2, 3, 4});
  c.returns({c.op(OpKind::Mul, {k, c.scalar(0.5)})});
  c.snapshot();
  ConstantFolding cf;
  EXPECT_TRUE(cf.run(c.graph()));
  c.expectSameResults();
  Node *r = c.graph().results()[0];
  ASSERT_TRUE(r->is(OpKind::Const));
  EXPECT_EQ(r->constValues(), (std::vector<double>{0.5, 1, 1.5, 2}));
}

TEST(ConstantFolding, UniformResultsStayBroadcastScalars) {
  PassCase c;
  Node *b = c.op(OpKind::Broadcast, {c.scalar(2)}, attrs("shape", Shape{5, 3}));
  c.returns(
      {c.op(OpKind::ReduceSum, {b}, attrs("axes", std::vector<int64_t>{0})),
       c.op(OpKind::Reshape, {b}, attrs("shape", Shape{15}))});
  c.snapshot();
  ConstantFolding cf;
  EXPECT_TRUE(cf.run(c.graph()));
  c.expectSameResults();
  for (Node *r : c.graph().results()) {
    ASSERT_TRUE(r->is(OpKind::Broadcast));
    EXPECT_TRUE(r->operand(0)->is(OpKind::Const));
  }
  EXPECT_EQ(c.graph().results()[0]->operand(0)->constValues(),
            std::vector<double>{10});
  EXPECT_FALSE(cf.run(c.graph())) << "a broadcast is never folded again";
}

} // namespace
