//===- frontend/nn/Regularizers.cpp - L1 and L2 penalties -----------------===//
#include "frontend/nn/Regularizers.h"

#include "frontend/GraphState.h"

namespace voskhod::nn {

/// λ · Σ_p Σ elementwise(p).
static Tensor penalty(const std::vector<Tensor> &params, double lambda,
                      bool squared, const CallSite &site) {
  if (params.empty())
    return Tensor();
  Tensor total;
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor &p = params[i];
    Tensor term = (squared ? p.square(site) : p.abs(site)).sum({}, false, site);
    total = i == 0 ? term : Located<Tensor>(total, site) + term;
  }
  return Located<Tensor>(total, site) * lambda;
}

Tensor l1Penalty(const std::vector<Tensor> &params, double lambda,
                 CallSite site) {
  return penalty(params, lambda, false, site);
}

Tensor l2Penalty(const std::vector<Tensor> &params, double lambda,
                 CallSite site) {
  return penalty(params, lambda, true, site);
}

} // namespace voskhod::nn
