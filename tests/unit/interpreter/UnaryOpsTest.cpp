//===- tests/unit/interpreter/UnaryOpsTest.cpp - elementwise unary ops ----===//
///
/// Each unary op on a few hand-picked values whose results were worked out
/// independently (to 40 digits with Python's decimal module, or by hand),
/// plus the inputs where a naive formula would overflow, and identities
/// checked on random values.
///
//===----------------------------------------------------------------------===//
#include "InterpreterTesting.h"

#include <limits>
#include <numbers>

namespace voskhod::ir::testing {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();
const std::vector<double> kX = {-2, -0.5, 0.5, 3};

TEST(UnaryOps, NegAbsSquare) {
  expectNear(unary(OpKind::Neg, kX), {2, 0.5, -0.5, -3});
  expectNear(unary(OpKind::Abs, kX), {2, 0.5, 0.5, 3});
  expectNear(unary(OpKind::Square, kX), {4, 0.25, 0.25, 9});
}

TEST(UnaryOps, ExpLogSqrtRsqrt) {
  expectNear(unary(OpKind::Exp, kX), {0.1353352832366127, 0.6065306597126334,
                                      1.6487212707001282, 20.085536923187668});
  expectNear(unary(OpKind::Log, {0.25, 1, std::numbers::e, 10}),
             {-1.3862943611198906, 0, 1, 2.302585092994046});
  expectNear(unary(OpKind::Sqrt, {0.25, 4, 2, 9}),
             {0.5, 2, 1.4142135623730951, 3});
  expectNear(unary(OpKind::Rsqrt, {0.25, 4, 16, 0.01}), {2, 0.5, 0.25, 10});
}

TEST(UnaryOps, OutsideTheDomainGivesIeeeValues) {
  expectNear(unary(OpKind::Log, {-1, 0}), {kNaN, -kInf});
  expectNear(unary(OpKind::Sqrt, {-4}), {kNaN});
  expectNear(unary(OpKind::Rsqrt, {0}), {kInf});
  expectNear(unary(OpKind::Exp, {1000, -1000}), {kInf, 0});
}

TEST(UnaryOps, SignOfZeroAndNaNIsZero) {
  expectNear(unary(OpKind::Sign, {-2, 0, 0.5, -0.0, 7e-300, kNaN}),
             {-1, 0, 1, 0, 1, 0});
}

TEST(UnaryOps, Relu) {
  expectNear(unary(OpKind::Relu, kX), {0, 0, 0.5, 3});
  expectNear(unary(OpKind::Relu, {kNaN, -kInf}), {kNaN, 0});
}

TEST(UnaryOps, Erf) {
  expectNear(unary(OpKind::Erf, kX), {-0.9953222650189527, -0.5204998778130465,
                                      0.5204998778130465, 0.9999779095030014});
  expectNear(unary(OpKind::Erf, {kInf, -kInf, kNaN, -0.0}), {1, -1, kNaN, 0});
}

TEST(UnaryOps, CosSinFloor) {
  expectNear(unary(OpKind::Cos, kX), {-0.4161468365471424, 0.8775825618903728,
                                      0.8775825618903728, -0.9899924966004454});
  expectNear(unary(OpKind::Sin, kX), {-0.9092974268256817, -0.479425538604203,
                                      0.479425538604203, 0.1411200080598672});
  expectNear(unary(OpKind::Floor, {-2, -0.5, 0.5, 3, -0.0, 2.999999}),
             {-2, -1, 0, 3, -0.0, 2});
  // No sine or cosine of infinity; floor keeps infinities.
  expectNear(unary(OpKind::Cos, {kInf, -kInf, kNaN}), {kNaN, kNaN, kNaN});
  expectNear(unary(OpKind::Sin, {kInf, -kInf, kNaN}), {kNaN, kNaN, kNaN});
  expectNear(unary(OpKind::Floor, {kInf, -kInf, kNaN}), {kInf, -kInf, kNaN});
}

// PyTorch's torch.nn.functional.gelu values, both forms.
TEST(UnaryOps, GeluBothForms) {
  expectNear(unary(OpKind::Gelu, kX),
             {-0.04550026389635842, -0.15426876936299344, 0.34573123063700656,
              2.99595030590511},
             1e-14);
  expectNear(
      unary(OpKind::Gelu, kX, attrs({{"approximate", std::string("none")}})),
      unary(OpKind::Gelu, kX), 0);
  expectNear(
      unary(OpKind::Gelu, kX, attrs({{"approximate", std::string("tanh")}})),
      {-0.04540230591222494, -0.15428599017485606, 0.34571400982514394,
       2.996362607918227},
      1e-14);
  // x Φ(x) is NaN at -inf (-inf · 0), as in PyTorch's formula.
  expectNear(unary(OpKind::Gelu, {kInf, -kInf, kNaN}), {kInf, kNaN, kNaN});
}

// x σ(x), PyTorch's torch.nn.functional.silu.
TEST(UnaryOps, Silu) {
  expectNear(unary(OpKind::Silu, kX),
             {-0.2384058440442351, -0.1887703343990727, 0.3112296656009273,
              2.8577223804672998},
             1e-15);
  // -inf · σ(-inf) = -inf · 0 is NaN, as PyTorch's x / (1 + exp(-x)) is.
  expectNear(unary(OpKind::Silu, {kInf, -kInf, kNaN, -0.0}),
             {kInf, kNaN, kNaN, 0});
}

TEST(UnaryOps, LeakyRelu) {
  // Default alpha is PyTorch's 0.01.
  expectNear(unary(OpKind::LeakyRelu, kX), {-0.02, -0.005, 0.5, 3});
  expectNear(unary(OpKind::LeakyRelu, kX, attrs({{"alpha", 0.2}})),
             {-0.4, -0.1, 0.5, 3});
}

TEST(UnaryOps, Elu) {
  // alpha * (e^x - 1) below zero.
  expectNear(unary(OpKind::Elu, kX),
             {-0.8646647167633873, -0.3934693402873666, 0.5, 3});
  expectNear(unary(OpKind::Elu, kX, attrs({{"alpha", 2.0}})),
             {-1.7293294335267746, -0.7869386805747332, 0.5, 3});
  // Saturates at -alpha.
  expectNear(unary(OpKind::Elu, {-1000}, attrs({{"alpha", 1.5}})), {-1.5});
}

TEST(UnaryOps, SigmoidTanhSoftplus) {
  expectNear(unary(OpKind::Sigmoid, kX),
             {0.11920292202211756, 0.37754066879814546, 0.6224593312018546,
              0.9525741268224333},
             4e-16);
  expectNear(unary(OpKind::Tanh, kX),
             {-0.9640275800758169, -0.46211715726000974, 0.46211715726000974,
              0.9950547536867305});
  // log(1 + e^x)
  expectNear(unary(OpKind::Softplus, kX),
             {0.1269280110429725, 0.4740769841801067, 0.9740769841801067,
              3.048587351573742});
}

TEST(UnaryOps, SigmoidAndSoftplusStayFiniteAtExtremes) {
  std::vector<double> x = {-1000, -745, 710, 1000, 1e300, -1e300};
  expectNear(unary(OpKind::Sigmoid, x), {0, 0, 1, 1, 1, 0});
  expectNear(unary(OpKind::Softplus, x), {0, 0, 710, 1000, 1e300, 0});
  // Far below the threshold where e^-x underflows the result is still
  // e^x to full precision.
  std::vector<double> small = unary(OpKind::Softplus, {-40});
  EXPECT_NEAR(small[0], 4.248354255291589e-18, 1e-32);
  std::vector<double> sig = unary(OpKind::Sigmoid, {-40});
  EXPECT_NEAR(sig[0], 4.248354255291589e-18, 1e-32);
}

TEST(UnaryOps, IdentitiesOnRandomValues) {
  Draw draw(11);
  std::vector<double> x = draw.values(64, -30, 30);
  std::vector<double> minus = unary(OpKind::Neg, x);
  std::vector<double> sp = unary(OpKind::Softplus, x);
  std::vector<double> spMinus = unary(OpKind::Softplus, minus);
  std::vector<double> sg = unary(OpKind::Sigmoid, x);
  std::vector<double> sgMinus = unary(OpKind::Sigmoid, minus);
  std::vector<double> th = unary(OpKind::Tanh, x);
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_NEAR(sp[i] - spMinus[i], x[i], 1e-13) << x[i];
    EXPECT_NEAR(sg[i] + sgMinus[i], 1, 1e-15) << x[i];
    EXPECT_NEAR(th[i], 2 / (1 + std::exp(-2 * x[i])) - 1, 1e-15) << x[i];
  }
}

TEST(UnaryOps, IntegerOpsAreExactAndWrap) {
  std::vector<double> x = {-7, 3, 2147483647, -2147483648.0};
  auto run = [&](OpKind op) { return apply(op, {{i32({4}), x}}).data; };
  expectNear(run(OpKind::Neg), {7, -3, -2147483647, -2147483648.0});
  expectNear(run(OpKind::Abs), {7, 3, 2147483647, -2147483648.0});
  expectNear(run(OpKind::Square), {49, 9, 1, 0});
  expectNear(run(OpKind::Sign), {-1, 1, 1, -1});
  HostTensor t = apply(OpKind::Abs, {{i32({2}), {-5, 6}}});
  EXPECT_EQ(t.type, i32({2}));
}

TEST(UnaryOps, KeepsShapeAndDType) {
  HostTensor t = apply(OpKind::Tanh, {{f32({2, 2}), {0.5, -0.5, 1, -1}}});
  EXPECT_EQ(t.type, f32({2, 2}));
  // f32 values are not rounded to f32 between ops.
  EXPECT_EQ(t.data[0], std::tanh(0.5));
}

} // namespace
} // namespace voskhod::ir::testing
