//===- compiler/autodiff/StructuralGradients.cpp - matmul, layout, reduce -===//
///
/// Gradients of the ops that move or combine elements rather than map them.
/// matmul's gradients are matmuls with transpose flags, never explicit
/// transposes, so the contraction kernel reads its operands in place.
/// broadcast's gradient sums over the replicated axes; the reductions spread
/// the gradient back. reduce_max (reduce_min) sends the gradient to the
/// elements equal to the maximum (minimum), split evenly among ties, as
/// PyTorch's amax, TensorFlow and JAX do, so the rule is symmetric and its
/// gradient sums to the incoming one. pad and slice undo each other; a
/// strided slice's gradient is a strided scatter built from pad and reshape
/// (each gradient element followed by step - 1 zeros); concat's gradient is
/// one slice of the incoming gradient per operand. gather's is a scatter-add
/// into the table, as a product with the indices' one-hot encoding.
///
//===----------------------------------------------------------------------===//
#include "compiler/autodiff/GradientRules.h"

namespace voskhod::autodiff {

using namespace ir;

namespace {

using Grads = std::vector<Node *>;

// With C = op(A) op(B) and G = dL/dC:
//   C = A B      dA = G B^T      dB = A^T G
//   C = A B^T    dA = G B        dB = G^T A
//   C = A^T B    dA = B G^T      dB = A G
//   C = A^T B^T  dA = B^T G^T    dB = G^T A^T
Grads matmulGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &needs) {
  Node *a = n->operand(0), *w = n->operand(1);
  bool ta = n->attrs().getBool("transpose_a");
  bool tb = n->attrs().getBool("transpose_b");
  Node *da = nullptr, *dw = nullptr;
  // Batched products give each operand's gradient the output's batch dims;
  // sumTo folds those an operand was broadcast along back to its shape.
  if (needs[0])
    da = b.sumTo(ta ? b.matmul(w, g, tb, true) : b.matmul(g, w, false, !tb),
                 a->shape());
  if (needs[1] && w->rank() == 2 && a->rank() > 2 && !ta) {
    // A matrix shared by every batch of a stored [..., M, K]: the batches
    // fold into the rows of one product, so no per-batch gradient is
    // stored and summed.
    const Shape &as = a->shape();
    int64_t rows = 1;
    for (size_t d = 0; d + 1 < as.size(); ++d)
      rows *= as[d];
    Node *a2 = b.reshape(a, {rows, as.back()});
    Node *g2 = b.reshape(g, {rows, g->shape().back()});
    dw = tb ? b.matmul(g2, a2, true, false) : b.matmul(a2, g2, true, false);
  } else if (needs[1]) {
    dw = b.sumTo(tb ? b.matmul(g, a, true, ta) : b.matmul(a, g, !ta, false),
                 w->shape());
  }
  return {da, dw};
}

Grads transposeGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  const std::vector<int64_t> &perm = n->attrs().getInts("perm");
  std::vector<int64_t> inverse(perm.size());
  for (size_t k = 0; k < perm.size(); ++k)
    inverse[size_t(perm[k])] = int64_t(k);
  return {b.transpose(g, std::move(inverse))};
}

Grads reshapeGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  return {b.reshape(g, n->operand(0)->shape())};
}

Grads broadcastGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  return {b.sumTo(g, n->operand(0)->shape())};
}

Grads reduceSumGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  return {b.unreduce(g, n->attrs().getInts("axes"),
                     n->attrs().getBool("keepdims"), n->operand(0)->shape())};
}

Grads reduceMeanGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  const Shape &shape = n->operand(0)->shape();
  const std::vector<int64_t> &axes = n->attrs().getInts("axes");
  int64_t count = 1;
  for (int64_t a : axes)
    count *= shape[size_t(a)];
  // Scale before spreading: the gradient is smaller than the operand.
  return {b.unreduce(b.div(g, double(count)), axes,
                     n->attrs().getBool("keepdims"), shape)};
}

/// reduce_max and reduce_min: the gradient goes to the elements equal to the
/// result, split evenly among ties.
Grads reduceExtremumGrad(GradBuilder &b, Node *n, Node *g,
                         const OperandMask &) {
  Node *a = n->operand(0);
  const std::vector<int64_t> &axes = n->attrs().getInts("axes");
  bool keepdims = n->attrs().getBool("keepdims");
  Node *maxima = b.unreduce(n, axes, keepdims, a->shape());
  Node *isMax = b.convert(b.op(OpKind::Equal, {a, maxima}), a->dtype());
  Node *share = b.div(g, b.reduceSum(isMax, axes, keepdims));
  return {b.mul(isMax, b.unreduce(share, axes, keepdims, a->shape()))};
}

