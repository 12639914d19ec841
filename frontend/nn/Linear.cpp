//===- frontend/nn/Linear.cpp - the fully connected layer -----------------===//
#include "frontend/nn/Linear.h"

namespace voskhod::nn {

Linear::Linear(Graph &g, int64_t inFeatures, int64_t outFeatures,
               LinearOptions options, CallSite site)
    : graph_(&g), inFeatures_(inFeatures), outFeatures_(outFeatures),
      options_(options), site_(site) {}

void Linear::createParameters() {
  weight_ = registerParameter(
      *graph_, "weight",
      ir::TensorType{options_.dtype, {inFeatures_, outFeatures_}},
      options_.weightInit, site_);
  if (options_.bias)
    bias_ = registerParameter(*graph_, "bias",
                              ir::TensorType{options_.dtype, {outFeatures_}},
                              options_.biasInit, site_);
}

const Tensor &Linear::weight() {
  ensureParameters();
  return weight_;
}

const Tensor &Linear::bias() {
  ensureParameters();
  return bias_;
}

Tensor Linear::forward(const Tensor &x) {
  ensureParameters();
  // The parser builds `add (matmul %x, %w), %b` the same way: the bias
  // broadcasts over the batch as an explicit node.
  Tensor y = x.matmul(weight_, false, false, callSite());
  if (bias_.valid())
    y = Located<Tensor>(y, callSite()) + bias_;
  return y;
}

} // namespace voskhod::nn
