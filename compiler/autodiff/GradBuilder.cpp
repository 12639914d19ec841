//===- compiler/autodiff/GradBuilder.cpp - terse node building for rules --===//
#include "compiler/autodiff/GradBuilder.h"

#include "compiler/ir/Builder.h"

namespace voskhod::autodiff {

using namespace ir;

Node *GradBuilder::op(OpKind kind, std::vector<Node *> operands, Attrs attrs) {
  if (failed())
    return nullptr;
  for (Node *o : operands)
    if (!o)
      return nullptr;
  Expected<Node *> n =
      buildBroadcasting(g_, kind, std::move(operands), std::move(attrs), loc_);
  if (!n) {
    status_ = makeError("'" + std::string(opName(kind)) + "': " + n.message());
    return nullptr;
  }
  return *n;
}

Node *GradBuilder::scalar(double value, DType dtype) {
  if (failed())
    return nullptr;
  return buildScalar(g_, value, dtype, loc_);
}

Node *GradBuilder::mul(Node *x, double c) {
  return x ? mul(x, scalar(c, x->dtype())) : nullptr;
}

Node *GradBuilder::div(Node *x, double c) {
  return x ? div(x, scalar(c, x->dtype())) : nullptr;
}

Node *GradBuilder::greater(Node *x, double c) {
  return x ? greater(x, scalar(c, x->dtype())) : nullptr;
}

Node *GradBuilder::rsub(double c, Node *x) {
  return x ? sub(scalar(c, x->dtype()), x) : nullptr;
}

Node *GradBuilder::selectOrZero(Node *c, Node *t) {
  return t ? select(c, t, scalar(0, t->dtype())) : nullptr;
}

Node *GradBuilder::zeroOrSelect(Node *c, Node *f) {
  return f ? select(c, scalar(0, f->dtype()), f) : nullptr;
}

Node *GradBuilder::convert(Node *x, DType dtype) {
  Attrs attrs;
  attrs.set("dtype", dtype);
  return op(OpKind::Convert, {x}, std::move(attrs));
}

Node *GradBuilder::reshape(Node *x, const Shape &shape) {
  if (x && x->shape() == shape)
    return x;
  Attrs attrs;
  attrs.set("shape", shape);
  return op(OpKind::Reshape, {x}, std::move(attrs));
}

Node *GradBuilder::broadcast(Node *x, const Shape &shape) {
  if (x && x->shape() == shape)
    return x;
  Attrs attrs;
  attrs.set("shape", shape);
  return op(OpKind::Broadcast, {x}, std::move(attrs));
}

Node *GradBuilder::transpose(Node *x, std::vector<int64_t> perm) {
  Attrs attrs;
  attrs.set("perm", std::move(perm));
  return op(OpKind::Transpose, {x}, std::move(attrs));
}

Node *GradBuilder::reduceSum(Node *x, std::vector<int64_t> axes,
                             bool keepdims) {
  Attrs attrs;
  attrs.set("axes", std::move(axes));
  attrs.set("keepdims", keepdims);
  return op(OpKind::ReduceSum, {x}, std::move(attrs));
}

Node *GradBuilder::matmul(Node *a, Node *b, bool transposeA, bool transposeB) {
  Attrs attrs;
  attrs.set("transpose_a", transposeA);
  attrs.set("transpose_b", transposeB);
  return op(OpKind::Matmul, {a, b}, std::move(attrs));
}

Node *GradBuilder::softmax(Node *x, int64_t axis) {
  Attrs attrs;
  attrs.set("axis", axis);
  return op(OpKind::Softmax, {x}, std::move(attrs));
}

Node *GradBuilder::unreduce(Node *g, const std::vector<int64_t> &axes,
                            bool keepdims, const Shape &shape) {
  if (!g)
    return nullptr;
  // NumPy broadcasting aligns trailing axes, so a value that lost only
  // leading axes broadcasts back as it is; any other lost axis must first
  // come back as a size-1 dimension.
  bool leadingOnly = true;
  for (size_t i = 0; i < axes.size(); ++i)
    leadingOnly = leadingOnly && axes[i] == int64_t(i);
  if (!keepdims && !leadingOnly) {
    Shape kept = shape;
    for (int64_t a : axes)
      kept[a] = 1;
    g = reshape(g, kept);
  }
  return broadcast(g, shape);
}

Node *GradBuilder::sumTo(Node *g, const Shape &shape) {
  if (!g)
    return nullptr;
  const Shape &from = g->shape();
  size_t lead = from.size() - shape.size();
  std::vector<int64_t> axes;
  for (size_t i = 0; i < from.size(); ++i)
    if (i < lead || (shape[i - lead] == 1 && from[i] != 1))
      axes.push_back(int64_t(i));
  if (axes.empty())
    return reshape(g, shape);
  return reshape(reduceSum(g, std::move(axes), false), shape);
}

} // namespace voskhod::autodiff
