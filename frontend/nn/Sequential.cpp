//===- frontend/nn/Sequential.cpp - layers applied one after another ------===//
#include "frontend/nn/Sequential.h"

#include <string>

namespace voskhod::nn {

void Sequential::append(std::unique_ptr<Module> layer, const CallSite &site) {
  registerModule(std::to_string(layers_.size()), *layer, site);
  layers_.push_back(std::move(layer));
}

Tensor Sequential::forward(const Tensor &x) {
  Tensor h = x;
  for (auto &layer : layers_)
    h = (*layer)(h, callSite());
  return h;
}

std::vector<Tensor> Sequential::trace(const Tensor &x, CallSite site) {
  std::vector<Tensor> outputs;
  Tensor h = x;
  for (auto &layer : layers_)
    outputs.push_back(h = (*layer)(h, site));
  return outputs;
}

} // namespace voskhod::nn
