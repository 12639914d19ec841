//===- tests/unit/interpreter/ReductionOpsTest.cpp - reductions -----------===//
///
/// reduce_sum/mean/max over chosen axes with and without keepdims, softmax
/// and log_softmax along any axis (including logits large enough to
/// overflow a naive exp), and one_hot with its range errors.
///
//===----------------------------------------------------------------------===//
#include "InterpreterTesting.h"

#include <limits>

namespace voskhod::ir::testing {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// [[1, 2, 3], [4, 5, 6]]
const std::vector<double> kM = {1, 2, 3, 4, 5, 6};

HostTensor reduce(OpKind op, TensorType t, std::vector<double> x,
                  std::vector<int64_t> axes, bool keepdims = false) {
  return apply(op, {{std::move(t), std::move(x)}},
               attrs({{"axes", axes}, {"keepdims", keepdims}}));
}

TEST(ReduceSum, AxesAndKeepdims) {
  expectTensor(reduce(OpKind::ReduceSum, f64({2, 3}), kM, {}), f64({}), {21});
  expectTensor(reduce(OpKind::ReduceSum, f64({2, 3}), kM, {0}), f64({3}),
               {5, 7, 9});
  expectTensor(reduce(OpKind::ReduceSum, f64({2, 3}), kM, {1}), f64({2}),
               {6, 15});
  expectTensor(reduce(OpKind::ReduceSum, f64({2, 3}), kM, {-1}, true),
               f64({2, 1}), {6, 15});
  expectTensor(reduce(OpKind::ReduceSum, f64({2, 3}), kM, {0, 1}, true),
               f64({1, 1}), {21});
}

TEST(ReduceSum, RankThreeOuterAndInnerAxes) {
  // x[i, j, k] = 100 i + 10 j + k + 1 on [2, 3, 2]. Summing axes {0, 2}
  // leaves j: (0 + 100) * 2 + 4 * 10 j + (0 + 1) * 2 + 4 = 206 + 40 j.
  std::vector<double> x;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 2; ++k)
        x.push_back(100 * i + 10 * j + k + 1);
  expectTensor(reduce(OpKind::ReduceSum, f64({2, 3, 2}), x, {0, 2}), f64({3}),
               {206, 246, 286});
  expectTensor(reduce(OpKind::ReduceSum, f64({2, 3, 2}), x, {0, 2}, true),
               f64({1, 3, 1}), {206, 246, 286});
  // Axis 1 alone: 300 i + (0 + 10 + 20) + 3 k + 3.
  expectTensor(reduce(OpKind::ReduceSum, f64({2, 3, 2}), x, {1}), f64({2, 2}),
               {33, 36, 333, 336});
}

TEST(ReduceSum, IntegersWrap) {
  expectTensor(reduce(OpKind::ReduceSum, i32({3}), {2147483647, 1, 5}, {}),
               i32({}), {-2147483643.0});
  expectTensor(reduce(OpKind::ReduceSum, i32({2, 2}), {1, -2, 3, -4}, {0}),
               i32({2}), {4, -6});
}

TEST(ReduceMean, DividesByTheReducedCount) {
  expectTensor(reduce(OpKind::ReduceMean, f64({2, 3}), kM, {}), f64({}), {3.5});
  expectTensor(reduce(OpKind::ReduceMean, f64({2, 3}), kM, {0}), f64({3}),
               {2.5, 3.5, 4.5});
  expectTensor(reduce(OpKind::ReduceMean, f32({2, 3}), kM, {1}, true),
               f32({2, 1}), {2, 5});
}

TEST(ReduceMax, AxesAndSigns) {
  std::vector<double> x = {-1, 5,  -3,
                           -4, -2, -6}; // [[-1, 5, -3], [-4, -2, -6]]
  expectTensor(reduce(OpKind::ReduceMax, f64({2, 3}), x, {}), f64({}), {5});
  expectTensor(reduce(OpKind::ReduceMax, f64({2, 3}), x, {0}), f64({3}),
               {-1, 5, -3});
  expectTensor(reduce(OpKind::ReduceMax, f64({2, 3}), x, {1}, true),
               f64({2, 1}), {5, -2});
  expectTensor(reduce(OpKind::ReduceMax, i32({2, 2}), {-7, -9, 3, -1}, {1}),
               i32({2}), {-7, 3});
}

