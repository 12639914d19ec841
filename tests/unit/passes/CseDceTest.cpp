//===- tests/unit/passes/CseDceTest.cpp - duplicates and dead nodes -------===//
#include "PassCase.h"

#include "compiler/passes/CommonSubexpressionElimination.h"
#include "compiler/passes/DeadCodeElimination.h"
#include "compiler/text/Printer.h"

using namespace voskhod;
using namespace voskhod::ir;
using namespace voskhod::passes;
using namespace voskhod::passes::testing;

namespace {

TEST(Cse, MergesDuplicateChainsInOneRun) {
  PassCase c;
  Node *x = c.input({2, 3});
  auto chain = [&] {
    return c.op(OpKind::Tanh,
                {c.op(OpKind::Mul, {c.op(OpKind::Exp, {x}), c.scalar(2)})});
  };
  Node *a = chain(), *b = chain();
  c.returns({c.op(OpKind::Add, {a, b})});
  c.snapshot();
  CommonSubexpressionElimination cse;
  EXPECT_TRUE(cse.run(c.graph()));
  c.expectSameResults();
  Node *r = c.graph().results()[0];
  EXPECT_EQ(r->operand(0), r->operand(1));
  EXPECT_EQ(c.count(OpKind::Exp), 1u);
  EXPECT_EQ(c.count(OpKind::Const), 1u);
  EXPECT_EQ(c.count(OpKind::Broadcast), 1u);
  EXPECT_FALSE(cse.run(c.graph()));
}

TEST(Cse, CommutativeOperandsInEitherOrder) {
  PassCase c;
  Node *x = c.input({3}), *y = c.input({3});
  c.returns({c.op(OpKind::Add, {x, y}), c.op(OpKind::Add, {y, x}),
             c.op(OpKind::Sub, {x, y}), c.op(OpKind::Sub, {y, x})});
  CommonSubexpressionElimination cse;
  EXPECT_TRUE(cse.run(c.graph()));
  auto &r = c.graph().results();
  EXPECT_EQ(r[0], r[1]);
  EXPECT_NE(r[2], r[3]) << "sub is not commutative";
}

TEST(Cse, AttributesTypesAndValuesMustMatch) {
  PassCase c;
  Node *x = c.input({2, 3});
  c.returns(
      {c.op(OpKind::ReduceSum, {x}, attrs("axes", std::vector<int64_t>{0})),
       c.op(OpKind::ReduceSum, {x}, attrs("axes", std::vector<int64_t>{1})),
       c.constant({2}, {1, 2}), c.constant({2}, {1, 3}),
       c.constant({2}, {1, 2}, DType::F32), c.constant({}, {NAN}),
       c.constant({}, {NAN})});
  CommonSubexpressionElimination cse;
  EXPECT_TRUE(cse.run(c.graph()));
  auto &r = c.graph().results();
  EXPECT_NE(r[0], r[1]);
  EXPECT_NE(r[2], r[3]);
  EXPECT_NE(r[2], r[4]);
  EXPECT_EQ(r[5], r[6]) << "same bits";
}

TEST(Cse, NeverMergesLeavesThatEnterTheGraph) {
  PassCase c;
  Node *x = c.input({3}), *y = c.input({3});
  auto p = buildParam(c.graph(), {DType::F64, {3}}, {}, {}, "p");
  auto q = buildParam(c.graph(), {DType::F64, {3}}, {}, {}, "q");
  c.returns({x, y, *p, *q});
  CommonSubexpressionElimination cse;
  EXPECT_FALSE(cse.run(c.graph()));
}

TEST(Cse, KeepsTheEarlierNodeAndItsName) {
  PassCase c;
  Node *x = c.input({3});
  Node *first = c.op(OpKind::Exp, {x});
  Node *second = c.op(OpKind::Exp, {x});
  second->setName("e");
  c.returns({c.op(OpKind::Add, {first, second})});
  CommonSubexpressionElimination cse;
  cse.run(c.graph());
  EXPECT_EQ(c.graph().results()[0]->operand(1), first);
  EXPECT_EQ(first->name(), "e");
}

TEST(Cse, OutputDoesNotDependOnAllocationOrder) {
  auto build = [](PassCase &c) {
    Node *x = c.input({2});
    std::vector<Node *> results;
    for (int i = 0; i < 8; ++i)
      results.push_back(c.op(OpKind::Mul, {x, c.scalar(double(i % 3))}));
    c.returns(results);
  };
  PassCase a, b;
  build(a);
  build(b);
  CommonSubexpressionElimination cse;
  cse.run(a.graph());
  cse.run(b.graph());
  EXPECT_EQ(printGraph(a.graph()), printGraph(b.graph()));
}

TEST(Dce, RemovesDeadNodesButKeepsLeaves) {
  PassCase c;
  Node *x = c.input({3});
  Node *unused = c.input({3});
  c.op(OpKind::Exp, {unused});
  c.op(OpKind::Neg, {c.op(OpKind::Exp, {x})});
  c.returns({c.op(OpKind::Tanh, {x})});
  DeadCodeElimination dce;
  EXPECT_TRUE(dce.run(c.graph()));
  EXPECT_EQ(c.graph().size(), 3u);
  EXPECT_EQ(c.graph().inputs().size(), 2u);
  EXPECT_FALSE(dce.run(c.graph()));
}

TEST(Dce, KeepsTheLossAndUpdates) {
  PassCase c;
  auto w = buildParam(c.graph(), {DType::F64, {3}}, {}, {}, "w");
  Node *loss = c.op(OpKind::ReduceSum, {c.op(OpKind::Square, {*w})});
  ASSERT_TRUE(setMinimize(c.graph(), loss, OptimizerKind::Sgd, {}));
  Node *next = c.op(OpKind::Mul, {*w, c.scalar(0.5)});
  c.graph().updates().push_back({*w, next});
  c.returns({*w});
  DeadCodeElimination dce;
  EXPECT_FALSE(dce.run(c.graph()));
  EXPECT_EQ(c.count(OpKind::ReduceSum), 1u);
  EXPECT_EQ(c.count(OpKind::Mul), 1u);
}

} // namespace
