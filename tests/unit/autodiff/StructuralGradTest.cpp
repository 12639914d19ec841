//===- tests/unit/autodiff/StructuralGradTest.cpp - matmul, layout, reduce ===//
#include "GradCase.h"

using namespace voskhod;
using namespace voskhod::ir;
using namespace voskhod::autodiff::testing;

namespace {

constexpr uint64_t kSeeds[] = {21, 22, 23};

class MatmulGrad : public ::testing::TestWithParam<std::tuple<bool, bool>> {};

TEST_P(MatmulGrad, AllTransposeCombinations) {
  auto [ta, tb] = GetParam();
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    int64_t m = c.dim(), k = c.dim() + 1, n = c.dim();
    Node *a = c.param(ta ? Shape{k, m} : Shape{m, k});
    Node *b = c.param(tb ? Shape{n, k} : Shape{k, n});
    c.check(c.op(OpKind::Matmul, {a, b},
                 attrs("transpose_a", ta, "transpose_b", tb)));
  }
}

TEST_P(MatmulGrad, SameOperandTwice) {
  auto [ta, tb] = GetParam();
  GradCase c(7);
  Node *a = c.param({3, 3});
  c.check(c.op(OpKind::Matmul, {a, a},
               attrs("transpose_a", ta, "transpose_b", tb)));
}

INSTANTIATE_TEST_SUITE_P(Structural, MatmulGrad,
                         ::testing::Combine(::testing::Bool(),
                                            ::testing::Bool()));

TEST(StructuralGrad, MatmulGradientsUseFlagsNotTransposes) {
  GradCase c(1);
  Node *a = c.param({2, 3});
  Node *b = c.param({3, 4});
  Node *loss = c.makeLoss(c.op(OpKind::Matmul, {a, b}));
  DiagnosticEngine diags;
  size_t before = c.graph().size();
  auto grads = autodiff::appendGradients(c.graph(), loss, {a, b}, diags);
  ASSERT_TRUE(grads) << grads.message();
  for (size_t i = before; i < c.graph().size(); ++i)
    EXPECT_FALSE(c.graph().node(i)->is(OpKind::Transpose));
  EXPECT_TRUE((*grads)[0]->is(OpKind::Matmul));
  EXPECT_TRUE((*grads)[0]->attrs().getBool("transpose_b"));
  EXPECT_TRUE((*grads)[1]->attrs().getBool("transpose_a"));
}

TEST(StructuralGrad, Transpose) {
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    Node *x = c.param(c.shape(3));
    c.check(c.op(OpKind::Transpose, {x},
                 attrs("perm", std::vector<int64_t>{1, 2, 0})));
  }
}

TEST(StructuralGrad, Reshape) {
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    Node *x = c.param(c.shape(3));
    c.check(c.op(OpKind::Reshape, {x},
                 attrs("shape", std::vector<int64_t>{x->shape()[0], -1})));
  }
}

TEST(StructuralGrad, BroadcastNewAndStretchedAxes) {
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    Node *x = c.param({c.dim(), 1, c.dim()});
    Shape target{2, x->shape()[0], 3, x->shape()[2]};
    c.check(c.op(OpKind::Broadcast, {x}, attrs("shape", target)));
  }
}

TEST(StructuralGrad, BroadcastScalar) {
  GradCase c(2);
  Node *x = c.param({});
  c.check(c.op(OpKind::Broadcast, {x}, attrs("shape", Shape{3, 2})));
}

struct ReduceCase {
  OpKind op;
  std::vector<int64_t> axes;
  bool keepdims;
};

class ReduceGrad : public ::testing::TestWithParam<ReduceCase> {};

TEST_P(ReduceGrad, MatchesFiniteDifferences) {
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    Node *x = c.param(c.shape(3));
    c.check(
        c.op(GetParam().op, {x},
             attrs("axes", GetParam().axes, "keepdims", GetParam().keepdims)));
  }
}

std::vector<ReduceCase> reduceCases() {
  std::vector<ReduceCase> cases;
  for (OpKind op : {OpKind::ReduceSum, OpKind::ReduceMean, OpKind::ReduceMax,
                    OpKind::ReduceMin, OpKind::ReduceProd})
    for (std::vector<int64_t> axes :
         {std::vector<int64_t>{}, {0}, {1}, {2}, {0, 2}, {1, 2}})
      for (bool keep : {false, true})
        cases.push_back({op, axes, keep});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Structural, ReduceGrad,
                         ::testing::ValuesIn(reduceCases()));

/// d sum(out) / dx, evaluated by the interpreter at c's values.
std::vector<double> gradientOfSum(GradCase &c, Node *out, Node *x) {
  Node *loss = c.op(OpKind::ReduceSum, {out});
  DiagnosticEngine diags;
  auto grads = autodiff::appendGradients(c.graph(), loss, {x}, diags);
  EXPECT_TRUE(grads) << grads.message();
  if (!grads)
    return {};
  c.graph().results() = {(*grads)[0]};
  auto eval = evaluate(c.graph(), c.values());
  EXPECT_TRUE(eval) << eval.message();
  return eval ? eval->value((*grads)[0]).data : std::vector<double>{};
}

TEST(StructuralGrad, ReduceMaxSplitsTiesEvenly) {
  GradCase c(1);
  Node *x = c.param({2, 3});
  c.values()[x].data = {1, 5, 5, -2, -3, 0.5};
  Node *m =
      c.op(OpKind::ReduceMax, {x}, attrs("axes", std::vector<int64_t>{1}));
  EXPECT_EQ(gradientOfSum(c, m, x),
            (std::vector<double>{0, 0.5, 0.5, 0, 0, 1}));
}

TEST(StructuralGrad, ReduceMinSplitsTiesEvenly) {
  GradCase c(2);
  Node *x = c.param({2, 3});
  c.values()[x].data = {1, -5, -5, -2, 3, 0.5};
  Node *m =
      c.op(OpKind::ReduceMin, {x}, attrs("axes", std::vector<int64_t>{1}));
  EXPECT_EQ(gradientOfSum(c, m, x),
            (std::vector<double>{0, 0.5, 0.5, 1, 0, 0}));
}

/// PyTorch's prod backward: a row with one zero sends the product of the
/// others to the zero only, a row with two zeros sends nothing, a row
/// without sends the product of the others to each.
TEST(StructuralGrad, ReduceProdAtZeros) {
  GradCase c(3);
  Node *x = c.param({4, 3});
  c.values()[x].data = {1, 0, 3, 0, 2, 0, 2, 3, 4, -0.0, -1, 5};
  Node *p =
      c.op(OpKind::ReduceProd, {x}, attrs("axes", std::vector<int64_t>{1}));
  EXPECT_EQ(gradientOfSum(c, p, x),
            (std::vector<double>{0, 3, 0, 0, 0, 0, 12, 8, 6, -5, 0, 0}));
}

} // namespace
