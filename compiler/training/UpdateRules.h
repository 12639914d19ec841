//===- compiler/training/UpdateRules.h - one update rule per optimiser ----===//
///
/// The update rules of Optimizers.def written as graph ops: given a
/// parameter, its gradient and its slots (OptimizerSlots.h), a rule builds
/// the parameter's next value and each slot's next value. The formulas are
/// PyTorch's (torch.optim, single-tensor code path) operation for operation,
/// so that a float64 step graph tracks PyTorch in float64 to rounding:
///
///   sgd      g += wd·p; b = μ·b + (1−τ)·g (b = g on the first step);
///            d = nesterov ? g + μ·b : b; p −= lr·d
///   adagrad  g += wd·p; s += g²; p −= lr/(1 + (t−1)·lr_decay) · g/(√s + ε)
///   rmsprop  g += wd·p; v = ρ·v + (1−ρ)·g²; centered: a = ρ·a + (1−ρ)·g,
///            v̄ = v − a²; d = √v̄ + ε; momentum: b = μ·b + g/d, p −= lr·b,
///            else p −= lr·g/d
///   adam     g += wd·p; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
///            amsgrad: v̂ = max(v̂, v); p −= lr/(1−β1ᵗ) · m/(√v/√(1−β2ᵗ) + ε)
///   adamw    as adam, but p ·= 1 − lr·wd first instead of g += wd·p
///
/// with t the step's 1-based number. Every scalar setting a rule computes
/// with is a run-time hyperparameter (support/Hyperparameters.h), read from
/// its state leaf; derived scalars (1 − β, 1 − lr·wd, the bias
/// corrections) are computed from it in the step's dtype, so a value set at
/// run time and the same value given in the graph run the same arithmetic.
/// Terms a zero setting makes vanish are not built, and then that setting
/// is no hyperparameter of the step (optimizerHparams in OptimizerSlots.h
/// says which are). Settings that contradict each other (Nesterov without
/// momentum) are rejected by `checkOptimizerSettings`, as PyTorch rejects
/// them.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"
#include "compiler/training/UpdateMath.h"
#include "support/Error.h"

#include <string_view>
#include <utility>
#include <vector>

namespace voskhod::training {

/// One parameter's update: what a rule reads and what it produces.
class ParamUpdate {
public:
  using Slots = std::vector<std::pair<std::string_view, ir::Node *>>;

  ParamUpdate(UpdateMath &math, const ir::Attrs &settings, ir::Node *param,
              ir::Node *grad, Slots slots)
      : math(math), settings_(settings), param_(param), grad_(grad),
        slots_(std::move(slots)) {}

  UpdateMath &math;

  ir::Node *param() const { return param_; }
  ir::Node *grad() const { return grad_; }
  /// A setting's value in the graph: what decides which terms a rule
  /// builds (a zero weight decay builds none), never a value it computes
  /// with.
  double setting(std::string_view name) const {
    return settings_.getFloat(name);
  }
  /// What a rule computes with: the setting as a run-time hyperparameter.
  ir::Node *hparam(std::string_view name) { return math.hparam(name); }
  bool flag(std::string_view name) const { return settings_.getBool(name); }

  /// The state leaf of slot `name`; the optimiser must have declared it.
  ir::Node *slot(std::string_view name) const;
  /// Records slot `name`'s value after the step.
  void setSlot(std::string_view name, ir::Node *next);
  /// Next values of the slots, in the order they were set.
  const Slots &nextSlots() const { return nextSlots_; }

private:
  const ir::Attrs &settings_;
  ir::Node *param_;
  ir::Node *grad_;
  Slots slots_;
  Slots nextSlots_;
};

/// Builds the update of `u`'s parameter, returning the parameter's next
/// value; slot values are recorded in `u`.
ir::Node *buildParamUpdate(ir::OptimizerKind optimizer, ParamUpdate &u);

/// Rejects settings PyTorch rejects, with a message for the user.
Status checkOptimizerSettings(ir::OptimizerKind optimizer,
                              const ir::Attrs &settings);

} // namespace voskhod::training
