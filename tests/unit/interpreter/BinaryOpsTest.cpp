//===- tests/unit/interpreter/BinaryOpsTest.cpp - binary, select, convert -===//
///
/// Elementwise binary ops on float, i32 and i1 values worked by hand;
/// integer division and wrap-around; select; convert between every dtype;
/// and NumPy broadcasting through the builder's explicit broadcast nodes.
///
//===----------------------------------------------------------------------===//
#include "InterpreterTesting.h"

#include <limits>

namespace voskhod::ir::testing {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

std::vector<double> binary(OpKind op, TensorType type, std::vector<double> a,
                           std::vector<double> b) {
  return apply(op, {{type, std::move(a)}, {type, std::move(b)}}).data;
}

TEST(BinaryOps, FloatArithmetic) {
  std::vector<double> a = {1.5, -2, 3, 0.5}, b = {0.5, 4, -1.5, 2};
  TensorType t = f64({4});
  expectNear(binary(OpKind::Add, t, a, b), {2, 2, 1.5, 2.5});
  expectNear(binary(OpKind::Sub, t, a, b), {1, -6, 4.5, -1.5});
  expectNear(binary(OpKind::Mul, t, a, b), {0.75, -8, -4.5, 1});
  expectNear(binary(OpKind::Div, t, a, b), {3, -0.5, -2, 0.25});
  expectNear(binary(OpKind::Maximum, t, a, b), {1.5, 4, 3, 2});
  expectNear(binary(OpKind::Minimum, t, a, b), {0.5, -2, -1.5, 0.5});
  expectNear(binary(OpKind::Pow, t, {4, 2, 9, 0.5}, {0.5, -1, 1.5, 3}),
             {2, 0.5, 27, 0.125});
}

TEST(BinaryOps, FloatDivisionByZeroIsIeee) {
  expectNear(binary(OpKind::Div, f32({3}), {1, -1, 0}, {0, 0, 0}),
             {kInf, -kInf, kNaN});
}

TEST(BinaryOps, MaximumAndMinimumPropagateNaN) {
  TensorType t = f64({2});
  expectNear(binary(OpKind::Maximum, t, {kNaN, 1}, {1, kNaN}), {kNaN, kNaN});
  expectNear(binary(OpKind::Minimum, t, {kNaN, 1}, {1, kNaN}), {kNaN, kNaN});
}

TEST(BinaryOps, ComparisonsGiveI1) {
  std::vector<double> a = {1, 2, 3, -1}, b = {2, 2, 1, -1.5};
  HostTensor gt = apply(OpKind::Greater, {{f64({4}), a}, {f64({4}), b}});
  expectTensor(gt, i1({4}), {0, 0, 1, 1});
  HostTensor eq = apply(OpKind::Equal, {{f64({4}), a}, {f64({4}), b}});
  expectTensor(eq, i1({4}), {0, 1, 0, 0});
  expectNear(binary(OpKind::Greater, i32({3}), {-3, 5, 7}, {-4, 5, 8}),
             {1, 0, 0});
  expectNear(binary(OpKind::Equal, i1({4}), {0, 0, 1, 1}, {0, 1, 0, 1}),
             {1, 0, 0, 1});
  expectNear(binary(OpKind::Equal, f64({1}), {kNaN}, {kNaN}), {0});
  expectNear(binary(OpKind::Greater, f64({1}), {kNaN}, {-1}), {0});
}

TEST(BinaryOps, IntegerArithmeticIsExact) {
  TensorType t = i32({4});
  std::vector<double> a = {7, -7, 100000, 2147483647}, b = {2, 3, 30000, -1};
  expectNear(binary(OpKind::Add, t, a, b), {9, -4, 130000, 2147483646});
  expectNear(binary(OpKind::Sub, t, a, b),
             {5, -10, 70000, -2147483648.0}); // wraps
  expectNear(binary(OpKind::Mul, t, a, b),
             {14, -21, -1294967296, -2147483647}); // 3e9 wraps
  expectNear(binary(OpKind::Maximum, t, a, b), {7, 3, 100000, 2147483647});
  expectNear(binary(OpKind::Minimum, t, a, b), {2, -7, 30000, -1});
}

TEST(BinaryOps, IntegerOverflowWrapsLikeTwosComplement) {
  TensorType t = i32({3});
  expectNear(binary(OpKind::Add, t, {2147483647, -2147483648.0, 65536},
                    {1, -1, 65536}),
             {-2147483648.0, 2147483647, 131072});
  expectNear(
      binary(OpKind::Mul, t, {65536, 65537, -2147483648.0}, {65536, 65537, -1}),
      {0, 131073, -2147483648.0});
}

TEST(BinaryOps, IntegerDivisionTruncatesTowardZero) {
  expectNear(binary(OpKind::Div, i32({6}), {7, -7, 7, -7, 1, -2147483648.0},
                    {2, 2, -2, -2, 3, -1}),
             {3, -3, -3, 3, 0, -2147483648.0});
}

TEST(BinaryOps, IntegerDivisionByZeroIsAnError) {
  OpGraph og;
  Node *a = og.input(i32({3}), {4, 5, 6});
  Node *b = og.input(i32({3}), {1, 0, 2});
  Node *d = og.op(OpKind::Div, {a, b});
  EXPECT_EQ(og.error(d), "integer division by zero in 'div'");
}

TEST(Select, PicksPerElement) {
  HostTensor r = apply(OpKind::Select, {{i1({2, 2}), {1, 0, 0, 1}},
                                        {f64({2, 2}), {1.5, 2.5, 3.5, 4.5}},
                                        {f64({2, 2}), {-1, -2, -3, -4}}});
  expectTensor(r, f64({2, 2}), {1.5, -2, -3, 4.5});
  HostTensor ints = apply(
      OpKind::Select,
      {{i1({3}), {0, 1, 0}}, {i32({3}), {7, 8, 9}}, {i32({3}), {-7, -8, -9}}});
  expectTensor(ints, i32({3}), {-7, 8, -9});
}

TEST(Select, BroadcastsConditionAndBranches) {
  // cond[2, 1], a[3], b scalar: out[i, j] = cond[i] ? a[j] : b.
  HostTensor r =
      apply(OpKind::Select,
            {{i1({2, 1}), {1, 0}}, {f64({3}), {1, 2, 3}}, {f64({}), {-5}}});
  expectTensor(r, f64({2, 3}), {1, 2, 3, -5, -5, -5});
}

HostTensor convert(TensorType from, std::vector<double> x, DType to) {
  return apply(OpKind::Convert, {{std::move(from), std::move(x)}},
               attrs({{"dtype", to}}));
}

TEST(Convert, ToI32TruncatesTowardZero) {
  HostTensor r =
      convert(f64({6}), {2.7, -2.7, 0.5, -0.5, 2147483647.9, -2147483648.9},
              DType::I32);
  expectTensor(r, i32({6}), {2, -2, 0, 0, 2147483647, -2147483648.0});
}

TEST(Convert, ToI32OutOfRangeIsAnError) {
  for (double bad : {2147483648.0, -2147483649.0, kNaN, kInf}) {
    OpGraph og;
    Node *x = og.input(f64({2}), {1.5, bad});
    Node *c = og.op(OpKind::Convert, {x}, attrs({{"dtype", DType::I32}}));
    EXPECT_EQ(og.error(c),
              "'convert' cannot represent " + attrValueStr(bad) + " as i32");
  }
}

TEST(Convert, ToI1IsNonZero) {
  expectTensor(convert(f64({5}), {0, 2.5, -1, kNaN, -0.0}, DType::I1), i1({5}),
               {0, 1, 1, 1, 0});
  expectTensor(convert(i32({3}), {0, -3, 5}, DType::I1), i1({3}), {0, 1, 1});
}

TEST(Convert, ToF32Rounds) {
  HostTensor r = convert(f64({4}), {0.1, 1 + 0x1p-30, 1e39, -1e39}, DType::F32);
  expectTensor(r, f32({4}), {0.100000001490116119384765625, 1, kInf, -kInf}, 0);
  // 2^24 + 1 is the first integer f32 cannot hold; ties go to even.
  expectTensor(convert(i32({2}), {16777217, 16777219}, DType::F32), f32({2}),
               {16777216, 16777220}, 0);
  // The largest f32, and the last double that still rounds down to it.
  expectTensor(
      convert(f64({2}), {0x1.fffffep127, 0x1.fffffefffffffp127}, DType::F32),
      f32({2}), {0x1.fffffep127, 0x1.fffffep127}, 0);
}

TEST(Convert, FromI1AndToF64) {
  expectTensor(convert(i1({3}), {1, 0, 1}, DType::F64), f64({3}), {1, 0, 1});
  expectTensor(convert(f32({2}), {0.25, -3.5}, DType::F64), f64({2}),
               {0.25, -3.5});
}

TEST(Broadcasting, RowVectorAddsToEveryRow) {
  // [[1, 2, 3], [4, 5, 6]] + [10, 20, 30]
  HostTensor r = apply(OpKind::Add, {{f64({2, 3}), {1, 2, 3, 4, 5, 6}},
                                     {f64({3}), {10, 20, 30}}});
  expectTensor(r, f64({2, 3}), {11, 22, 33, 14, 25, 36});
}

TEST(Broadcasting, ColumnTimesRowIsTheOuterProduct) {
  HostTensor r =
      apply(OpKind::Mul, {{f64({2, 1}), {2, -3}}, {f64({1, 3}), {1, 4, 5}}});
  expectTensor(r, f64({2, 3}), {2, 8, 10, -3, -12, -15});
}

TEST(Broadcasting, ScalarOnEitherSide) {
  expectTensor(apply(OpKind::Sub, {{f64({}), {10}}, {f64({3}), {1, 2, 3}}}),
               f64({3}), {9, 8, 7});
  expectTensor(apply(OpKind::Div, {{f64({2}), {1, 3}}, {f64({}), {4}}}),
               f64({2}), {0.25, 0.75});
}

TEST(Broadcasting, RankThreeAgainstRankTwo) {
  // a[2, 1, 2] - b[3, 1]: out[i, j, k] = a[i, 0, k] - b[j, 0].
  std::vector<double> a = {1, 2, 3, 4}, b = {10, 20, 30};
  HostTensor r = apply(OpKind::Sub, {{f64({2, 1, 2}), a}, {f64({3, 1}), b}});
  std::vector<double> expected;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 2; ++k)
        expected.push_back(a[i * 2 + k] - b[j]);
  expectTensor(r, f64({2, 3, 2}), expected);
}

} // namespace
} // namespace voskhod::ir::testing
