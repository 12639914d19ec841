//===- compiler/ir/WindowShapes.cpp - conv2d and pooling geometry ---------===//
#include "compiler/ir/WindowShapes.h"

#include <string>
#include <vector>

namespace voskhod::ir {
namespace {

std::string str(int64_t v) { return std::to_string(v); }

std::string list(const std::vector<int64_t> &v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? ", " : "") + str(v[i]);
  return s + "]";
}

std::string q(OpKind op) { return "'" + std::string(opName(op)) + "'"; }

/// A pair attribute (stride, dilation, kernel): `fallback` when empty, else
/// exactly two positive entries.
Expected<std::vector<int64_t>> pairOf(OpKind op, const Attrs &attrs,
                                      const char *name,
                                      std::vector<int64_t> fallback) {
  const std::vector<int64_t> &v = attrs.getInts(name);
  if (v.empty())
    return fallback;
  if (v.size() != 2 || v[0] <= 0 || v[1] <= 0)
    return makeError(q(op) + " " + name +
                     " must be two positive entries [h, w], got " + list(v));
  return v;
}

/// [top, left, bottom, right] from [ph, pw] or four entries, none negative.
Expected<std::vector<int64_t>> paddingOf(OpKind op, const Attrs &attrs) {
  const std::vector<int64_t> &v = attrs.getInts("padding");
  std::vector<int64_t> p;
  if (v.empty())
    p = {0, 0, 0, 0};
  else if (v.size() == 2)
    p = {v[0], v[1], v[0], v[1]};
  else if (v.size() == 4)
    p = v;
  else
    return makeError(q(op) + " padding must be [ph, pw] or [top, left, " +
                     "bottom, right], got " + list(v));
  for (int64_t e : p)
    if (e < 0)
      return makeError(q(op) + " padding must not be negative, got " + list(v));
  return p;
}

std::vector<int64_t> canonicalPadding(const std::vector<int64_t> &p) {
  if (p[0] == p[2] && p[1] == p[3])
    return {p[0], p[1]};
  return p;
}

Status requireImage(OpKind op, const TensorType &t, const char *what) {
  if (!isFloat(t.dtype))
    return makeError(q(op) + " expects a floating-point " + what + ", got " +
                     t.str());
  if (t.rank() != 4)
    return makeError(
        q(op) + " expects " + what + " of rank 4 " +
        (std::string(what) == "x" ? "[N, C, H, W]" : "[O, C/groups, KH, KW]") +
        ", got " + t.str());
  return Status::ok();
}

/// The output extent along one axis, or an error when the window does not
/// fit the padded input.
Expected<int64_t> outExtent(OpKind op, const char *axis, int64_t in,
                            int64_t before, int64_t after, int64_t kernel,
                            int64_t dilation, int64_t stride) {
  int64_t span = (kernel - 1) * dilation + 1;
  int64_t padded = in + before + after;
  if (span > padded)
    return makeError(q(op) + " window " + axis + " of " + str(span) +
                     " (kernel " + str(kernel) + ", dilation " + str(dilation) +
                     ") is larger than the padded input " + axis + " " +
                     str(padded) + " (" + str(in) + " + " + str(before) +
                     " + " + str(after) + ")");
  return (padded - span) / stride + 1;
}

Status inferConv(std::span<const TensorType> in, Attrs &attrs,
                 TensorType &out) {
  const OpKind op = OpKind::Conv2d;
  const TensorType &x = in[0], &w = in[1];
  VOSKHOD_RETURN_IF_ERROR(requireImage(op, x, "x"));
  VOSKHOD_RETURN_IF_ERROR(requireImage(op, w, "weight"));
  if (w.dtype != x.dtype)
    return makeError("'conv2d' weight " + w.str() + " and x " + x.str() +
                     " have different dtypes");
  auto stride = pairOf(op, attrs, "stride", {1, 1});
  VOSKHOD_RETURN_IF_ERROR(stride);
  auto dilation = pairOf(op, attrs, "dilation", {1, 1});
  VOSKHOD_RETURN_IF_ERROR(dilation);
  auto pads = paddingOf(op, attrs);
  VOSKHOD_RETURN_IF_ERROR(pads);
  int64_t groups = attrs.getInt("groups");
  int64_t c = x.shape[1], o = w.shape[0];
  if (groups <= 0)
    return makeError("'conv2d' groups must be positive, got " + str(groups));
  if (c % groups != 0)
    return makeError("'conv2d' groups = " + str(groups) +
                     " does not divide the " + str(c) +
                     " input channels of x " + x.str());
  if (o % groups != 0)
    return makeError("'conv2d' groups = " + str(groups) +
                     " does not divide the " + str(o) +
                     " output channels of weight " + w.str());
  if (w.shape[1] * groups != c)
    return makeError(
        "'conv2d' channel mismatch: weight " + w.str() + " takes " +
        str(w.shape[1]) + " channels per group (" + str(w.shape[1] * groups) +
        " with groups = " + str(groups) + "), x " + x.str() + " has " + str(c));
  auto oh = outExtent(op, "height", x.shape[2], (*pads)[0], (*pads)[2],
                      w.shape[2], (*dilation)[0], (*stride)[0]);
  VOSKHOD_RETURN_IF_ERROR(oh);
  auto ow = outExtent(op, "width", x.shape[3], (*pads)[1], (*pads)[3],
                      w.shape[3], (*dilation)[1], (*stride)[1]);
  VOSKHOD_RETURN_IF_ERROR(ow);
  attrs.set("stride", *stride);
  attrs.set("padding", canonicalPadding(*pads));
  attrs.set("dilation", *dilation);
  out = TensorType{x.dtype, {x.shape[0], o, *oh, *ow}};
  return Status::ok();
}

Status inferPool(OpKind op, const TensorType &x, Attrs &attrs,
                 TensorType &out) {
  VOSKHOD_RETURN_IF_ERROR(requireImage(op, x, "x"));
  const std::vector<int64_t> &k = attrs.getInts("kernel");
  if (k.size() != 2 || k[0] <= 0 || k[1] <= 0)
    return makeError(q(op) + " kernel must be two positive entries [h, w], " +
                     "got " + list(k));
  auto stride = pairOf(op, attrs, "stride", k);
  VOSKHOD_RETURN_IF_ERROR(stride);
  auto pads = paddingOf(op, attrs);
  VOSKHOD_RETURN_IF_ERROR(pads);
  // PyTorch's rule: a window never lies wholly in the padding.
  for (int side = 0; side < 4; ++side)
    if (2 * (*pads)[size_t(side)] > k[size_t(side % 2)])
      return makeError(q(op) + " padding " + list(canonicalPadding(*pads)) +
                       " is more than half the kernel " + list(k));
  auto oh = outExtent(op, "height", x.shape[2], (*pads)[0], (*pads)[2], k[0], 1,
                      (*stride)[0]);
  VOSKHOD_RETURN_IF_ERROR(oh);
  auto ow = outExtent(op, "width", x.shape[3], (*pads)[1], (*pads)[3], k[1], 1,
                      (*stride)[1]);
  VOSKHOD_RETURN_IF_ERROR(ow);
  attrs.set("stride", *stride);
  attrs.set("padding", canonicalPadding(*pads));
  out = TensorType{x.dtype, {x.shape[0], x.shape[1], *oh, *ow}};
  return Status::ok();
}

} // namespace

