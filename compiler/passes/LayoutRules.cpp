//===- compiler/passes/LayoutRules.cpp - layout and reduction identities --===//
#include "compiler/ir/Builder.h"
#include "compiler/passes/Rewrite.h"
#include "compiler/passes/SimplifyRules.h"

#include <algorithm>

namespace voskhod::passes {

using namespace ir;

namespace {

/// Broadcasts of scalar constants up to this many elements become filled
/// constants, which are then no larger than the scalar and fold with their
/// neighbours. Anything larger stays a broadcast: fusion reads it as one
/// scalar rather than a buffer, and `mul %g, 0.01` reads better than a list
/// of equal numbers.
constexpr int64_t kSmallConstantElements = 1;

Node *reshapeTo(Graph &g, Node *x, const Shape &shape, SourceLoc loc) {
  if (x->shape() == shape)
    return x;
  Attrs attrs;
  attrs.set("shape", shape);
  return buildOrNull(g, OpKind::Reshape, {x}, std::move(attrs), loc);
}

Node *broadcastOrNull(Graph &g, Node *x, const Shape &shape, SourceLoc loc) {
  if (!x)
    return nullptr;
  Expected<Node *> b = ir::broadcastTo(g, x, shape, loc);
  return b ? *b : nullptr;
}

Node *transposeIdentity(Graph &, Node *n) {
  const std::vector<int64_t> &perm = n->attrs().getInts("perm");
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != int64_t(i))
      return nullptr;
  return n->operand(0);
}

// transpose(transpose(x, p), q)[k] reads x along axis p[q[k]].
Node *transposeTranspose(Graph &g, Node *n) {
  Node *inner = n->operand(0);
  if (!inner->is(OpKind::Transpose))
    return nullptr;
  const std::vector<int64_t> &p = inner->attrs().getInts("perm");
  const std::vector<int64_t> &q = n->attrs().getInts("perm");
  std::vector<int64_t> composed(q.size());
  bool identity = true;
  for (size_t k = 0; k < q.size(); ++k) {
    composed[k] = p[size_t(q[k])];
    identity = identity && composed[k] == int64_t(k);
  }
  if (identity)
    return inner->operand(0);
  Attrs attrs;
  attrs.set("perm", std::move(composed));
  return buildOrNull(g, OpKind::Transpose, {inner->operand(0)},
                     std::move(attrs), n->loc());
}

Node *reshapeSame(Graph &, Node *n) {
  return n->shape() == n->operand(0)->shape() ? n->operand(0) : nullptr;
}

Node *reshapeReshape(Graph &g, Node *n) {
  Node *inner = n->operand(0);
  if (!inner->is(OpKind::Reshape))
    return nullptr;
  return reshapeTo(g, inner->operand(0), n->shape(), n->loc());
}

/// A reshape or transpose of a broadcast scalar is the scalar broadcast to
/// the new shape.
Node *layoutOfBroadcastScalar(Graph &g, Node *n) {
  Node *inner = n->operand(0);
  if (!inner->is(OpKind::Broadcast) || !inner->operand(0)->type().isScalar())
    return nullptr;
  return broadcastOrNull(g, inner->operand(0), n->shape(), n->loc());
}

Node *broadcastSame(Graph &, Node *n) {
  return n->shape() == n->operand(0)->shape() ? n->operand(0) : nullptr;
}

// Broadcasting is transitive: a dimension that reached the middle shape
// unchanged or from 1 reaches the outer one the same way.
Node *broadcastBroadcast(Graph &g, Node *n) {
  Node *inner = n->operand(0);
  if (!inner->is(OpKind::Broadcast))
    return nullptr;
  return broadcastOrNull(g, inner->operand(0), n->shape(), n->loc());
}

/// broadcast(reshape(s)) for a scalar s (the reshape only adds 1s).
Node *broadcastReshapedScalar(Graph &g, Node *n) {
  Node *inner = n->operand(0);
  if (!inner->is(OpKind::Reshape) || !inner->operand(0)->type().isScalar())
    return nullptr;
  return broadcastOrNull(g, inner->operand(0), n->shape(), n->loc());
}

Node *broadcastSmallConstant(Graph &g, Node *n) {
  Node *c = n->operand(0);
  if (!c->is(OpKind::Const) || !c->type().isScalar() ||
      n->type().numElements() > kSmallConstantElements)
    return nullptr;
  Expected<Node *> filled =
      buildConst(g, n->type(), {c->constValues()[0]}, n->loc());
  return filled ? *filled : nullptr;
}

const std::vector<int64_t> &axesOf(const Node *n) {
  return n->attrs().getInts("axes");
}

/// Reducing only axes of size 1 moves no values together. It holds for every
/// reduction (each combines elements associatively, and one element reduces
/// to itself), so the rule is declared for the trait.
Node *reduceTrivial(Graph &g, Node *n) {
  Node *x = n->operand(0);
  for (int64_t a : axesOf(n))
    if (x->shape()[size_t(a)] != 1)
      return nullptr;
  return reshapeTo(g, x, n->shape(), n->loc());
}

// Every reduced axis of broadcast(x) only repeats x, so the sum is x times
// the number of repeats, laid out in the result's shape.
Node *reduceSumOfBroadcast(Graph &g, Node *n) {
  Node *bc = n->operand(0);
  if (!bc->is(OpKind::Broadcast))
    return nullptr;
  Node *x = bc->operand(0);
  const Shape &full = bc->shape();
  size_t lead = full.size() - x->shape().size();
  Shape aligned(lead, 1);
  aligned.insert(aligned.end(), x->shape().begin(), x->shape().end());
  const std::vector<int64_t> &axes = axesOf(n);
  double repeats = 1;
  for (int64_t a : axes) {
    if (aligned[size_t(a)] != 1)
      return nullptr;
    repeats *= double(full[size_t(a)]);
  }
  bool keepdims = n->attrs().getBool("keepdims");
  Shape layout;
  for (size_t i = 0; i < aligned.size(); ++i)
    if (keepdims || !std::binary_search(axes.begin(), axes.end(), int64_t(i)))
      layout.push_back(aligned[i]);
  Node *scaled = x;
  if (repeats != 1) {
    Node *factor = splatConstant(g, repeats, x->type(), n->loc());
    scaled = factor ? buildOrNull(g, OpKind::Mul, {x, factor}, {}, n->loc())
                    : nullptr;
  }
  if (!scaled)
    return nullptr;
  Node *shaped = reshapeTo(g, scaled, layout, n->loc());
  return shaped ? broadcastOrNull(g, shaped, n->shape(), n->loc()) : nullptr;
}

// Each one_hot row holds exactly one 1 (labels out of range are an error).
Node *reduceSumOfOneHot(Graph &g, Node *n) {
  Node *hot = n->operand(0);
  if (!hot->is(OpKind::OneHot) ||
      axesOf(n) != std::vector<int64_t>{hot->rank() - 1})
    return nullptr;
  return splatConstant(g, 1.0, n->type(), n->loc());
}

// A batched product whose right operand is one matrix for every batch
// ([B..., M, K] × [K, N]) is one product with the batches folded into the
// rows: the GEMM packs the matrix once and runs B·M rows, not B products of
// M rows.
Node *matmulFoldBatch(Graph &g, Node *n) {
  Node *a = n->operand(0), *b = n->operand(1);
  if (a->rank() < 3 || b->rank() != 2 || n->attrs().getBool("transpose_a"))
    return nullptr;
  int64_t rows = a->type().numElements() / a->shape().back();
  Node *flat = reshapeTo(g, a, {rows, a->shape().back()}, n->loc());
  if (!flat)
    return nullptr;
  Attrs attrs;
  attrs.set("transpose_a", false);
  attrs.set("transpose_b", n->attrs().getBool("transpose_b"));
  Node *product =
      buildOrNull(g, OpKind::Matmul, {flat, b}, std::move(attrs), n->loc());
  return product ? reshapeTo(g, product, n->shape(), n->loc()) : nullptr;
}

/// Summing a [rows, C] operand over its rows, column by column, strides
/// through memory; below this many rows the strides stay in cache.
constexpr int64_t kColumnSumRows = 512;

// reduce_sum over the leading axes of x [..., T, C] (a bias's or a norm's
// gradient over a batch of tokens) as a product with a row of ones,
// ones [1, T] · x, which the packed GEMM runs reading x's rows in order
// (its prologue computes x when x is an expression), leaving a sum over
// the few remaining leading rows. Only for tall operands with columns: a
// short or single-column sum is fast as it is.
Node *reduceSumLeadingAsProduct(Graph &g, Node *n) {
  Node *x = n->operand(0);
  std::vector<int64_t> axes = axesOf(n);
  int64_t rank = x->rank();
  if (rank < 2 || !isFloat(x->dtype()) || int64_t(axes.size()) != rank - 1)
    return nullptr;
  for (int64_t d = 0; d + 1 < rank; ++d)
    if (axes[size_t(d)] != d)
      return nullptr;
  int64_t columns = x->shape().back(), rows = x->shape()[size_t(rank - 2)];
  if (columns < 8 || x->type().numElements() / columns < kColumnSumRows)
    return nullptr;
  Node *ones = nullptr;
  if (Expected<Node *> c =
          buildConst(g, TensorType{x->dtype(), {1, rows}},
                     std::vector<double>(size_t(rows), 1.0), n->loc()))
    ones = *c;
  if (!ones)
    return nullptr;
  // [..., 1, C]: one partial sum per remaining leading index.
  Node *partial = buildOrNull(g, OpKind::Matmul, {ones, x}, Attrs{}, n->loc());
  if (!partial)
    return nullptr;
  Attrs attrs;
  std::vector<int64_t> all(size_t(rank - 1));
  for (int64_t d = 0; d + 1 < rank; ++d)
    all[size_t(d)] = d;
  attrs.set("axes", all);
  attrs.set("keepdims", n->attrs().getBool("keepdims"));
  return buildOrNull(g, OpKind::ReduceSum, {partial}, std::move(attrs),
                     n->loc());
}

constexpr SimplifyRule kRules[] = {
    {"transpose-identity", OpKind::Transpose, transposeIdentity},
    {"transpose-transpose", OpKind::Transpose, transposeTranspose},
    {"transpose-broadcast-scalar", OpKind::Transpose, layoutOfBroadcastScalar},
    {"reshape-same", OpKind::Reshape, reshapeSame},
    {"reshape-reshape", OpKind::Reshape, reshapeReshape},
    {"reshape-broadcast-scalar", OpKind::Reshape, layoutOfBroadcastScalar},
    {"broadcast-same", OpKind::Broadcast, broadcastSame},
    {"broadcast-broadcast", OpKind::Broadcast, broadcastBroadcast},
    {"broadcast-reshaped-scalar", OpKind::Broadcast, broadcastReshapedScalar},
    {"broadcast-small-constant", OpKind::Broadcast, broadcastSmallConstant},
    {"reduce-trivial", RuleMatch::everyOpWith(OpTrait::Reduction),
     reduceTrivial},
    {"reduce-sum-broadcast", OpKind::ReduceSum, reduceSumOfBroadcast},
    {"reduce-sum-one-hot", OpKind::ReduceSum, reduceSumOfOneHot},
    {"matmul-fold-batch", OpKind::Matmul, matmulFoldBatch},
    {"reduce-sum-leading-as-product", OpKind::ReduceSum,
     reduceSumLeadingAsProduct},
};

} // namespace

std::span<const SimplifyRule> layoutRules() { return kRules; }

} // namespace voskhod::passes
