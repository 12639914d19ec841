//===- tests/unit/autodiff/ElementwiseGradTest.cpp - elementwise rules ----===//
#include "GradCase.h"

using namespace voskhod;
using namespace voskhod::ir;
using namespace voskhod::autodiff::testing;

namespace {

constexpr uint64_t kSeeds[] = {11, 12, 13};

struct UnaryCase {
  OpKind op;
  Values domain;
};

class UnaryGrad : public ::testing::TestWithParam<UnaryCase> {};

TEST_P(UnaryGrad, MatchesFiniteDifferences) {
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    Node *x = c.param(c.shape(2), GetParam().domain);
    c.check(c.op(GetParam().op, {x}));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Elementwise, UnaryGrad,
    ::testing::Values(UnaryCase{OpKind::Neg, Values::AwayFromZero},
                      UnaryCase{OpKind::Abs, Values::AwayFromZero},
                      UnaryCase{OpKind::Exp, Values::AwayFromZero},
                      UnaryCase{OpKind::Log, Values::Positive},
                      UnaryCase{OpKind::Sqrt, Values::Positive},
                      UnaryCase{OpKind::Rsqrt, Values::Positive},
                      UnaryCase{OpKind::Square, Values::AwayFromZero},
                      UnaryCase{OpKind::Relu, Values::AwayFromZero},
                      UnaryCase{OpKind::Sigmoid, Values::AwayFromZero},
                      UnaryCase{OpKind::Tanh, Values::AwayFromZero},
                      UnaryCase{OpKind::Softplus, Values::AwayFromZero},
                      UnaryCase{OpKind::Erf, Values::AwayFromZero},
                      UnaryCase{OpKind::Cos, Values::AwayFromZero},
                      UnaryCase{OpKind::Sin, Values::AwayFromZero},
                      UnaryCase{OpKind::Gelu, Values::AwayFromZero},
                      UnaryCase{OpKind::Silu, Values::AwayFromZero}),
    [](const auto &info) { return std::string(opName(info.param.op)); });

TEST(ElementwiseGrad, LeakyReluAndEluWithAlpha) {
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    Node *x = c.param(c.shape(2));
    Node *y = c.param(x->shape());
    Node *leaky = c.op(OpKind::LeakyRelu, {x}, attrs("alpha", 0.3));
    Node *elu = c.op(OpKind::Elu, {y}, attrs("alpha", 1.7));
    c.check(c.op(OpKind::Add, {leaky, elu}));
  }
}

TEST(ElementwiseGrad, GeluTanhForm) {
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    Node *x = c.param(c.shape(2));
    c.check(c.op(OpKind::Gelu, {x}, attrs("approximate", std::string("tanh"))));
  }
}

TEST(ElementwiseGrad, FloorPassesNothing) {
  GradCase c(5);
  Node *x = c.param({3, 2}, Values::AwayFromZero);
  // d/dx (floor(x) + x) = 1 away from the integers.
  c.check(c.op(OpKind::Add, {c.op(OpKind::Floor, {x}), x}));
}

TEST(ElementwiseGrad, SignPassesNothing) {
  GradCase c(3);
  Node *x = c.param({3, 2});
  // d/dx (sign(x) + x) = 1.
  c.check(c.op(OpKind::Add, {c.op(OpKind::Sign, {x}), x}));
}

struct BinaryCase {
  OpKind op;
  Values lhs, rhs;
};

class BinaryGrad : public ::testing::TestWithParam<BinaryCase> {};

TEST_P(BinaryGrad, SameShapes) {
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    Shape s = c.shape(2);
    Node *a = c.param(s, GetParam().lhs);
    Node *b = c.param(s, GetParam().rhs);
    c.check(c.op(GetParam().op, {a, b}));
  }
}

TEST_P(BinaryGrad, BroadcastRowAgainstColumn) {
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    Node *a = c.param({c.dim(), 1}, GetParam().lhs);
    Node *b = c.param({c.dim()}, GetParam().rhs);
    c.check(c.op(GetParam().op, {a, b}));
  }
}

TEST_P(BinaryGrad, BroadcastScalarAndLeadingAxes) {
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    Node *a = c.param(c.shape(3), GetParam().lhs);
    Node *b = c.param({}, GetParam().rhs);
    Node *d = c.param({a->shape()[2]}, GetParam().lhs);
    // The square keeps a in the result: (a - b) + (d - a) and
    // (a / b) * (d / a) would not depend on it at all.
    c.check(c.op(OpKind::Add,
                 {c.op(GetParam().op, {a, b}),
                  c.op(OpKind::Square, {c.op(GetParam().op, {d, a})})}));
  }
}

