//===- compiler/training/LrScheduling.h - schedules as step-counter ops ---===//
///
/// A learning-rate schedule (ir::LrSchedule) as scalar graph ops of the step
/// counter, built once per step. The lr update t uses (t = steps done,
/// 0-based) is PyTorch's closed form at t, with base_lr the run-time `lr`
/// hyperparameter, so a run that sets lr scales the whole schedule:
///
///   constant     base · (t < total_iters ? factor : 1)
///   step         base · gamma^floor(t / step_size)
///   multi_step   base · gamma^(number of milestones <= t)
///   exponential  base · gamma^t
///   cosine       eta_min + (base − eta_min) (1 + cos(π t / t_max)) / 2
///   linear       base · (start + (end − start) · min(total_iters, t) /
///                total_iters)
///   one_cycle    OneCycleLR's phases, annealed by cos or linearly, from
///                max_lr / div_factor up to max_lr and down to
///                max_lr / div_factor / final_div_factor
///   sequential   schedule i at t − milestone i (each restarts at its
///                milestone, as SequentialLR's step(0) does)
///
/// PyTorch steps most schedulers recursively (lr ← lr · ratio); the closed
/// forms differ from that by rounding only. Past a one_cycle's total_steps
/// PyTorch raises; here the last phase's formula goes on (pct > 1).
///
/// one_cycle's cycle_momentum (PyTorch's default, true) is carried out: the
/// rule's momentum (sgd, rmsprop) or beta1 (adam, adamw) follows
/// max_momentum → base_momentum → max_momentum through the phases, through
/// the same hyperparameter mechanism as lr. PyTorch would cycle a momentum
/// of 0 too, turning momentum on; a rule built without momentum has no
/// momentum buffer here, so that case is an error, as it is for adagrad
/// (which PyTorch also rejects). The rule's own lr or momentum that
/// one_cycle overrides stays a hyperparameter of the step, with no effect.
/// A one_cycle inside a sequential drives momentum while it runs; outside
/// it the rule's own value holds, where PyTorch keeps the last value set.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"
#include "compiler/training/UpdateMath.h"
#include "support/Error.h"

#include <string_view>

namespace voskhod::training {

struct ScheduledHparams {
  ir::Node *lr = nullptr;
  /// one_cycle with cycle_momentum: the value of `momentumName`.
  ir::Node *momentum = nullptr;
  std::string_view momentumName;
};

/// The hyperparameter one_cycle's cycle_momentum drives for `optimizer`
/// ("momentum" or "beta1"), or an error saying why there is none.
Expected<std::string_view> cycledMomentumName(ir::OptimizerKind optimizer,
                                              const ir::Attrs &settings);

/// Whether `s` (or a schedule inside it) cycles momentum.
bool cyclesMomentum(const ir::LrSchedule &s);

/// `s`'s values at this step, in `m`'s dtype, with base lr
/// m.baseHparam("lr"). `momentumName` is cycledMomentumName's answer when
/// cyclesMomentum(s).
ScheduledHparams buildLrSchedule(const ir::LrSchedule &s, UpdateMath &m,
                                 std::string_view momentumName);

} // namespace voskhod::training