Status inferWindow(OpKind op, std::span<const TensorType> in, Attrs &attrs,
                   TensorType &out) {
  if (op == OpKind::Conv2d)
    return inferConv(in, attrs, out);
  return inferPool(op, in[0], attrs, out);
}

Window2d windowOf(OpKind op, std::span<const TensorType> in,
                  const Attrs &attrs) {
  Window2d w;
  const std::vector<int64_t> &stride = attrs.getInts("stride");
  const std::vector<int64_t> &p = attrs.getInts("padding");
  w.strideH = stride[0], w.strideW = stride[1];
  if (p.size() == 2)
    w.top = w.bottom = p[0], w.left = w.right = p[1];
  else
    w.top = p[0], w.left = p[1], w.bottom = p[2], w.right = p[3];
  if (op == OpKind::Conv2d) {
    const std::vector<int64_t> &d = attrs.getInts("dilation");
    w.dilationH = d[0], w.dilationW = d[1];
    w.kernelH = in[1].shape[2], w.kernelW = in[1].shape[3];
    w.groups = attrs.getInt("groups");
  } else {
    const std::vector<int64_t> &k = attrs.getInts("kernel");
    w.kernelH = k[0], w.kernelW = k[1];
  }
  const Shape &x = in[0].shape;
  w.outH = (x[2] + w.top + w.bottom - ((w.kernelH - 1) * w.dilationH + 1)) /
               w.strideH +
           1;
  w.outW = (x[3] + w.left + w.right - ((w.kernelW - 1) * w.dilationW + 1)) /
               w.strideW +
           1;
  return w;
}

} // namespace voskhod::ir
