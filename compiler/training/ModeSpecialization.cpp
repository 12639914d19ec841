//===- compiler/training/ModeSpecialization.cpp - train and eval forms ----===//
#include "compiler/training/ModeSpecialization.h"

#include "compiler/ir/Builder.h"
#include "compiler/ir/CompositeExpansion.h"
#include "compiler/ir/Verifier.h"
#include "runtime/Random.h"
#include "support/InternalCheck.h"

#include <string>
#include <vector>

namespace voskhod::training {
using namespace ir;

namespace {

/// Builds a node's replacement; `ordinal` counts the graph's unnamed nodes
/// of the same op before it.
using FormFn = Node *(*)(Graph &, Node *, const ModeInputs &, int ordinal);

/// An op's two forms, side by side.
struct ModeForms {
  FormFn train;
  FormFn eval;
};

Node *built(Expected<Node *> n) {
  VOSKHOD_CHECK(n) << "mode specialisation built an invalid node: "
                   << n.message();
  return *n;
}

Node *dropoutTrain(Graph &g, Node *n, const ModeInputs &in, int ordinal) {
  VOSKHOD_CHECK(in.counter && in.seed)
      << "training form of dropout without a counter and a seed";
  Node *counter = in.counter(), *seed = in.seed();
  if (!counter || !seed)
    return nullptr; // the caller reported why
  Attrs attrs;
  attrs.set("p", n->attrs().getFloat("p"));
  std::string name =
      n->name().empty() ? "dropout#" + std::to_string(ordinal) : n->name();
  attrs.set("key", int64_t(dropoutKey(name)));
  return built(buildBroadcasting(g, OpKind::DropoutTrain,
                                 {n->operand(0), counter, seed},
                                 std::move(attrs), n->loc()));
}

Node *identity(Graph &, Node *n, const ModeInputs &, int) {
  return n->operand(0);
}

/// Builds batch_norm's forms at the node's location, in x's dtype.
class BatchNormForm {
public:
  BatchNormForm(Graph &g, Node *n) : g_(g), n_(n), loc_(n->loc()) {
    const Shape &shape = n->operand(0)->shape();
    channelShape_.assign(shape.size(), 1);
    channelShape_[1] = shape[1];
    for (int64_t d = 0; d < int64_t(shape.size()); ++d)
      if (d != 1) {
        others_.push_back(d);
        count_ *= shape[size_t(d)];
      }
  }

  Node *x() const { return n_->operand(0); }
  Node *operand(size_t i) const { return n_->operand(i); }
  double attr(const char *name) const { return n_->attrs().getFloat(name); }
  /// Elements per channel.
  int64_t count() const { return count_; }

  Node *op(OpKind op, std::vector<Node *> operands, Attrs attrs = {}) {
    return built(
        buildBroadcasting(g_, op, std::move(operands), std::move(attrs), loc_));
  }
  Node *scalar(double v) { return buildScalar(g_, v, x()->dtype(), loc_); }
  /// A [C] value spread over x's shape along axis 1 (plain broadcasting
  /// would align C with the last axis).
  Node *perChannel(Node *v) {
    Node *r = built(buildNode(g_, OpKind::Reshape, {v},
                              attrsWith("shape", channelShape_), loc_));
    return built(broadcastTo(g_, r, x()->shape(), loc_));
  }
  /// The mean over every axis but 1: [C].
  Node *channelMean(Node *v) {
    Attrs a = attrsWith("axes", others_);
    a.set("keepdims", false);
    return built(buildNode(g_, OpKind::ReduceMean, {v}, std::move(a), loc_));
  }
  /// x − mean, from a [C] mean.
  Node *centre(Node *mean) { return op(OpKind::Sub, {x(), perChannel(mean)}); }
  /// (x − mean)·γ/√(var + eps) + β, from x − mean and a [C] variance; the
  /// scale is computed per channel, then spread.
  Node *normalise(Node *centred, Node *var) {
    Node *invStd =
        op(OpKind::Rsqrt, {op(OpKind::Add, {var, scalar(attr("eps"))})});
    Node *scale = op(OpKind::Mul, {operand(1), invStd});
    return op(OpKind::Add, {op(OpKind::Mul, {centred, perChannel(scale)}),
                            perChannel(operand(2))});
  }
  /// (1 − momentum)·running + momentum·batch, assigned to `running`.
  void updateRunning(Node *running, Node *batch) {
    double m = attr("momentum");
    Node *next = op(OpKind::Add, {op(OpKind::Mul, {running, scalar(1 - m)}),
                                  op(OpKind::Mul, {batch, scalar(m)})});
    std::string name = running->name() + ".next";
    if (!running->name().empty() && !g_.findByName(name))
      next->setName(std::move(name));
    g_.updates().push_back({running, next});
  }

private:
  static Attrs attrsWith(const char *name, std::vector<int64_t> values) {
    Attrs a;
    a.set(name, std::move(values));
    return a;
  }