/// reduce_prod, as PyTorch's prod: with y the product and z the elements
/// equal to zero, a row without zeros sends g y / a; a row with one zero
/// sends g times the product of the others to that zero and nothing to the
/// rest; a row with two or more sends nothing.
Grads reduceProdGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  Node *a = n->operand(0);
  const std::vector<int64_t> &axes = n->attrs().getInts("axes");
  bool keepdims = n->attrs().getBool("keepdims");
  const Shape &shape = a->shape();
  DType t = a->dtype();
  auto spread = [&](Node *row) {
    return b.unreduce(row, axes, keepdims, shape);
  };
  Node *zero = b.op(OpKind::Equal, {a, b.scalar(0.0, t)});
  Node *zeros = spread(b.reduceSum(b.convert(zero, t), axes, keepdims));
  Attrs reduction = n->attrs();
  Node *others = spread(b.op(OpKind::ReduceProd,
                             {b.select(zero, b.scalar(1.0, t), a)}, reduction));
  Node *gs = spread(g);
  Node *atZero = b.selectOrZero(b.op(OpKind::Equal, {zeros, b.scalar(1.0, t)}),
                                b.mul(gs, others));
  Node *elsewhere =
      b.selectOrZero(b.op(OpKind::Equal, {zeros, b.scalar(0.0, t)}),
                     b.div(b.mul(gs, spread(n)), a));
  return {b.select(zero, atZero, elsewhere)};
}

/// Unspecialised batch_norm is its evaluation form (ModeSpecialization.h):
/// y = (x − m)·s + β with s = γ/√(v + eps) per channel (axis 1), the
/// running statistics m and v constants of the batch. The step never meets
/// this rule: it differentiates the training form, built from graph ops.
Grads batchNormGrad(GradBuilder &b, Node *n, Node *g,
                    const OperandMask &needs) {
  Node *x = n->operand(0), *gamma = n->operand(1), *mean = n->operand(3),
       *var = n->operand(4);
  const Shape &shape = x->shape();
  Shape channelShape(shape.size(), 1);
  channelShape[1] = shape[1];
  std::vector<int64_t> others;
  for (int64_t d = 0; d < int64_t(shape.size()); ++d)
    if (d != 1)
      others.push_back(d);
  // [C] → [1, C, 1, ...] → x's shape: plain broadcasting would align C with
  // the last axis.
  auto perChannel = [&](Node *v) {
    return b.broadcast(b.reshape(v, channelShape), shape);
  };
  auto channelSum = [&](Node *v) { return b.reduceSum(v, others, false); };
  Node *invStd =
      b.op(OpKind::Rsqrt,
           {b.add(var, b.scalar(n->attrs().getFloat("eps"), var->dtype()))});
  Node *scale = b.mul(gamma, invStd);
  Node *centred = b.sub(x, perChannel(mean));
  Grads grads(5, nullptr);
  if (needs[0])
    grads[0] = b.mul(g, perChannel(scale));
  if (needs[1])
    grads[1] = b.mul(channelSum(b.mul(g, centred)), invStd);
  if (needs[2])
    grads[2] = channelSum(g);
  if (needs[3])
    grads[3] = b.neg(b.mul(channelSum(g), scale));
  if (needs[4]) // d/dv (v + eps)^(-1/2) = -1/2 (v + eps)^(-3/2)
    grads[4] = b.mul(b.mul(channelSum(b.mul(g, centred)), scale),
                     b.mul(b.mul(invStd, invStd), -0.5));
  return grads;
}

Node *sliceNode(GradBuilder &b, Node *x, std::vector<int64_t> starts,
                std::vector<int64_t> ends) {
  Attrs attrs;
  attrs.set("starts", std::move(starts));
  attrs.set("ends", std::move(ends));
  return b.op(OpKind::Slice, {x}, attrs);
}

Node *padNode(GradBuilder &b, Node *x, std::vector<int64_t> pads) {
  Attrs attrs;
  attrs.set("pads", std::move(pads));
  return b.op(OpKind::Pad, {x}, attrs);
}

Grads padGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  const std::vector<int64_t> &pads = n->attrs().getInts("pads");
  const Shape &in = n->operand(0)->shape();
  std::vector<int64_t> starts(in.size()), ends(in.size());
  for (size_t d = 0; d < in.size(); ++d) {
    starts[d] = pads[d];
    ends[d] = pads[d] + in[d];
  }
  return {sliceNode(b, g, std::move(starts), std::move(ends))};
}

