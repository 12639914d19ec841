//===- frontend/Optimizers.cpp - optimiser specs to IR settings -----------===//
#include "frontend/Optimizers.h"

namespace voskhod::optim {
namespace {

IRSpec lower(const SGD &o) {
  ir::Attrs s;
  s.set("lr", o.lr);
  s.set("momentum", o.momentum);
  s.set("dampening", o.dampening);
  s.set("nesterov", o.nesterov);
  s.set("weight_decay", o.weightDecay);
  return {ir::OptimizerKind::Sgd, std::move(s)};
}

IRSpec lower(const Adagrad &o) {
  ir::Attrs s;
  s.set("lr", o.lr);
  s.set("lr_decay", o.lrDecay);
  s.set("weight_decay", o.weightDecay);
  s.set("initial_accumulator_value", o.initialAccumulatorValue);
  s.set("eps", o.eps);
  return {ir::OptimizerKind::Adagrad, std::move(s)};
}

IRSpec lower(const RMSProp &o) {
  ir::Attrs s;
  s.set("lr", o.lr);
  // With the alias given, alpha is set only when it was given too, so that
  // setMinimize reports the setting given twice.
  if (!o.rho || o.alpha != RMSProp{}.alpha)
    s.set("alpha", o.alpha);
  if (o.rho)
    s.set("rho", *o.rho);
  s.set("eps", o.eps);
  s.set("weight_decay", o.weightDecay);
  s.set("momentum", o.momentum);
  s.set("centered", o.centered);
  return {ir::OptimizerKind::Rmsprop, std::move(s)};
}

/// Adam and AdamW differ only in how the IR treats weight_decay.
template <typename AdamLike>
IRSpec lowerAdam(const AdamLike &o, ir::OptimizerKind kind) {
  ir::Attrs s;
  s.set("lr", o.lr);
  s.set("beta1", o.betas[0]);
  s.set("beta2", o.betas[1]);
  s.set("eps", o.eps);
  s.set("weight_decay", o.weightDecay);
  s.set("amsgrad", o.amsgrad);
  return {kind, std::move(s)};
}

IRSpec lower(const Adam &o) { return lowerAdam(o, ir::OptimizerKind::Adam); }
IRSpec lower(const AdamW &o) { return lowerAdam(o, ir::OptimizerKind::AdamW); }

} // namespace

IRSpec toIR(const Spec &spec) {
  return std::visit([](const auto &o) { return lower(o); }, spec);
}

ir::GradClip toIR(const Clip &clip) {
  if (const auto *norm = std::get_if<ClipGradNorm>(&clip))
    return {ir::GradClipKind::Norm, norm->maxNorm, norm->normType, {}};
  return {
      ir::GradClipKind::Value, std::get<ClipGradValue>(clip).clipValue, 2, {}};
}

} // namespace voskhod::optim