TEST_P(BinaryGrad, OperandUsedTwice) {
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    Node *a = c.param(c.shape(2), GetParam().lhs == Values::Positive ||
                                          GetParam().rhs == Values::Positive
                                      ? Values::Positive
                                      : Values::AwayFromZero);
    c.check(c.op(GetParam().op, {a, a}));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Elementwise, BinaryGrad,
    ::testing::Values(
        BinaryCase{OpKind::Add, Values::AwayFromZero, Values::AwayFromZero},
        BinaryCase{OpKind::Sub, Values::AwayFromZero, Values::AwayFromZero},
        BinaryCase{OpKind::Mul, Values::AwayFromZero, Values::AwayFromZero},
        BinaryCase{OpKind::Div, Values::AwayFromZero, Values::AwayFromZero},
        BinaryCase{OpKind::Pow, Values::Positive, Values::AwayFromZero},
        BinaryCase{OpKind::Maximum, Values::AwayFromZero, Values::AwayFromZero},
        BinaryCase{OpKind::Minimum, Values::AwayFromZero,
                   Values::AwayFromZero}),
    [](const auto &info) { return std::string(opName(info.param.op)); });

TEST(ElementwiseGrad, PowOfNegativeBaseByConstantExponent) {
  GradCase c(5);
  Node *x = c.param({3, 3});
  Node *three = buildScalar(c.graph(), 3.0, DType::F64);
  c.check(c.op(OpKind::Pow, {x, three}));
}

TEST(ElementwiseGrad, MaximumTiesGoToTheFirstOperand) {
  GradCase c(1);
  Node *a = c.param({4});
  Node *b = c.param({4});
  c.values()[b].data = c.values()[a].data;
  Node *loss = c.op(OpKind::ReduceSum, {c.op(OpKind::Maximum, {a, b})});
  DiagnosticEngine diags;
  auto grads = autodiff::appendGradients(c.graph(), loss, {a, b}, diags);
  ASSERT_TRUE(grads) << grads.message();
  c.graph().results() = {(*grads)[0], (*grads)[1]};
  auto eval = evaluate(c.graph(), c.values());
  ASSERT_TRUE(eval) << eval.message();
  EXPECT_EQ(eval->value((*grads)[0]).data, (std::vector<double>(4, 1.0)));
  EXPECT_EQ(eval->value((*grads)[1]).data, (std::vector<double>(4, 0.0)));
}

TEST(ElementwiseGrad, Select) {
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    Shape s = c.shape(2);
    Node *cond = c.op(OpKind::Greater, {c.input(s), c.input(s)});
    Node *t = c.param(s);
    Node *f = c.param({s[1]});
    c.check(c.op(OpKind::Select, {cond, t, f}));
  }
}

TEST(ElementwiseGrad, DropoutTrainWithItsMaskFixed) {
  // The step and the seed are leaves, so the mask stays while x moves; the
  // rule regenerates it on the incoming gradient.
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    Shape s = c.shape(2);
    Node *x = c.param(s);
    Node *step = c.labels({}, 1000); // any integer-valued scalar
    Node *key = c.labels({}, 1 << 30);
    Node *counter = c.op(OpKind::Convert, {step}, attrs("dtype", DType::F32));
    c.check(c.op(OpKind::DropoutTrain, {x, counter, key},
                 attrs("p", 0.4, "key", int64_t(seed) * 977)));
  }
}

TEST(ElementwiseGrad, DropoutUnspecialisedIsTheIdentity) {
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    c.check(c.op(OpKind::Dropout, {c.param(c.shape(2))}, attrs("p", 0.3)));
  }
}

TEST(ElementwiseGrad, ConvertWidening) {
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    Node *x = c.param(c.shape(2), Values::AwayFromZero, DType::F32);
    Node *wide = c.op(OpKind::Convert, {x}, attrs("dtype", DType::F64));
    c.check(c.op(OpKind::Mul, {wide, c.op(OpKind::Exp, {wide})}));
  }
}

TEST(ElementwiseGrad, ConvertNarrowing) {
  // The interpreter rounds to f32 at the conversion, so the loss is a
  // staircase at the scale of f32's epsilon: the finite-difference step has
  // to be much larger than that, and the tolerance looser.
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    Node *x = c.param(c.shape(2));
    Node *narrow = c.op(OpKind::Convert, {x}, attrs("dtype", DType::F32));
    Node *out = c.op(OpKind::Convert, {c.op(OpKind::Exp, {narrow})},
                     attrs("dtype", DType::F64));
    c.makeLoss(out);
    auto errors = autodiff::checkGradients(c.graph(), c.values(), 1e-3);
    ASSERT_TRUE(errors) << errors.message();
    EXPECT_LT((*errors)[0].maxRelError, 1e-3);
  }
}

TEST(ElementwiseGrad, ConvertToIntegerPassesNothing) {
  GradCase c(4);
  Node *x = c.param({2, 3});
  Node *asInt = c.op(OpKind::Convert, {x}, attrs("dtype", DType::I32));
  Node *back = c.op(OpKind::Convert, {asInt}, attrs("dtype", DType::F64));
  // d/dx (float(int(x)) + x^2) = 2x.
  c.check(c.op(OpKind::Add, {back, c.op(OpKind::Square, {x})}));
}

} // namespace