TEST(ReduceMax, PropagatesNaN) {
  expectTensor(reduce(OpKind::ReduceMax, f64({2, 2}), {1, kNaN, kNaN, 2}, {1}),
               f64({2}), {kNaN, kNaN});
}

TEST(ReduceMin, AxesAndSigns) {
  std::vector<double> x = {-1, 5,  -3,
                           -4, -2, -6}; // [[-1, 5, -3], [-4, -2, -6]]
  expectTensor(reduce(OpKind::ReduceMin, f64({2, 3}), x, {}), f64({}), {-6});
  expectTensor(reduce(OpKind::ReduceMin, f64({2, 3}), x, {0}), f64({3}),
               {-4, -2, -6});
  expectTensor(reduce(OpKind::ReduceMin, f64({2, 3}), x, {1}, true),
               f64({2, 1}), {-3, -6});
  expectTensor(reduce(OpKind::ReduceMin, i32({2, 2}), {-7, -9, 3, -1}, {1}),
               i32({2}), {-9, -1});
}

TEST(ReduceMin, PropagatesNaNAndKeepsInfinities) {
  const double kInf = std::numeric_limits<double>::infinity();
  expectTensor(reduce(OpKind::ReduceMin, f64({2, 2}), {1, kNaN, kNaN, 2}, {1}),
               f64({2}), {kNaN, kNaN});
  expectTensor(
      reduce(OpKind::ReduceMin, f64({2, 2}), {kInf, kInf, -kInf, 2}, {1}),
      f64({2}), {kInf, -kInf});
}

TEST(ReduceProd, AxesZerosAndWrapping) {
  std::vector<double> x = {-1, 5, -3, 4, 0.5, -6}; // [[-1, 5, -3], [4, .5, -6]]
  expectTensor(reduce(OpKind::ReduceProd, f64({2, 3}), x, {}), f64({}), {-180});
  expectTensor(reduce(OpKind::ReduceProd, f64({2, 3}), x, {0}), f64({3}),
               {-4, 2.5, 18});
  expectTensor(reduce(OpKind::ReduceProd, f64({2, 3}), x, {1}, true),
               f64({2, 1}), {15, -12});
  // 65536 · 65536 · 3 wraps to 0 in i32, as the compiled multiply does.
  expectTensor(
      reduce(OpKind::ReduceProd, i32({2, 3}), {65536, 65536, 3, 7, -2, 3}, {1}),
      i32({2}), {0, -42});
  const double kInf = std::numeric_limits<double>::infinity();
  expectTensor(reduce(OpKind::ReduceProd, f64({3, 2}),
                      {kInf, 0, kNaN, 2, -kInf, 2}, {1}),
               f64({3}), {kNaN, kNaN, -kInf});
}

TEST(Reductions, RandomAgainstEachOther) {
  Draw draw(31);
  std::vector<double> x = draw.values(4 * 5 * 6);
  HostTensor sum = reduce(OpKind::ReduceSum, f64({4, 5, 6}), x, {1});
  HostTensor mean = reduce(OpKind::ReduceMean, f64({4, 5, 6}), x, {1});
  HostTensor max = reduce(OpKind::ReduceMax, f64({4, 5, 6}), x, {1});
  ASSERT_EQ(sum.type, f64({4, 6}));
  for (int i = 0; i < 4; ++i)
    for (int k = 0; k < 6; ++k) {
      double s = 0, m = -1e300;
      for (int j = 0; j < 5; ++j) {
        s += x[(i * 5 + j) * 6 + k];
        m = std::max(m, x[(i * 5 + j) * 6 + k]);
      }
      EXPECT_NEAR(sum.data[i * 6 + k], s, 1e-14);
      EXPECT_NEAR(mean.data[i * 6 + k], s / 5, 1e-14);
      EXPECT_EQ(max.data[i * 6 + k], m);
    }
}

