//===- frontend/nn/Linear.cpp - the fully connected layer -----------------===//
#include "frontend/nn/Linear.h"

namespace voskhod::nn {

Linear::Linear(Graph &g, int64_t inFeatures, int64_t outFeatures,
               LinearOptions options, CallSite site) {
  weight_ = registerParameter(
      g, "weight", ir::TensorType{options.dtype, {inFeatures, outFeatures}},
      options.weightInit, site);
  if (options.bias)
    bias_ = registerParameter(g, "bias",
                              ir::TensorType{options.dtype, {outFeatures}},
                              options.biasInit, site);
}

Tensor Linear::forward(const Tensor &x) {
  // The parser builds `add (matmul %x, %w), %b` the same way: the bias
  // broadcasts over the batch as an explicit node.
  Tensor y = x.matmul(weight_, false, false, callSite());
  if (bias_.valid())
    y = Located<Tensor>(y, callSite()) + bias_;
  return y;
}

} // namespace voskhod::nn
