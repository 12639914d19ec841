//===- frontend/nn/LayerNorm.cpp - layer normalisation as a layer ---------===//
#include "frontend/nn/LayerNorm.h"

#include "frontend/Initializers.h"

namespace voskhod::nn {

LayerNorm::LayerNorm(Graph &g, std::vector<int64_t> normalisedShape,
                     LayerNormOptions options, CallSite site)
    : graph_(&g), shape_(std::move(normalisedShape)), options_(options),
      site_(site) {}

void LayerNorm::createParameters() {
  ir::TensorType type{options_.dtype, shape_};
  weight_ = registerParameter(*graph_, "weight", type, init::ones(), site_);
  bias_ = registerParameter(*graph_, "bias", type, init::zeros(), site_);
}

const Tensor &LayerNorm::weight() {
  ensureParameters();
  return weight_;
}
const Tensor &LayerNorm::bias() {
  ensureParameters();
  return bias_;
}

Tensor LayerNorm::forward(const Tensor &x) {
  ensureParameters();
  std::vector<int64_t> axes;
  for (size_t i = shape_.size(); i > 0; --i)
    axes.push_back(-int64_t(i));
  return layerNorm(x, weight_, bias_, std::move(axes), options_.eps,
                   callSite());
}

} // namespace voskhod::nn
