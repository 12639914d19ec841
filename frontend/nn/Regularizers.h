//===- frontend/nn/Regularizers.h - L1 and L2 penalties on parameters -----===//
///
/// Penalties to add to a loss, built from ordinary graph ops so they
/// differentiate like the rest of it:
///   - l1Penalty(params, λ) = λ · Σ_p Σ |p|
///   - l2Penalty(params, λ) = λ · Σ_p Σ p²   (no ½: its gradient is 2λp, so it
///     matches an optimiser's `weightDecay = 2λ` under plain SGD)
/// Each parameter is reduced to a scalar, the scalars summed in the order
/// given, then scaled once. All parameters must share a floating-point dtype.
/// An empty list has no graph to build a zero in: it gives an empty Tensor,
/// which is an error wherever it is used.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/Tensor.h"

#include <vector>

namespace voskhod::nn {

Tensor l1Penalty(const std::vector<Tensor> &params, double lambda,
                 CallSite site = {});
Tensor l2Penalty(const std::vector<Tensor> &params, double lambda,
                 CallSite site = {});

} // namespace voskhod::nn
