//===- frontend/nn/Activations.cpp - activation layers --------------------===//
#include "frontend/nn/Activations.h"

namespace voskhod::nn {

Tensor ReLU::forward(const Tensor &x) { return x.relu(callSite()); }
Tensor LeakyReLU::forward(const Tensor &x) {
  return x.leakyRelu(alpha_, callSite());
}
Tensor ELU::forward(const Tensor &x) { return x.elu(alpha_, callSite()); }
Tensor Sigmoid::forward(const Tensor &x) { return x.sigmoid(callSite()); }
Tensor Tanh::forward(const Tensor &x) { return x.tanh(callSite()); }
Tensor Softplus::forward(const Tensor &x) { return x.softplus(callSite()); }

} // namespace voskhod::nn