  Graph &g_;
  Node *n_;
  SourceLoc loc_;
  Shape channelShape_;
  std::vector<int64_t> others_;
  int64_t count_ = 1;
};

/// PyTorch's training mode: normalised with the batch's mean and biased
/// variance; the running statistics move towards the batch's mean and
/// UNBIASED variance (count/(count − 1) times the biased one).
Node *batchNormTrain(Graph &g, Node *n, const ModeInputs &, int) {
  BatchNormForm f(g, n);
  Node *mean = f.channelMean(f.x());
  Node *centred = f.centre(mean);
  Node *var = f.channelMean(f.op(OpKind::Square, {centred}));
  // One element per channel has no unbiased variance; PyTorch refuses such
  // a batch in training, here the running variance becomes inf or NaN.
  double unbias = double(f.count()) / double(f.count() - 1);
  f.updateRunning(f.operand(3), mean);
  f.updateRunning(f.operand(4), f.op(OpKind::Mul, {var, f.scalar(unbias)}));
  return f.normalise(centred, var);
}

/// Evaluation: normalised with the running statistics.
Node *batchNormEval(Graph &g, Node *n, const ModeInputs &, int) {
  BatchNormForm f(g, n);
  return f.normalise(f.centre(f.operand(3)), f.operand(4));
}

/// The table: every op with the ModeDependent trait has a row.
const ModeForms *formsOf(OpKind op) {
  static const ModeForms dropout{dropoutTrain, identity};
  static const ModeForms batchNorm{batchNormTrain, batchNormEval};
  switch (op) {
  case OpKind::Dropout:
    return &dropout;
  case OpKind::BatchNorm:
    return &batchNorm;
  default:
    return nullptr;
  }
}

} // namespace

uint32_t dropoutKey(std::string_view name) {
  uint64_t h = rt::streamOf(name);
  return uint32_t(h ^ (h >> 32));
}

bool specializeForMode(Graph &g, Mode mode, const ModeInputs &inputs) {
  // Composites mean the same in both modes, but their expansions may hold
  // mode-dependent ops, so they go first.
  bool expanded = expandComposites(g);
  std::vector<Node *> dependent;
  for (Node *n : g)
    if (n->hasTrait(OpTrait::ModeDependent))
      dependent.push_back(n);
  if (dependent.empty())
    return expanded;
  std::vector<int> unnamed(kNumOps, 0);
  for (Node *n : dependent) {
    InternalContext ctx("ModeSpecialization", n, describeNode);
    const ModeForms *forms = formsOf(n->op());
    VOSKHOD_CHECK(forms) << "mode-dependent op without train and eval forms";
    int ordinal = n->name().empty() ? unnamed[size_t(n->op())]++ : 0;
    Node *form = (mode == Mode::Train ? forms->train
                                      : forms->eval)(g, n, inputs, ordinal);
    if (!form)
      return false;
    g.replaceAllUsesWith(n, form);
    // The new node prints under the old one's name.
    if (form != n->operand(0) && form->name().empty() && !n->name().empty()) {
      std::string name = n->name();
      n->setName("");
      form->setName(std::move(name));
    }
  }
  g.sortAndPrune();
  return true;
}

} // namespace voskhod::training
