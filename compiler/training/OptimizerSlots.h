//===- compiler/training/OptimizerSlots.h - per-parameter optimiser state -===//
///
/// Which state tensors ("slots") an optimiser keeps for each parameter, under
/// PyTorch's state names, and how each starts. A slot becomes a `state` leaf
/// named `<param>.<slot>` of the parameter's type in the training-step graph,
/// so checkpoints and the runtime find it by name. Slots a setting makes
/// unnecessary are not created (no momentum buffer when momentum is 0, as in
/// PyTorch).
///
/// Run-time hyperparameters (optimizerHparams) are not slots either: one
/// scalar each for the whole graph.
///
/// The step counter is not a slot: it is one scalar for the whole graph,
/// `kStepCounterName`, kept as f32 like PyTorch's `state["step"]`.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Attributes.h"
#include "compiler/ir/Optimizer.h"
#include "initialisers/Init.h"

#include <string_view>
#include <vector>

namespace voskhod::training {

/// The training step's step-counter state leaf: the number of steps done.
inline constexpr std::string_view kStepCounterName = "step";

struct SlotSpec {
  std::string_view name; // PyTorch's state name, e.g. "exp_avg"
  InitSpec init;
};

/// The slots of `optimizer` with the given (complete) settings, in the order
/// they are created for each parameter.
std::vector<SlotSpec> optimizerSlots(ir::OptimizerKind optimizer,
                                     const ir::Attrs &settings);

/// The settings of `optimizer` its update rule computes with, in
/// Optimizers.def's order: each becomes a scalar state leaf of the step, a
/// run-time hyperparameter (support/Hyperparameters.h). Left out: boolean
/// settings (they choose terms), `initial_accumulator_value` (it only
/// starts a slot), and a weight decay, momentum, dampening or learning-rate
/// decay that is 0, whose term the rule does not build (PyTorch skips it
/// too), so that setting it at run time cannot silently do nothing.
std::vector<std::string_view> optimizerHparams(ir::OptimizerKind optimizer,
                                               const ir::Attrs &settings);

} // namespace voskhod::training
