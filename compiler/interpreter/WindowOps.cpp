//===- compiler/interpreter/WindowOps.cpp - conv2d and pooling, directly --===//
#include "compiler/interpreter/WindowOps.h"

#include <cmath>
#include <limits>

namespace voskhod::ir {
namespace {

/// Row-major position of (a, b, c, d) in a rank-4 shape.
size_t at(const Shape &s, int64_t a, int64_t b, int64_t c, int64_t d) {
  return size_t(((a * s[1] + b) * s[2] + c) * s[3] + d);
}

} // namespace

HostTensor conv2dDirect(const TensorType &out, const HostTensor &x,
                        const HostTensor &w, const Window2d &win) {
  HostTensor r(out);
  const Shape &xs = x.type.shape, &ws = w.type.shape, &ys = out.shape;
  int64_t cg = ws[1], og = ys[1] / win.groups;
  for (int64_t n = 0; n < ys[0]; ++n)
    for (int64_t o = 0; o < ys[1]; ++o) {
      int64_t c0 = (o / og) * cg;
      for (int64_t oh = 0; oh < ys[2]; ++oh)
        for (int64_t ow = 0; ow < ys[3]; ++ow) {
          double sum = 0;
          for (int64_t c = 0; c < cg; ++c)
            for (int64_t kh = 0; kh < ws[2]; ++kh) {
              int64_t ih = oh * win.strideH - win.top + kh * win.dilationH;
              for (int64_t kw = 0; kw < ws[3]; ++kw) {
                int64_t iw = ow * win.strideW - win.left + kw * win.dilationW;
                // Padding is zeros that the weight multiplies, as in the
                // definition on the padded input: 0·inf is NaN there too.
                bool inside = ih >= 0 && ih < xs[2] && iw >= 0 && iw < xs[3];
                double v = inside ? x.data[at(xs, n, c0 + c, ih, iw)] : 0.0;
                sum += v * w.data[at(ws, o, c, kh, kw)];
              }
            }
          r.data[at(ys, n, o, oh, ow)] = sum;
        }
    }
  return r;
}

namespace {

/// Calls f(value) for each input element under window (n, c, oh, ow) and
/// returns how many window positions fell in the padding.
template <typename F>
int64_t forWindow(const HostTensor &x, const Window2d &win, int64_t n,
                  int64_t c, int64_t oh, int64_t ow, F f) {
  const Shape &xs = x.type.shape;
  int64_t outside = 0;
  for (int64_t kh = 0; kh < win.kernelH; ++kh)
    for (int64_t kw = 0; kw < win.kernelW; ++kw) {
      int64_t ih = oh * win.strideH - win.top + kh;
      int64_t iw = ow * win.strideW - win.left + kw;
      if (ih < 0 || ih >= xs[2] || iw < 0 || iw >= xs[3])
        ++outside;
      else
        f(x.data[at(xs, n, c, ih, iw)]);
    }
  return outside;
}

template <typename F>
HostTensor perWindow(const TensorType &out, const HostTensor &x, F f) {
  HostTensor r(out);
  const Shape &ys = out.shape;
  for (int64_t n = 0; n < ys[0]; ++n)
    for (int64_t c = 0; c < ys[1]; ++c)
      for (int64_t oh = 0; oh < ys[2]; ++oh)
        for (int64_t ow = 0; ow < ys[3]; ++ow)
          r.data[at(ys, n, c, oh, ow)] = f(n, c, oh, ow);
  (void)x;
  return r;
}

} // namespace

HostTensor maxPool2dDirect(const TensorType &out, const HostTensor &x,
                           const Window2d &win) {
  return perWindow(out, x, [&](int64_t n, int64_t c, int64_t oh, int64_t ow) {
    double m = -std::numeric_limits<double>::infinity();
    forWindow(x, win, n, c, oh, ow, [&](double v) {
      if (v > m || std::isnan(v))
        m = std::isnan(m) ? m : v;
    });
    return m;
  });
}

HostTensor avgPool2dDirect(const TensorType &out, const HostTensor &x,
                           const Window2d &win, bool countIncludePad) {
  return perWindow(out, x, [&](int64_t n, int64_t c, int64_t oh, int64_t ow) {
    double sum = 0;
    int64_t outside =
        forWindow(x, win, n, c, oh, ow, [&](double v) { sum += v; });
    int64_t count = win.kernelH * win.kernelW;
    return sum / double(countIncludePad ? count : count - outside);
  });
}

} // namespace voskhod::ir
