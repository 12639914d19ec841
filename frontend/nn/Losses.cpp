//===- frontend/nn/Losses.cpp - the loss ops ------------------------------===//
#include "frontend/nn/Losses.h"

#include "frontend/GraphState.h"

namespace voskhod::nn {

Tensor softmaxCrossEntropy(const Tensor &logits, const Tensor &labels,
                           CallSite site) {
  return detail::buildOp(ir::OpKind::SoftmaxCrossEntropy, {logits, labels}, {},
                         site);
}
Tensor sigmoidCrossEntropy(const Tensor &logits, const Tensor &targets,
                           CallSite site) {
  return detail::buildOp(ir::OpKind::SigmoidCrossEntropy, {logits, targets}, {},
                         site);
}
Tensor mseLoss(const Tensor &prediction, const Tensor &target, CallSite site) {
  return detail::buildOp(ir::OpKind::MseLoss, {prediction, target}, {}, site);
}
Tensor l1Loss(const Tensor &prediction, const Tensor &target, CallSite site) {
  return detail::buildOp(ir::OpKind::L1Loss, {prediction, target}, {}, site);
}

} // namespace voskhod::nn
