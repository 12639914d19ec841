//===- compiler/training/GradAccumulation.h - k micro-batches per update --===//
///
/// `accumulate = k`: each call of the step is one micro-batch. The step keeps
/// `step.micro`, the micro-batches done since the last update (f32, like the
/// step counter), and per parameter `<param>.grad_sum`, the sum of their
/// gradients. On the k-th micro-batch the update runs with the mean
/// (grad_sum + grad) / k, which is the gradient of the mean loss over the k·B
/// examples when each micro-batch's loss is a mean over B; on the others
/// the parameters, the optimiser's slots and the step counter keep their
/// values. The step is one graph either way: every update is a select on
/// "this micro-batch ends an accumulation", a scalar the fused update
/// kernels read, so nothing is recompiled or re-launched per phase.
///
/// The step counter counts updates, as PyTorch's `state["step"]` does, so
/// Adam's bias corrections and learning-rate schedules see the same step
/// numbers with or without accumulation.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/training/UpdateMath.h"
#include "support/Hyperparameters.h"

#include <string_view>

namespace voskhod::training {

/// The state leaf counting micro-batches since the last update.
inline constexpr std::string_view kMicroStepName = kMicroStepTensor;
/// The slot suffix of a parameter's gradient sum: `<param>.grad_sum`.
inline constexpr std::string_view kGradSumSlot = "grad_sum";

class GradAccumulation {
public:
  /// `micro` is the `step.micro` leaf; `math` builds the f32 bookkeeping.
  GradAccumulation(UpdateMath &math, ir::Node *micro, int64_t steps);

  /// The gradient the update uses, (sum + grad) / k in `m`'s dtype; the
  /// sum's next value is sumNext(sum).
  ir::Node *meanGradient(UpdateMath &m, ir::Node *sum, ir::Node *grad);
  /// What `sum` holds after this micro-batch: zero after an update, else
  /// sum + grad.
  ir::Node *sumNext(UpdateMath &m, ir::Node *sum, ir::Node *grad);
  /// `next` when this micro-batch ends an accumulation, else `current`.
  ir::Node *onUpdate(UpdateMath &m, ir::Node *next, ir::Node *current);
  /// `step.micro` after this micro-batch: 0 after an update, else + 1.
  ir::Node *microNext();

private:
  /// micro + 1, the micro-batches done including this one (f32).
  ir::Node *count();
  ir::Node *sum(UpdateMath &m, ir::Node *sum, ir::Node *grad);

  UpdateMath &math_;
  ir::Node *micro_;
  int64_t steps_;
};

} // namespace voskhod::training
