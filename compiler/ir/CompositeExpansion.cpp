//===- compiler/ir/CompositeExpansion.cpp - composite ops as simpler ops --===//
#include "compiler/ir/CompositeExpansion.h"

#include "compiler/ir/Builder.h"
#include "compiler/ir/WindowShapes.h"
#include "support/InternalCheck.h"

#include <limits>
#include <vector>

namespace voskhod::ir {
namespace {

/// Builds the expansion of one node at its location. The node was checked
/// when it was built, so a builder error here is a bug in the expansion.
class Expander {
public:
  Expander(Graph &g, Node *n)
      : g_(g), n_(n), loc_(n->loc()), win_(windowIfAny(n)) {}

  Node *expand() {
    switch (n_->op()) {
    case OpKind::Conv2d:
      return conv2d();
    case OpKind::MaxPool2d:
      return maxPool();
    case OpKind::AvgPool2d:
      return avgPool();
    case OpKind::LayerNorm:
      return layerNorm();
    default:
      VOSKHOD_CHECK(false) << "composite op without an expansion";
      return nullptr;
    }
  }

private:
  static std::vector<TensorType> operandTypes(const Node *n) {
    std::vector<TensorType> types;
    for (size_t i = 0; i < n->numOperands(); ++i)
      types.push_back(n->operand(i)->type());
    return types;
  }

  static Window2d windowIfAny(const Node *n) {
    bool window = n->is(OpKind::Conv2d) || n->is(OpKind::MaxPool2d) ||
                  n->is(OpKind::AvgPool2d);
    return window ? windowOf(n->op(), operandTypes(n), n->attrs()) : Window2d{};
  }

  Node *built(Expected<Node *> n) {
    VOSKHOD_CHECK(n) << "composite expansion built an invalid node: "
                     << n.message();
    return *n;
  }
  Node *op(OpKind kind, std::vector<Node *> operands, Attrs attrs = {}) {
    return built(buildBroadcasting(g_, kind, std::move(operands),
                                   std::move(attrs), loc_));
  }
  Node *withInts(OpKind kind, Node *x, const char *name,
                 std::vector<int64_t> v) {
    Attrs a;
    a.set(name, std::move(v));
    return op(kind, {x}, std::move(a));
  }
  Node *reshape(Node *x, Shape shape) {
    return withInts(OpKind::Reshape, x, "shape", std::move(shape));
  }
  Node *transpose(Node *x, std::vector<int64_t> perm) {
    return withInts(OpKind::Transpose, x, "perm", std::move(perm));
  }
  Node *concat(std::vector<Node *> parts, int64_t axis) {
    if (parts.size() == 1)
      return parts[0];
    Attrs a;
    a.set("axis", axis);
    return op(OpKind::Concat, std::move(parts), std::move(a));
  }

  bool padded() const {
    return win_.top || win_.left || win_.bottom || win_.right;
  }
  /// `x` ([·, ·, H, W]) padded on its last two axes with `value`.
  Node *padImage(Node *x, double value) {
    if (!padded())
      return x;
    Attrs a;
    a.set("pads", std::vector<int64_t>{0, 0, win_.top, win_.left, 0, 0,
                                       win_.bottom, win_.right});
    a.set("value", value);
    return op(OpKind::Pad, {x}, std::move(a));
  }
  /// Tap (kh, kw) of padded `xp` ([A, B, Hp, Wp]), axis 0 cut to
  /// [first, first + count): the input element under that tap of every
  /// window, [count, B, OH, OW].
  Node *tap(Node *xp, int64_t kh, int64_t kw, int64_t first, int64_t count) {
    const Shape &s = xp->shape();
    int64_t h0 = kh * win_.dilationH, w0 = kw * win_.dilationW;
    std::vector<int64_t> starts{first, 0, h0, w0};
    std::vector<int64_t> ends{first + count, s[1],
                              h0 + (win_.outH - 1) * win_.strideH + 1,
                              w0 + (win_.outW - 1) * win_.strideW + 1};
    std::vector<int64_t> steps{1, 1, win_.strideH, win_.strideW};
    if (starts == std::vector<int64_t>{0, 0, 0, 0} && Shape(ends) == s &&
        steps == std::vector<int64_t>{1, 1, 1, 1})
      return xp;
    Attrs a;
    a.set("starts", std::move(starts));
    a.set("ends", std::move(ends));
    a.set("steps", std::move(steps));
    return op(OpKind::Slice, {xp}, std::move(a));
  }

