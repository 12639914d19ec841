//===- compiler/autodiff/GradBuilder.h - terse node building for rules ----===//
///
/// What a gradient rule uses to build nodes: shorthands over ir::buildNode
/// and ir::buildBroadcasting that stamp every node with the forward node's
/// source location (so a problem in the backward pass points at the user's
/// line) and broadcast scalars like the `.vg` parser does (`mul(x, 0.5)`
/// becomes a rank-0 constant broadcast to x's shape).
///
/// A rule builds shapes it has derived itself, so a builder error is a bug
/// in a rule rather than a user error. Instead of threading Expected through
/// every expression the builder keeps the first failure, returns null from
/// then on (and for any null operand), and lets the driver report it once.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"
#include "support/Error.h"

#include <vector>

namespace voskhod::autodiff {

class GradBuilder {
public:
  GradBuilder(ir::Graph &g, ir::SourceLoc loc) : g_(g), loc_(loc) {}

  /// The graph the rules build into.
  ir::Graph &graph() { return g_; }

  bool failed() const { return !status_.isOk(); }
  const Status &status() const { return status_; }

  /// Any non-leaf op, with NumPy broadcasting of elementwise operands.
  ir::Node *op(ir::OpKind kind, std::vector<ir::Node *> operands,
               ir::Attrs attrs = {});
  /// A rank-0 constant.
  ir::Node *scalar(double value, ir::DType dtype);

  ir::Node *add(ir::Node *a, ir::Node *b) {
    return op(ir::OpKind::Add, {a, b});
  }
  ir::Node *sub(ir::Node *a, ir::Node *b) {
    return op(ir::OpKind::Sub, {a, b});
  }
  ir::Node *mul(ir::Node *a, ir::Node *b) {
    return op(ir::OpKind::Mul, {a, b});
  }
  ir::Node *div(ir::Node *a, ir::Node *b) {
    return op(ir::OpKind::Div, {a, b});
  }
  ir::Node *neg(ir::Node *a) { return op(ir::OpKind::Neg, {a}); }
  ir::Node *greater(ir::Node *a, ir::Node *b) {
    return op(ir::OpKind::Greater, {a, b});
  }
  ir::Node *select(ir::Node *c, ir::Node *t, ir::Node *f) {
    return op(ir::OpKind::Select, {c, t, f});
  }
  /// `x op c` with a scalar constant c of x's dtype.
  ir::Node *mul(ir::Node *x, double c);
  ir::Node *div(ir::Node *x, double c);
  ir::Node *greater(ir::Node *x, double c);
  /// `c - x`.
  ir::Node *rsub(double c, ir::Node *x);
  /// select(c, t, 0) and select(c, 0, f).
  ir::Node *selectOrZero(ir::Node *c, ir::Node *t);
  ir::Node *zeroOrSelect(ir::Node *c, ir::Node *f);

  ir::Node *convert(ir::Node *x, ir::DType dtype);
  ir::Node *reshape(ir::Node *x, const ir::Shape &shape);
  ir::Node *broadcast(ir::Node *x, const ir::Shape &shape);
  ir::Node *transpose(ir::Node *x, std::vector<int64_t> perm);
  ir::Node *reduceSum(ir::Node *x, std::vector<int64_t> axes, bool keepdims);
  ir::Node *matmul(ir::Node *a, ir::Node *b, bool transposeA, bool transposeB);
  ir::Node *softmax(ir::Node *x, int64_t axis);

  /// Spreads `g`, the gradient of a reduction over `axes` of a value of shape
  /// `shape`, back to that shape (a reshape restores dropped axes where plain
  /// broadcasting would align them wrongly).
  ir::Node *unreduce(ir::Node *g, const std::vector<int64_t> &axes,
                     bool keepdims, const ir::Shape &shape);
  /// Sums `g` over the axes a broadcast to g's shape replicated, giving a
  /// value of `shape`: the adjoint of broadcast.
  ir::Node *sumTo(ir::Node *g, const ir::Shape &shape);

private:
  ir::Graph &g_;
  ir::SourceLoc loc_;
  Status status_;
};

} // namespace voskhod::autodiff
