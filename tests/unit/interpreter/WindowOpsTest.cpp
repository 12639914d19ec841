//===- tests/unit/interpreter/WindowOpsTest.cpp - conv2d and pooling ------===//
///
/// The interpreter's direct conv2d, max_pool2d and avg_pool2d on values
/// worked by hand (a 3×3 input, padding, stride, dilation, groups, the two
/// avg_pool2d counts), NaN and infinities in pools; the expansions
/// (CompositeExpansion.h) against the direct loops over every combination
/// of stride {1, 2} × padding {0, 1, asymmetric} × dilation {1, 2} × groups
/// {1, 2, C} and over pool geometries, on fresh random values; and the shape
/// rules' diagnostics.
///
//===----------------------------------------------------------------------===//
#include "InterpreterTesting.h"

#include "compiler/ir/CompositeExpansion.h"

#include <limits>

namespace voskhod::ir::testing {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();
using Ints = std::vector<int64_t>;

const std::vector<double> kIota9 = {1, 2, 3, 4, 5, 6, 7, 8, 9};

TEST(WindowOps, ConvByHand) {
  // [[1 2 3] [4 5 6] [7 8 9]] with a 2×2 kernel [[1 0] [0 -1]]: x[i][j] −
  // x[i+1][j+1], −4 everywhere.
  HostTensor r = apply(OpKind::Conv2d, {{f64({1, 1, 3, 3}), kIota9},
                                        {f64({1, 1, 2, 2}), {1, 0, 0, -1}}});
  expectTensor(r, f64({1, 1, 2, 2}), {-4, -4, -4, -4});
}

TEST(WindowOps, ConvPaddingStrideDilation) {
  // The 3×3 iota padded by 1 is 5×5 with x at rows and columns 1..3; the
  // 2×2 kernel [[1 2] [3 4]] dilated by 2 has taps at offsets 0 and 2, and
  // stride 2 starts windows at 0 and 2. Each window has one tap on an input
  // element, always x[1][1] = 5: window (0,0) through tap (1,1), (0,1)
  // through (1,0), (1,0) through (0,1), (1,1) through (0,0).
  HostTensor r =
      apply(OpKind::Conv2d,
            {{f64({1, 1, 3, 3}), kIota9}, {f64({1, 1, 2, 2}), {1, 2, 3, 4}}},
            attrs({{"padding", Ints{1, 1}},
                   {"stride", Ints{2, 2}},
                   {"dilation", Ints{2, 2}}}));
  expectTensor(r, f64({1, 1, 2, 2}), {20, 15, 10, 5});
}

TEST(WindowOps, ConvGroupsKeepChannelsApart) {
  // Two channels, groups = 2, 1×1 kernels 2 and 10: each output channel
  // scales only its own input channel.
  HostTensor r =
      apply(OpKind::Conv2d,
            {{f64({1, 2, 1, 2}), {1, 2, 3, 4}}, {f64({2, 1, 1, 1}), {2, 10}}},
            attrs({{"groups", int64_t(2)}}));
  expectTensor(r, f64({1, 2, 1, 2}), {2, 4, 30, 40});
}

TEST(WindowOps, MaxPoolByHand) {
  HostTensor r = apply(OpKind::MaxPool2d, {{f64({1, 1, 3, 3}), kIota9}},
                       attrs({{"kernel", Ints{2, 2}}, {"stride", Ints{1, 1}}}));
  expectTensor(r, f64({1, 1, 2, 2}), {5, 6, 8, 9});
}

TEST(WindowOps, MaxPoolPaddingIsMinusInfinity) {
  // All-negative input: a padded window's maximum is still an input value.
  HostTensor r =
      apply(OpKind::MaxPool2d, {{f64({1, 1, 2, 2}), {-4, -3, -2, -1}}},
            attrs({{"kernel", Ints{2, 2}}, {"padding", Ints{1, 1}}}));
  expectTensor(r, f64({1, 1, 2, 2}), {-4, -3, -2, -1});
}

TEST(WindowOps, MaxPoolPropagatesNaNAndInfinities) {
  HostTensor r =
      apply(OpKind::MaxPool2d,
            {{f64({1, 1, 2, 4}), {kNaN, 1, -kInf, -kInf, 2, 3, -kInf, kInf}}},
            attrs({{"kernel", Ints{2, 2}}}));
  expectTensor(r, f64({1, 1, 1, 2}), {kNaN, kInf});
}

TEST(WindowOps, AvgPoolCountsPaddingOrNot) {
  Attrs a = attrs({{"kernel", Ints{2, 2}}, {"padding", Ints{1, 1}}});
  HostTensor with =
      apply(OpKind::AvgPool2d, {{f64({1, 1, 2, 2}), {4, 8, 12, 16}}}, a);
  // Stride = kernel: each window holds one input element and three pads.
  expectTensor(with, f64({1, 1, 2, 2}), {1, 2, 3, 4});
  a.set("count_include_pad", false);
  HostTensor without =
      apply(OpKind::AvgPool2d, {{f64({1, 1, 2, 2}), {4, 8, 12, 16}}}, a);
  expectTensor(without, f64({1, 1, 2, 2}), {4, 8, 12, 16});
}

TEST(WindowOps, AvgPoolSpreadsNaN) {
  HostTensor r = apply(OpKind::AvgPool2d,
                       {{f64({1, 1, 2, 4}), {kNaN, 1, 1, 1, 2, 3, kInf, 1}}},
                       attrs({{"kernel", Ints{2, 2}}}));
  expectTensor(r, f64({1, 1, 1, 2}), {kNaN, kInf});
}

/// `n`'s value evaluated directly and through its expansion agree.
void expectExpansionMatches(OpGraph &og, Node *n, double tol = 1e-12) {
  HostTensor direct = og.value(n);
  og.g.results().push_back(n);
  Node *e = expandComposite(og.g, n);
  ASSERT_EQ(e->type(), n->type());
  HostTensor expanded = og.value(e);
  expectNear(expanded.data, direct.data, tol);
}

struct ConvGeometry {
  int64_t stride;
  Ints padding;
  int64_t dilation;
  int64_t groups; // 0: C (depthwise)
};

std::vector<ConvGeometry> convMatrix() {
  std::vector<ConvGeometry> m;
  for (int64_t s : {1, 2})
    for (const Ints &p : {Ints{0, 0}, Ints{1, 1}, Ints{0, 1, 2, 1}})
      for (int64_t d : {1, 2})
        for (int64_t g : {1, 2, 0})
          m.push_back({s, p, d, g});
  return m;
}

TEST(WindowOps, ConvExpansionMatchesDirectLoops) {
  Draw draw(31);
  for (const ConvGeometry &c : convMatrix()) {
    SCOPED_TRACE("stride " + std::to_string(c.stride) + " dilation " +
                 std::to_string(c.dilation) + " groups " +
                 std::to_string(c.groups) + " padding entries " +
                 std::to_string(c.padding.size()));
    int64_t channels = 4, groups = c.groups ? c.groups : channels;
    int64_t out = 6;
    if (out % groups)
      out = 2 * groups;
    OpGraph og;
    Node *x = og.input(f64({2, channels, 7, 6}), draw.values(2 * 4 * 7 * 6));
    Node *w = og.input(f64({out, channels / groups, 3, 2}),
                       draw.values(out * (channels / groups) * 6));
    Node *y = og.op(OpKind::Conv2d, {x, w},
                    attrs({{"stride", Ints{c.stride, c.stride}},
                           {"padding", c.padding},
                           {"dilation", Ints{c.dilation, c.dilation}},
                           {"groups", groups}}));
    expectExpansionMatches(og, y);
  }
}

TEST(WindowOps, OneByOneConvExpandsToAProduct) {
  Draw draw(5);
  OpGraph og;
  Node *x = og.input(f64({3, 4, 5, 2}), draw.values(120));
  Node *w = og.input(f64({7, 4, 1, 1}), draw.values(28));
  Node *y = og.op(OpKind::Conv2d, {x, w});
  expectExpansionMatches(og, y);
  for (const Node *n : og.g)
    EXPECT_FALSE(n->is(OpKind::Slice) || n->is(OpKind::Concat))
        << "a 1x1 convolution gathers no taps";
}

TEST(WindowOps, PoolExpansionsMatchDirectLoops) {
  Draw draw(17);
  struct Pool {
    Ints kernel, stride, padding;
  };
  for (const Pool &p :
       {Pool{{2, 2}, {}, {0, 0}}, Pool{{3, 3}, {1, 1}, {1, 1}},
        Pool{{3, 2}, {2, 1}, {1, 0, 0, 1}}, Pool{{2, 3}, {2, 2}, {1, 1}}}) {
    for (OpKind kind : {OpKind::MaxPool2d, OpKind::AvgPool2d})
      for (bool countPad : {true, false}) {
        if (kind == OpKind::MaxPool2d && !countPad)
          continue;
        OpGraph og;
        std::vector<double> v = draw.values(2 * 3 * 7 * 6);
        v[5] = kNaN, v[17] = kInf, v[40] = -kInf;
        Node *x = og.input(f64({2, 3, 7, 6}), v);
        Attrs a = attrs({{"kernel", p.kernel}, {"padding", p.padding}});
        if (!p.stride.empty())
          a.set("stride", p.stride);
        if (kind == OpKind::AvgPool2d)
          a.set("count_include_pad", countPad);
        expectExpansionMatches(og, og.op(kind, {x}, a));
      }
  }
}

std::string convError(TensorType x, TensorType w, Attrs a) {
  OpGraph og;
  Node *xn = og.input(x, std::vector<double>(size_t(x.numElements()), 1));
  Node *wn = og.input(w, std::vector<double>(size_t(w.numElements()), 1));
  return errorOf(buildNode(og.g, OpKind::Conv2d, {xn, wn}, std::move(a)));
}

std::string poolError(TensorType x, Attrs a) {
  OpGraph og;
  Node *xn = og.input(x, std::vector<double>(size_t(x.numElements()), 1));
  return errorOf(buildNode(og.g, OpKind::MaxPool2d, {xn}, std::move(a)));
}

TEST(WindowOps, ShapeRuleDiagnostics) {
  EXPECT_EQ(convError(f32({1, 3, 8, 8}), f32({4, 2, 3, 3}), {}),
            "'conv2d' channel mismatch: weight f32[4, 2, 3, 3] takes 2 "
            "channels per group (2 with groups = 1), x f32[1, 3, 8, 8] has 3");
  EXPECT_EQ(convError(f32({1, 4, 8, 8}), f32({6, 1, 3, 3}),
                      attrs({{"groups", int64_t(4)}})),
            "'conv2d' groups = 4 does not divide the 6 output channels of "
            "weight f32[6, 1, 3, 3]");
  EXPECT_EQ(convError(f32({1, 3, 8, 8}), f32({3, 1, 3, 3}),
                      attrs({{"groups", int64_t(2)}})),
            "'conv2d' groups = 2 does not divide the 3 input channels of x "
            "f32[1, 3, 8, 8]");
  EXPECT_EQ(convError(f32({1, 1, 4, 4}), f32({1, 1, 3, 3}),
                      attrs({{"dilation", Ints{2, 2}}})),
            "'conv2d' window height of 5 (kernel 3, dilation 2) is larger "
            "than the padded input height 4 (4 + 0 + 0)");
  EXPECT_EQ(convError(f32({1, 1, 4, 4}), f32({1, 1, 3, 3}),
                      attrs({{"stride", Ints{0, 1}}})),
            "'conv2d' stride must be two positive entries [h, w], got [0, 1]");
  EXPECT_EQ(convError(f32({1, 1, 4, 4}), f32({1, 1, 3, 3}),
                      attrs({{"padding", Ints{1, 1, 1}}})),
            "'conv2d' padding must be [ph, pw] or [top, left, bottom, "
            "right], got [1, 1, 1]");
  EXPECT_EQ(convError(f32({1, 1, 4, 4}), f32({1, 1, 3, 3}),
                      attrs({{"padding", Ints{-1, 0}}})),
            "'conv2d' padding must not be negative, got [-1, 0]");
  EXPECT_EQ(convError(f32({1, 4, 4}), f32({1, 1, 3, 3}), {}),
            "'conv2d' expects x of rank 4 [N, C, H, W], got f32[1, 4, 4]");
  EXPECT_EQ(poolError(f32({1, 1, 4, 4}),
                      attrs({{"kernel", Ints{2, 2}}, {"padding", Ints{2, 0}}})),
            "'max_pool2d' padding [2, 0] is more than half the kernel [2, 2]");
  EXPECT_EQ(poolError(f32({1, 1, 1, 4}), attrs({{"kernel", Ints{2, 2}}})),
            "'max_pool2d' window height of 2 (kernel 2, dilation 1) is larger "
            "than the padded input height 1 (1 + 0 + 0)");
}

TEST(WindowOps, CanonicalAttributes) {
  OpGraph og;
  Node *x = og.input(f32({1, 1, 6, 6}), std::vector<double>(36, 1));
  Node *p = og.op(OpKind::AvgPool2d, {x}, attrs({{"kernel", Ints{3, 2}}}));
  EXPECT_EQ(p->attrs().getInts("stride"), (Ints{3, 2}));
  EXPECT_EQ(p->attrs().getInts("padding"), (Ints{0, 0}));
  Node *w = og.input(f32({2, 1, 3, 3}), std::vector<double>(18, 1));
  Node *c =
      og.op(OpKind::Conv2d, {x, w}, attrs({{"padding", Ints{1, 2, 1, 2}}}));
  EXPECT_EQ(c->attrs().getInts("padding"), (Ints{1, 2}));
  EXPECT_EQ(c->attrs().getInts("stride"), (Ints{1, 1}));
  EXPECT_EQ(c->type(), f32({1, 2, 6, 8}));
}

} // namespace
} // namespace voskhod::ir::testing
