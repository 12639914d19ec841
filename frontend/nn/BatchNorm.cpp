//===- frontend/nn/BatchNorm.cpp - batch normalisation as a layer ---------===//
#include "frontend/nn/BatchNorm.h"

#include "frontend/Initializers.h"

namespace voskhod::nn {

BatchNorm::BatchNorm(Graph &g, int64_t channels, BatchNormOptions options,
                     CallSite site)
    : graph_(&g), channels_(channels), options_(options), site_(site) {}

void BatchNorm::createParameters() {
  ir::TensorType type{options_.dtype, {channels_}};
  weight_ = registerParameter(*graph_, "weight", type, init::ones(), site_);
  bias_ = registerParameter(*graph_, "bias", type, init::zeros(), site_);
  auto state = [&](const std::string &name, InitSpec init) {
    std::string unique = name;
    for (int n = 1; graph_->irGraph().findByName(unique); ++n)
      unique = name + "_" + std::to_string(n);
    return graph_->state(unique, type, init, site_);
  };
  runningMean_ = state("running_mean", init::zeros());
  runningVar_ = state("running_var", init::ones());
}

const Tensor &BatchNorm::weight() {
  ensureParameters();
  return weight_;
}
const Tensor &BatchNorm::bias() {
  ensureParameters();
  return bias_;
}
const Tensor &BatchNorm::runningMean() {
  ensureParameters();
  return runningMean_;
}
const Tensor &BatchNorm::runningVar() {
  ensureParameters();
  return runningVar_;
}

Tensor BatchNorm::forward(const Tensor &x) {
  ensureParameters();
  return batchNorm(x, weight_, bias_, runningMean_, runningVar_,
                   options_.momentum, options_.eps, callSite());
}

} // namespace voskhod::nn
