//===- frontend/nn/Losses.h - the loss ops --------------------------------===//
///
/// Each is one node of the loss op of the same name (Ops.def), a scalar mean
/// over the batch as PyTorch's default `reduction='mean'`:
///   - softmaxCrossEntropy(logits [.., C], labels): i32 class indices of the
///     leading shape, or probabilities of the logits' type;
///   - sigmoidCrossEntropy(logits, targets in [0, 1]), numerically stable;
///   - mseLoss(prediction, target): mean of squared differences;
///   - l1Loss(prediction, target): mean of absolute differences.
/// Operands are not broadcast against each other beyond what the ops allow:
/// a mismatch is an error, not a silent reshaping of the target.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/Tensor.h"

namespace voskhod::nn {

Tensor softmaxCrossEntropy(const Tensor &logits, const Tensor &labels,
                           CallSite site = {});
Tensor sigmoidCrossEntropy(const Tensor &logits, const Tensor &targets,
                           CallSite site = {});
Tensor mseLoss(const Tensor &prediction, const Tensor &target,
               CallSite site = {});
Tensor l1Loss(const Tensor &prediction, const Tensor &target,
              CallSite site = {});

} // namespace voskhod::nn
