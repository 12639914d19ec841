//===- compiler/training/UpdateRules.cpp - one update rule per optimiser --===//
#include "compiler/training/UpdateRules.h"

#include "support/InternalCheck.h"

namespace voskhod::training {
using namespace ir;

Node *ParamUpdate::slot(std::string_view name) const {
  for (const auto &[slotName, leaf] : slots_)
    if (slotName == name)
      return leaf;
  VOSKHOD_UNREACHABLE("update rule asked for a slot its optimiser lacks");
  return nullptr;
}

void ParamUpdate::setSlot(std::string_view name, Node *next) {
  VOSKHOD_CHECK(slot(name)) << "update rule set a slot its optimiser lacks";
  nextSlots_.push_back({name, next});
}

/// PyTorch's L2 penalty folded into the gradient: g + wd·p. A weight decay
/// of 0 when compiled builds no term (and no `hparam.weight_decay`).
static Node *withWeightDecay(ParamUpdate &u) {
  if (u.setting("weight_decay") == 0)
    return u.grad();
  return u.math.add(u.grad(), u.math.mul(u.param(), u.hparam("weight_decay")));
}

/// `decay·state + (1 − decay)·value`, PyTorch's running averages, with
/// `decay` the hyperparameter of that name.
static Node *runningAverage(UpdateMath &m, Node *state, std::string_view decay,
                            Node *value) {
  return m.add(m.mul(state, m.hparam(decay)),
               m.mul(value, m.oneMinusHparam(decay)));
}

static Node *sgd(ParamUpdate &u) {
  UpdateMath &m = u.math;
  Node *g = withWeightDecay(u);
  Node *direction = g;
  if (u.setting("momentum") != 0) {
    Node *momentum = u.hparam("momentum");
    // The buffer starts at zero, so μ·b + g is exactly g on the first step;
    // only dampening needs the first step told apart.
    Node *fresh = g;
    if (u.setting("dampening") != 0) {
      Node *scale = m.shared("sgd.dampening", [&] {
        return m.select(m.stepsDone(), m.constant(0),
                        m.oneMinusHparam("dampening"), m.constant(1));
      });
      fresh = m.mul(g, scale);
    }
    Node *buffer = m.add(m.mul(u.slot("momentum_buffer"), momentum), fresh);
    u.setSlot("momentum_buffer", buffer);
    direction = u.flag("nesterov") ? m.add(g, m.mul(buffer, momentum)) : buffer;
  }
  return m.sub(u.param(), m.mul(direction, u.hparam("lr")));
}

static Node *adagrad(ParamUpdate &u) {
  UpdateMath &m = u.math;
  Node *g = withWeightDecay(u);
  Node *lr = u.hparam("lr");
  if (u.setting("lr_decay") != 0)
    lr = m.shared("adagrad.lr", [&] {
      return m.div(lr, m.add(m.mul(m.stepsDone(), u.hparam("lr_decay")), 1.0));
    });
  Node *sum = m.add(u.slot("sum"), m.square(g));
  u.setSlot("sum", sum);
  Node *std = m.add(m.sqrt(sum), u.hparam("eps"));
  return m.sub(u.param(), m.mul(m.div(g, std), lr));
}

static Node *rmsprop(ParamUpdate &u) {
  UpdateMath &m = u.math;
  Node *g = withWeightDecay(u);
  Node *squareAvg =
      runningAverage(m, u.slot("square_avg"), "alpha", m.square(g));
  u.setSlot("square_avg", squareAvg);
  Node *variance = squareAvg;
  if (u.flag("centered")) {
    Node *gradAvg = runningAverage(m, u.slot("grad_avg"), "alpha", g);
    u.setSlot("grad_avg", gradAvg);
    variance = m.sub(squareAvg, m.square(gradAvg));
  }
  Node *denom = m.add(m.sqrt(variance), u.hparam("eps"));
  Node *direction = m.div(g, denom);
  if (u.setting("momentum") > 0) {
    direction = m.add(m.mul(u.slot("momentum_buffer"), u.hparam("momentum")),
                      direction);
    u.setSlot("momentum_buffer", direction);
  }
  return m.sub(u.param(), m.mul(direction, u.hparam("lr")));
}

/// Adam and AdamW differ only in where weight decay enters.
static Node *adamFamily(ParamUpdate &u, bool decoupled) {
  UpdateMath &m = u.math;
  Node *param = u.param();
  Node *g = u.grad();
  if (decoupled && u.setting("weight_decay") != 0)
    param = m.mul(param, m.shared("adamw.decay", [&] {
      return m.sub(1.0, m.mul(u.hparam("lr"), u.hparam("weight_decay")));
    }));
  else
    g = withWeightDecay(u);

  Node *expAvg = runningAverage(m, u.slot("exp_avg"), "beta1", g);
  Node *expAvgSq =
      runningAverage(m, u.slot("exp_avg_sq"), "beta2", m.square(g));
  u.setSlot("exp_avg", expAvg);
  u.setSlot("exp_avg_sq", expAvgSq);
  Node *secondMoment = expAvgSq;
  if (u.flag("amsgrad")) {
    secondMoment = m.maximum(u.slot("max_exp_avg_sq"), expAvgSq);
    u.setSlot("max_exp_avg_sq", secondMoment);
  }

  // Bias corrections are scalars of the step number, shared by every
  // parameter (a graph has one optimiser, so one set of settings).
  Node *stepSize = m.shared("adam.step_size", [&] {
    return m.div(u.hparam("lr"),
                 m.sub(1.0, m.pow(u.hparam("beta1"), m.stepNumber())));
  });
  Node *correction2 = m.shared("adam.sqrt_correction2", [&] {
    return m.sqrt(m.sub(1.0, m.pow(u.hparam("beta2"), m.stepNumber())));
  });
  Node *denom =
      m.add(m.div(m.sqrt(secondMoment), correction2), u.hparam("eps"));
  return m.sub(param, m.mul(m.div(expAvg, denom), stepSize));
}

Node *buildParamUpdate(OptimizerKind optimizer, ParamUpdate &u) {
  switch (optimizer) {
  case OptimizerKind::Sgd:
    return sgd(u);
  case OptimizerKind::Adagrad:
    return adagrad(u);
  case OptimizerKind::Rmsprop:
    return rmsprop(u);
  case OptimizerKind::Adam:
    return adamFamily(u, /*decoupled=*/false);
  case OptimizerKind::AdamW:
    return adamFamily(u, /*decoupled=*/true);
  }
  VOSKHOD_UNREACHABLE("optimizer without an update rule");
  return nullptr;
}

Status checkOptimizerSettings(OptimizerKind optimizer, const Attrs &settings) {
  switch (optimizer) {
  case OptimizerKind::Sgd:
    if (settings.getBool("nesterov") && (settings.getFloat("momentum") == 0 ||
                                         settings.getFloat("dampening") != 0))
      return makeError("sgd with nesterov = true needs momentum > 0 and "
                       "dampening = 0");
    break;
  case OptimizerKind::Adam:
  case OptimizerKind::AdamW:
    for (const char *beta : {"beta1", "beta2"})
      if (settings.getFloat(beta) >= 1)
        return makeError(std::string(optimizerName(optimizer)) + " needs " +
                         beta + " < 1, got " +
                         attrValueStr(settings.getFloat(beta)));
    break;
  case OptimizerKind::Adagrad:
  case OptimizerKind::Rmsprop:
    break;
  }
  return Status::ok();
}

} // namespace voskhod::training
