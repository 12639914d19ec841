//===- compiler/training/LrScheduling.cpp - schedules as graph ops --------===//
#include "compiler/training/LrScheduling.h"

#include "support/InternalCheck.h"

#include <numbers>
#include <vector>

namespace voskhod::training {
using namespace ir;

namespace {

using K = LrScheduleKind;

/// lr (and momentum) of one schedule at local step `t`.
struct At {
  Node *lr;
  Node *momentum;
};

/// Anneals from `start` to `end` as pct goes 0 → 1, OneCycleLR's two ways
/// and in its order of operations.
Node *anneal(UpdateMath &m, bool cosine, Node *start, Node *end, Node *pct) {
  if (cosine) {
    // end + (start − end) / 2 · (cos(π pct) + 1)
    Node *c = m.add(m.cos(m.mul(pct, std::numbers::pi)), 1.0);
    return m.add(end, m.mul(m.div(m.sub(start, end), m.constant(2.0)), c));
  }
  // (end − start) · pct + start
  return m.add(m.mul(m.sub(end, start), pct), start);
}

At oneCycle(const LrSchedule &s, UpdateMath &m, Node *t) {
  Node *maxLr = s.settings.has("max_lr") ? m.constant(lrNumber(s, "max_lr"))
                                         : m.baseHparam("lr");
  Node *initial = m.div(maxLr, m.constant(lrNumber(s, "div_factor")));
  Node *minLr = m.div(initial, m.constant(lrNumber(s, "final_div_factor")));
  double total = lrNumber(s, "total_steps"), pct = lrNumber(s, "pct_start");
  Node *baseM = m.constant(lrNumber(s, "base_momentum"));
  Node *maxM = m.constant(lrNumber(s, "max_momentum"));
  struct Phase {
    double end;
    Node *lrFrom, *lrTo, *mFrom, *mTo;
  };
  std::vector<Phase> phases;
  if (lrBool(s, "three_phase"))
    phases = {{pct * total - 1, initial, maxLr, maxM, baseM},
              {2 * pct * total - 2, maxLr, initial, baseM, maxM},
              {total - 1, initial, minLr, maxM, maxM}};
  else
    phases = {{pct * total - 1, initial, maxLr, maxM, baseM},
              {total - 1, maxLr, minLr, baseM, maxM}};
  bool cosine = lrChoice(s, "anneal_strategy") == "cos";
  bool cycle = lrBool(s, "cycle_momentum");
  // Phase i covers start_i < t <= end_i (the first from 0, the last
  // without end); pct = (t − start) / (end − start).
  std::vector<At> values;
  double start = 0;
  for (const Phase &p : phases) {
    Node *pc = m.div(m.sub(t, m.constant(start)), m.constant(p.end - start));
    values.push_back({anneal(m, cosine, p.lrFrom, p.lrTo, pc),
                      cycle ? anneal(m, cosine, p.mFrom, p.mTo, pc) : nullptr});
    start = p.end;
  }
  At r = values.back();
  for (size_t i = phases.size() - 1; i-- > 0;) {
    Node *bound = m.constant(phases[i].end);
    r.lr = m.select(t, bound, r.lr, values[i].lr);
    if (cycle)
      r.momentum = m.select(t, bound, r.momentum, values[i].momentum);
  }
  return r;
}

At scheduleAt(const LrSchedule &s, UpdateMath &m, Node *t,
              std::string_view momentumName) {
  Node *base = m.baseHparam("lr");
  auto k = [&](std::string_view name) { return m.constant(lrNumber(s, name)); };
  switch (s.kind) {
  case K::Constant:
    // t < total_iters ? base · factor : base
    return {m.select(k("total_iters"), t, m.mul(base, k("factor")), base),
            nullptr};
  case K::Step:
    return {m.mul(base, m.pow(k("gamma"), m.floor(m.div(t, k("step_size"))))),
            nullptr};
  case K::MultiStep: {
    // Milestones are whole steps: t >= m is t > m − 1/2.
    Node *count = m.constant(0.0);
    for (int64_t milestone : lrList(s, "milestones"))
      count = m.add(count, m.select(t, m.constant(double(milestone) - 0.5),
                                    m.constant(1.0), m.constant(0.0)));
    return {m.mul(base, m.pow(k("gamma"), count)), nullptr};
  }
  case K::Exponential:
    return {m.mul(base, m.pow(k("gamma"), t)), nullptr};
  case K::Cosine: {
    // eta_min + (base − eta_min) · (1 + cos(π t / t_max)) / 2
    Node *angle = m.div(m.mul(t, std::numbers::pi), k("t_max"));
    Node *wave = m.add(m.constant(1.0), m.cos(angle));
    Node *etaMin = k("eta_min");
    return {
        m.add(etaMin, m.div(m.mul(m.sub(base, etaMin), wave), m.constant(2.0))),
        nullptr};
  }
  case K::Linear: {
    // base · (start + (end − start) · min(total, t) / total)
    Node *total = k("total_iters");
    Node *slope = m.sub(k("end_factor"), k("start_factor"));
    Node *f = m.add(k("start_factor"),
                    m.div(m.mul(slope, m.minimum(total, t)), total));
    return {m.mul(base, f), nullptr};
  }
  case K::OneCycle:
    return oneCycle(s, m, t);
  case K::Sequential: {
    std::vector<int64_t> milestones = lrList(s, "milestones");
    VOSKHOD_CHECK(milestones.size() + 1 == s.children.size())
        << "sequential schedule left unchecked";
    At r = scheduleAt(s.children.back(), m,
                      m.sub(t, m.constant(double(milestones.back()))),
                      momentumName);
    for (size_t i = milestones.size(); i-- > 0;) {
      Node *local = i ? m.sub(t, m.constant(double(milestones[i - 1]))) : t;
      At here = scheduleAt(s.children[i], m, local, momentumName);
      Node *bound = m.constant(double(milestones[i]) - 0.5);
      r.lr = m.select(t, bound, r.lr, here.lr);
      // A one_cycle inside sets momentum only while it runs; outside it the
      // rule's own value holds (PyTorch would keep the last value set).
      auto own = [&](Node *x) { return x ? x : m.baseHparam(momentumName); };
      if (r.momentum || here.momentum)
        r.momentum = m.select(t, bound, own(r.momentum), own(here.momentum));
    }
    return r;
  }
  }
  VOSKHOD_UNREACHABLE("unknown schedule kind");
  return {nullptr, nullptr};
}

} // namespace

bool cyclesMomentum(const LrSchedule &s) {
  if (s.kind == K::OneCycle)
    return lrBool(s, "cycle_momentum");
  for (const LrSchedule &c : s.children)
    if (cyclesMomentum(c))
      return true;
  return false;
}

Expected<std::string_view> cycledMomentumName(OptimizerKind optimizer,
                                              const Attrs &settings) {
  switch (optimizer) {
  case OptimizerKind::Sgd:
  case OptimizerKind::Rmsprop:
    if (settings.getFloat("momentum") == 0)
      return makeError(
          "one_cycle cycles momentum (cycle_momentum = true, PyTorch's "
          "default) but '" +
          std::string(optimizerName(optimizer)) +
          "' has momentum = 0; give it momentum > 0 or set cycle_momentum "
          "= false");
    return std::string_view("momentum");
  case OptimizerKind::Adam:
  case OptimizerKind::AdamW:
    return std::string_view("beta1");
  case OptimizerKind::Adagrad:
    break;
  }
  return makeError("one_cycle cycles momentum (cycle_momentum = true, "
                   "PyTorch's default) but '" +
                   std::string(optimizerName(optimizer)) +
                   "' has none; set cycle_momentum = false");
}

ScheduledHparams buildLrSchedule(const LrSchedule &s, UpdateMath &m,
                                 std::string_view momentumName) {
  At at = scheduleAt(s, m, m.stepsDone(), momentumName);
  ScheduledHparams out{at.lr, at.momentum, momentumName};
  if (!out.momentum)
    out.momentumName = {};
  return out;
}

} // namespace voskhod::training