/// Spreads axis `d` of `g` so element k lands at k * step: each element
/// gets step - 1 zeros after it on a new axis, which a reshape folds in,
/// and the zeros after the last element are cut.
Node *spreadAxis(GradBuilder &b, Node *g, size_t d, int64_t step) {
  Shape shape = g->shape();
  int64_t m = shape[d];
  Shape split = shape;
  split.insert(split.begin() + int64_t(d) + 1, 1);
  std::vector<int64_t> pads(2 * split.size(), 0);
  pads[split.size() + d + 1] = step - 1;
  Node *spread = padNode(b, b.reshape(g, split), std::move(pads));
  Shape merged = shape;
  merged[d] = m * step;
  Node *flat = b.reshape(spread, merged);
  std::vector<int64_t> starts(shape.size(), 0), ends = merged;
  ends[d] = (m - 1) * step + 1;
  return sliceNode(b, flat, std::move(starts), std::move(ends));
}

Grads sliceGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &) {
  const std::vector<int64_t> &starts = n->attrs().getInts("starts");
  const std::vector<int64_t> &steps = n->attrs().getInts("steps");
  const Shape &in = n->operand(0)->shape();
  size_t rank = in.size();
  Node *spread = g;
  for (size_t d = 0; d < rank; ++d)
    if (steps[d] != 1 && g->shape()[d] > 1)
      spread = spreadAxis(b, spread, d, steps[d]);
  // The attributes are canonical: the taken elements span [start, end).
  std::vector<int64_t> pads(2 * rank);
  for (size_t d = 0; d < rank; ++d) {
    pads[d] = starts[d];
    pads[rank + d] = in[d] - starts[d] - spread->shape()[d];
  }
  return {padNode(b, spread, std::move(pads))};
}

Grads concatGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &needs) {
  size_t axis = size_t(n->attrs().getInt("axis"));
  Grads grads(n->numOperands(), nullptr);
  int64_t offset = 0;
  for (size_t i = 0; i < n->numOperands(); ++i) {
    const Shape &shape = n->operand(i)->shape();
    if (needs[i]) {
      std::vector<int64_t> starts(shape.size(), 0), ends = shape;
      starts[axis] = offset;
      ends[axis] = offset + shape[axis];
      grads[i] = sliceNode(b, g, std::move(starts), std::move(ends));
    }
    offset += shape[axis];
  }
  return grads;
}

} // namespace

// y = gather(table, indices) along `axis`: the table's gradient is a
// scatter-add of g into the rows the indices name, built as a product with
// their one-hot encoding, d_table[v] = Σ_i [indices_i = v] · g_i, so the
// sum runs in index order, the same on any thread count, and repeated
// indices add up. It costs one multiply-add per table row per index, which
// suits the vocabularies of character and small word models. The indices
// get no gradient.
Grads gatherGrad(GradBuilder &b, Node *n, Node *g, const OperandMask &needs) {
  if (!needs[0])
    return {nullptr, nullptr};
  Node *table = n->operand(0), *indices = n->operand(1);
  const Shape &ts = table->shape();
  size_t axis = size_t(n->attrs().getInt("axis"));
  int64_t before = 1, after = 1, count = indices->type().numElements();
  for (size_t d = 0; d < ts.size(); ++d)
    if (d < axis)
      before *= ts[d];
    else if (d > axis)
      after *= ts[d];
  // g as [count, before·after]: one row per index.
  Node *rows = b.reshape(g, {before, count, after});
  if (before > 1)
    rows = b.transpose(rows, {1, 0, 2});
  rows = b.reshape(rows, {count, before * after});
  Attrs hot;
  hot.set("depth", ts[axis]);
  hot.set("dtype", table->dtype());
  Node *oneHot =
      b.op(OpKind::OneHot, {b.reshape(indices, {count})}, std::move(hot));
  Node *sum = b.matmul(oneHot, rows, true, false); // [rows, before·after]
  if (before > 1)
    sum = b.transpose(b.reshape(sum, {ts[axis], before, after}), {1, 0, 2});
  return {b.reshape(sum, ts), nullptr};
}

void addStructuralGradients(GradRuleTable &t) {
  t.set(OpKind::BatchNorm, batchNormGrad);
  t.set(OpKind::Matmul, matmulGrad);
  t.set(OpKind::Transpose, transposeGrad);
  t.set(OpKind::Reshape, reshapeGrad);
  t.set(OpKind::Broadcast, broadcastGrad);
  t.set(OpKind::ReduceSum, reduceSumGrad);
  t.set(OpKind::ReduceMean, reduceMeanGrad);
  t.set(OpKind::ReduceMax, reduceExtremumGrad);
  t.set(OpKind::ReduceMin, reduceExtremumGrad);
  t.set(OpKind::ReduceProd, reduceProdGrad);
  t.set(OpKind::Pad, padGrad);
  t.set(OpKind::Slice, sliceGrad);
  t.set(OpKind::Concat, concatGrad);
  t.set(OpKind::Gather, gatherGrad);
}

} // namespace voskhod::autodiff
