//===- tests/unit/autodiff/WindowGradTest.cpp - conv2d and pooling --------===//
///
/// Finite-difference checks of the window ops' gradients (reverse mode
/// through their expansions, CompositeGradients.cpp) against the
/// interpreter's direct loops: conv2d with respect to x and w on every
/// combination of stride {1, 2} × padding {0, 1, asymmetric} × dilation
/// {1, 2} × groups {1, 2, C}; max_pool2d and avg_pool2d (both counts) over
/// overlapping, strided and padded windows; and a conv–pool–conv chain.
///
//===----------------------------------------------------------------------===//
#include "GradCase.h"

using namespace voskhod;
using namespace voskhod::ir;
using namespace voskhod::autodiff::testing;

namespace {

using Ints = std::vector<int64_t>;

Attrs convAttrs(int64_t stride, Ints padding, int64_t dilation,
                int64_t groups) {
  Attrs a;
  a.set("stride", Ints{stride, stride});
  a.set("padding", std::move(padding));
  a.set("dilation", Ints{dilation, dilation});
  a.set("groups", groups);
  return a;
}

TEST(WindowGrad, ConvEveryGeometry) {
  const int64_t channels = 4;
  uint64_t seed = 100;
  for (int64_t stride : {1, 2})
    for (const Ints &padding : {Ints{0, 0}, Ints{1, 1}, Ints{0, 1, 2, 1}})
      for (int64_t dilation : {1, 2})
        for (int64_t groups : {int64_t(1), int64_t(2), channels}) {
          SCOPED_TRACE("stride " + std::to_string(stride) + " dilation " +
                       std::to_string(dilation) + " groups " +
                       std::to_string(groups) + " padding entries " +
                       std::to_string(padding.size()));
          GradCase c(seed++);
          int64_t out = groups == channels ? 2 * channels : 6;
          Node *x = c.param({2, channels, 6, 5});
          Node *w = c.param({out, channels / groups, 3, 2});
          // Sums of up to 24 products: gradients near 1e-3 carry FD noise
          // near 1e-8, so relative errors reach 1e-5.
          c.check(c.op(OpKind::Conv2d, {x, w},
                       convAttrs(stride, padding, dilation, groups)),
                  1e-4);
        }
}

TEST(WindowGrad, Pools) {
  struct Pool {
    Ints kernel, stride, padding;
  };
  uint64_t seed = 200;
  for (const Pool &p : {Pool{{2, 2}, {}, {0, 0}}, Pool{{3, 3}, {1, 1}, {1, 1}},
                        Pool{{3, 2}, {2, 1}, {1, 0, 0, 1}}}) {
    for (OpKind kind : {OpKind::MaxPool2d, OpKind::AvgPool2d})
      for (bool countPad : {true, false}) {
        if (kind == OpKind::MaxPool2d && !countPad)
          continue;
        GradCase c(seed++);
        Node *x = c.param({2, 3, 6, 5});
        Attrs a;
        a.set("kernel", p.kernel);
        a.set("padding", p.padding);
        if (!p.stride.empty())
          a.set("stride", p.stride);
        if (kind == OpKind::AvgPool2d)
          a.set("count_include_pad", countPad);
        c.check(c.op(kind, {x}, a));
      }
  }
}

TEST(WindowGrad, ConvPoolConvChain) {
  GradCase c(300);
  Node *x = c.param({2, 2, 8, 8});
  Node *w1 = c.param({3, 2, 3, 3});
  Node *w2 = c.param({4, 3, 2, 2});
  Node *h = c.op(OpKind::Conv2d, {x, w1}, convAttrs(1, {1, 1}, 1, 1));
  Attrs pool;
  pool.set("kernel", Ints{2, 2});
  Node *p = c.op(OpKind::MaxPool2d, {c.op(OpKind::Tanh, {h})}, pool);
  c.check(c.op(OpKind::Conv2d, {p, w2}, convAttrs(1, {0, 0}, 1, 1)), 1e-4,
          1e-6);
}

} // namespace
