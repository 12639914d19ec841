//===- frontend/LrSchedules.cpp - schedule aggregates to the IR -----------===//
#include "frontend/LrSchedules.h"

#include <cmath>

namespace voskhod::optim {
namespace {

using K = ir::LrScheduleKind;

ir::LrSchedule make(K kind) {
  ir::LrSchedule s;
  s.kind = kind;
  return s;
}

/// Sets `name` unless `v` is unset, so that checkLrSchedule reports a
/// required setting left out as missing.
void number(ir::LrSchedule &s, std::string_view name, double v) {
  if (!std::isnan(v))
    s.settings.set(name, v);
}

ir::LrSchedule lower(const ConstantLR &c) {
  ir::LrSchedule s = make(K::Constant);
  number(s, "factor", c.factor);
  number(s, "total_iters", double(c.totalIters));
  return s;
}
ir::LrSchedule lower(const StepLR &c) {
  ir::LrSchedule s = make(K::Step);
  number(s, "step_size", double(c.stepSize));
  number(s, "gamma", c.gamma);
  return s;
}
ir::LrSchedule lower(const MultiStepLR &c) {
  ir::LrSchedule s = make(K::MultiStep);
  s.settings.set("milestones", c.milestones);
  number(s, "gamma", c.gamma);
  return s;
}
ir::LrSchedule lower(const ExponentialLR &c) {
  ir::LrSchedule s = make(K::Exponential);
  number(s, "gamma", c.gamma);
  return s;
}
ir::LrSchedule lower(const CosineAnnealingLR &c) {
  ir::LrSchedule s = make(K::Cosine);
  number(s, "t_max", c.tMax);
  number(s, "eta_min", c.etaMin);
  return s;
}
ir::LrSchedule lower(const LinearLR &c) {
  ir::LrSchedule s = make(K::Linear);
  number(s, "start_factor", c.startFactor);
  number(s, "end_factor", c.endFactor);
  number(s, "total_iters", double(c.totalIters));
  return s;
}
ir::LrSchedule lower(const OneCycleLR &c) {
  ir::LrSchedule s = make(K::OneCycle);
  if (c.maxLr)
    number(s, "max_lr", *c.maxLr);
  number(s, "total_steps", double(c.totalSteps));
  number(s, "pct_start", c.pctStart);
  s.settings.set("anneal_strategy", c.annealStrategy);
  s.settings.set("cycle_momentum", c.cycleMomentum);
  number(s, "base_momentum", c.baseMomentum);
  number(s, "max_momentum", c.maxMomentum);
  number(s, "div_factor", c.divFactor);
  number(s, "final_div_factor", c.finalDivFactor);
  s.settings.set("three_phase", c.threePhase);
  return s;
}
ir::LrSchedule lower(const SequentialLR &c) {
  ir::LrSchedule s = make(K::Sequential);
  s.settings.set("milestones", c.milestones);
  for (const Schedule &child : c.schedulers)
    s.children.push_back(toIR(child));
  return s;
}

} // namespace

ir::LrSchedule toIR(const Schedule &schedule) {
  return std::visit([](const auto &s) { return lower(s); }, schedule);
}

} // namespace voskhod::optim