TEST(Softmax, LastAxis) {
  // e^i / (e + e^2 + e^3), and its log.
  HostTensor s = apply(OpKind::Softmax, {{f64({3}), {1, 2, 3}}});
  expectTensor(s, f64({3}),
               {0.09003057317038046, 0.24472847105479764, 0.6652409557748219},
               1e-15);
  HostTensor l = apply(OpKind::LogSoftmax, {{f64({3}), {1, 2, 3}}});
  expectTensor(l, f64({3}),
               {-2.40760596444438, -1.4076059644443804, -0.4076059644443803},
               1e-15);
}

TEST(Softmax, FirstAxisOfAMatrix) {
  // Columns of [[1, 5], [1, 3]] along axis 0: [0.5, 0.5] and
  // [e^2 / (1 + e^2), 1 / (1 + e^2)].
  HostTensor s = apply(OpKind::Softmax, {{f64({2, 2}), {1, 5, 1, 3}}},
                       attrs({{"axis", int64_t(0)}}));
  expectTensor(s, f64({2, 2}),
               {0.5, 0.8807970779778823, 0.5, 0.11920292202211755}, 1e-15);
}

TEST(Softmax, MiddleAxisOnRandomData) {
  Draw draw(32);
  std::vector<double> x = draw.values(2 * 4 * 3, -5, 5);
  HostTensor s = apply(OpKind::Softmax, {{f64({2, 4, 3}), x}},
                       attrs({{"axis", int64_t(1)}}));
  HostTensor l = apply(OpKind::LogSoftmax, {{f64({2, 4, 3}), x}},
                       attrs({{"axis", int64_t(1)}}));
  for (int i = 0; i < 2; ++i)
    for (int k = 0; k < 3; ++k) {
      double denominator = 0;
      for (int j = 0; j < 4; ++j)
        denominator += std::exp(x[(i * 4 + j) * 3 + k]);
      for (int j = 0; j < 4; ++j) {
        int at = (i * 4 + j) * 3 + k;
        EXPECT_NEAR(s.data[at], std::exp(x[at]) / denominator, 1e-15);
        EXPECT_NEAR(l.data[at], x[at] - std::log(denominator), 1e-14);
      }
    }
}

TEST(Softmax, LargeLogitsStayFinite) {
  HostTensor s =
      apply(OpKind::Softmax, {{f64({2, 3}), {1000, 0, -1000, 800, 800, 799}}});
  // Row 2: e^0, e^0, e^-1 over their sum.
  double d = 2 + std::exp(-1.0);
  expectTensor(s, f64({2, 3}), {1, 0, 0, 1 / d, 1 / d, std::exp(-1.0) / d},
               1e-15);
  HostTensor l = apply(OpKind::LogSoftmax,
                       {{f64({2, 3}), {1000, 0, -1000, 800, 800, 799}}});
  expectTensor(l, f64({2, 3}),
               {0, -1000, -2000, -std::log(d), -std::log(d), -1 - std::log(d)},
               1e-15);
}

TEST(OneHot, DefaultIsF32) {
  HostTensor r = apply(OpKind::OneHot, {{i32({3}), {2, 0, 1}}},
                       attrs({{"depth", int64_t(3)}}));
  expectTensor(r, f32({3, 3}), {0, 0, 1, 1, 0, 0, 0, 1, 0});
}

TEST(OneHot, RankTwoIndicesAndOtherDTypes) {
  HostTensor r = apply(OpKind::OneHot, {{i32({2, 2}), {3, 0, 1, 3}}},
                       attrs({{"depth", int64_t(4)}, {"dtype", DType::I32}}));
  expectTensor(r, i32({2, 2, 4}),
               {0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1});
  HostTensor b = apply(OpKind::OneHot, {{i32({}), {1}}},
                       attrs({{"depth", int64_t(2)}, {"dtype", DType::I1}}));
  expectTensor(b, i1({2}), {0, 1});
}

TEST(OneHot, IndexOutOfRangeIsAnError) {
  for (double bad : {3.0, -1.0, 7.0}) {
    OpGraph og;
    Node *labels = og.input(i32({3}), {0, bad, 2});
    Node *h = og.op(OpKind::OneHot, {labels}, attrs({{"depth", int64_t(3)}}));
    EXPECT_EQ(og.error(h), "'one_hot' index " + std::to_string(int(bad)) +
                               " is out of range [0, 3)");
  }
}

} // namespace
} // namespace voskhod::ir::testing
