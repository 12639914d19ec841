//===- compiler/training/TrainStep.h - forward graph to training step -----===//
///
/// Turns a forward graph with a `minimize %loss using OPT {...}` clause into
/// one training-step graph
///
///     (params, optimiser slots, step counter, batch) -> (loss, params',
///     slots')
///
/// Steps: copy the forward graph, leaves first (its inputs, params and
/// states, then the new `state` leaves: the f32 step counter `step`, the
/// optimiser's run-time hyperparameters `hparam.<setting>`, scalars
/// initialised from the `minimize` clause (support/Hyperparameters.h,
/// optimizerHparams), and each parameter's slots `<param>.<slot>`,
/// OptimizerSlots.h); append the gradients of the loss with respect to
/// every parameter that the loss depends on (autodiff::appendGradients);
/// clip them when the clause asks (GradClipping.h, its limit one more
/// hyperparameter); append the optimiser's update (UpdateRules.h) and record
/// each `param'`, `slot'` and `step + 1` as an ir::Update (hyperparameters
/// have none: only the run changes them); return `[loss]`; drop what no
/// longer feeds the loss or an update. The graph is named `<forward>.step`
/// and carries no `minimize` clause (its optimiser is already in it). The
/// forward graph's own updates are kept; one that assigns a parameter is an
/// error, since the optimiser assigns every parameter.
///
/// A parameter the loss does not depend on gets no update and a warning, as
/// PyTorch skips a parameter whose gradient is None. The step counter is f32,
/// as PyTorch's `state["step"]`: it counts exactly up to 2^24 (16.7 million
/// steps), by which point Adam's bias corrections are 1 in any precision;
/// past it the counter stops, which only freezes Adagrad's learning-rate
/// decay.
///
/// It does not simplify (see passes/) and does not choose memory: that the
/// runtime may update params and slots in place follows from the updates.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Diagnostics.h"
#include "compiler/ir/Graph.h"

#include <memory>

namespace voskhod::training {

/// The training step of `forward`, or null after reporting to `diags` why
/// there is none.
std::unique_ptr<ir::Graph> buildTrainStep(const ir::Graph &forward,
                                          ir::DiagnosticEngine &diags);

} // namespace voskhod::training
