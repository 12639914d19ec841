//===- compiler/training/GradClipping.h - clip gradients before the update ===//
///
/// PyTorch's gradient clipping written as graph ops between the gradients
/// and the update rule, operation for operation:
///
///   clip_grad_norm_   ‖g‖ = the norm (2 or inf) of every gradient's norm;
///                     c = max_norm / (‖g‖ + 1e-6); g ·= min(c, 1)
///   clip_grad_value_  g = min(max(g, −clip_value), clip_value)
///
/// The limit (max_norm or clip_value) is a run-time hyperparameter of the
/// step (support/Hyperparameters.h), like the update rule's settings. The
/// norm is computed per gradient in its dtype and combined in `total`'s (the
/// hyperparameters' dtype); a NaN or infinite gradient makes every clipped
/// gradient NaN, as in PyTorch. It does not skip a step or report the norm.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"
#include "compiler/training/UpdateMath.h"

#include <functional>
#include <vector>

namespace voskhod::training {

/// The gradients after `clip`, in the order given.
std::vector<ir::Node *>
clipGradients(const ir::GradClip &clip, const std::vector<ir::Node *> &grads,
              UpdateMath &total,
              const std::function<UpdateMath &(ir::DType)> &mathFor);

/// The hyperparameter that holds `clip`'s limit: max_norm or clip_value.
const char *gradClipHparam(const ir::GradClip &clip);

} // namespace voskhod::training