  Node *conv2d() {
    Node *x = n_->operand(0), *w = n_->operand(1);
    int64_t n = x->shape()[0], c = x->shape()[1], o = w->shape()[0];
    int64_t groups = win_.groups, cg = c / groups, og = o / groups;
    int64_t taps = win_.kernelH * win_.kernelW;
    int64_t pixels = n * win_.outH * win_.outW;
    // Channels first, so each tap's [C, N, OH, OW] rows are whole channels.
    Node *xp = padImage(transpose(x, {1, 0, 2, 3}), 0.0);
    Node *weights = reshape(w, {o, cg * taps});
    std::vector<Node *> outputs;
    for (int64_t gi = 0; gi < groups; ++gi) {
      std::vector<Node *> columns;
      for (int64_t kh = 0; kh < win_.kernelH; ++kh)
        for (int64_t kw = 0; kw < win_.kernelW; ++kw) {
          Node *t = tap(xp, kh, kw, gi * cg, cg);
          columns.push_back(
              taps == 1 ? t : reshape(t, {cg, 1, n, win_.outH, win_.outW}));
        }
      Node *cols = reshape(concat(std::move(columns), 1), {cg * taps, pixels});
      Node *wg = weights;
      if (groups > 1) {
        Attrs a;
        a.set("starts", std::vector<int64_t>{gi * og, 0});
        a.set("ends", std::vector<int64_t>{(gi + 1) * og, cg * taps});
        wg = op(OpKind::Slice, {weights}, std::move(a));
      }
      outputs.push_back(op(OpKind::Matmul, {wg, cols}));
    }
    Node *y =
        reshape(concat(std::move(outputs), 0), {o, n, win_.outH, win_.outW});
    return transpose(y, {1, 0, 2, 3});
  }

  /// Every tap of x padded with `value`, in (kh, kw) order.
  std::vector<Node *> poolTaps(double value) {
    Node *x = n_->operand(0);
    Node *xp = padImage(x, value);
    std::vector<Node *> taps;
    for (int64_t kh = 0; kh < win_.kernelH; ++kh)
      for (int64_t kw = 0; kw < win_.kernelW; ++kw)
        taps.push_back(tap(xp, kh, kw, 0, x->shape()[0]));
    return taps;
  }

  Node *maxPool() {
    std::vector<Node *> taps =
        poolTaps(-std::numeric_limits<double>::infinity());
    Node *m = taps[0];
    for (size_t i = 1; i < taps.size(); ++i)
      m = op(OpKind::Maximum, {m, taps[i]});
    return m;
  }

  Node *avgPool() {
    std::vector<Node *> taps = poolTaps(0.0);
    Node *sum = taps[0];
    for (size_t i = 1; i < taps.size(); ++i)
      sum = op(OpKind::Add, {sum, taps[i]});
    DType t = n_->dtype();
    if (n_->attrs().getBool("count_include_pad") || !padded())
      return op(OpKind::Mul,
                {sum, buildScalar(g_, 1.0 / double(win_.kernelH * win_.kernelW),
                                  t, loc_)});
    // The real elements under each window: a product of the rows and the
    // columns that fall inside the input.
    const Shape &x = n_->operand(0)->shape();
    auto inside = [](int64_t start, int64_t kernel, int64_t extent) {
      int64_t lo = start < 0 ? 0 : start;
      int64_t hi = start + kernel > extent ? extent : start + kernel;
      return hi - lo;
    };
    std::vector<double> counts;
    for (int64_t oh = 0; oh < win_.outH; ++oh)
      for (int64_t ow = 0; ow < win_.outW; ++ow)
        counts.push_back(
            double(inside(oh * win_.strideH - win_.top, win_.kernelH, x[2]) *
                   inside(ow * win_.strideW - win_.left, win_.kernelW, x[3])));
    Node *divisor = built(buildConst(g_, TensorType{t, {win_.outH, win_.outW}},
                                     std::move(counts), loc_));
    return op(OpKind::Div, {sum, divisor});
  }

  Node *meanOver(Node *x, const std::vector<int64_t> &axes) {
    Attrs a;
    a.set("axes", axes);
    a.set("keepdims", true);
    return op(OpKind::ReduceMean, {x}, std::move(a));
  }

  Node *layerNorm() {
    Node *x = n_->operand(0), *gamma = n_->operand(1), *beta = n_->operand(2);
    const std::vector<int64_t> &axes = n_->attrs().getInts("axes");
    Node *centred = op(OpKind::Sub, {x, meanOver(x, axes)});
    Node *var = meanOver(op(OpKind::Mul, {centred, centred}), axes);
    Node *eps = buildScalar(g_, n_->attrs().getFloat("eps"), n_->dtype(), loc_);
    Node *inv = op(OpKind::Rsqrt, {op(OpKind::Add, {var, eps})});
    Node *normalised = op(OpKind::Mul, {centred, inv});
    return op(OpKind::Add, {op(OpKind::Mul, {normalised, gamma}), beta});
  }

  Graph &g_;
  Node *n_;
  SourceLoc loc_;
  Window2d win_;
};

} // namespace

Node *expandComposite(Graph &g, Node *n) { return Expander(g, n).expand(); }

bool expandComposites(Graph &g) {
  std::vector<Node *> composites;
  for (Node *n : g)
    if (n->hasTrait(OpTrait::Composite))
      composites.push_back(n);
  for (Node *n : composites) {
    Node *e = expandComposite(g, n);
    g.replaceAllUsesWith(n, e);
    // The expansion prints under the node's name.
    bool isOperand = false;
    for (size_t i = 0; i < n->numOperands(); ++i)
      isOperand |= n->operand(i) == e;
    if (!isOperand && e->name().empty() && !n->name().empty()) {
      std::string name = n->name();
      n->setName("");
      e->setName(std::move(name));
    }
  }
  if (!composites.empty())
    g.sortAndPrune();
  return !composites.empty();
}

} // namespace voskhod::ir
