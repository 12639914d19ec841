//===- frontend/nn/Conv2d.cpp - the 2-D convolution layer -----------------===//
#include "frontend/nn/Conv2d.h"

namespace voskhod::nn {

Conv2d::Conv2d(Graph &g, int64_t inChannels, int64_t outChannels,
               std::vector<int64_t> kernel, Conv2dOptions options,
               CallSite site)
    : graph_(&g), inChannels_(inChannels), outChannels_(outChannels),
      kernel_(std::move(kernel)), options_(std::move(options)), site_(site) {}

void Conv2d::createParameters() {
  // A kernel that is not [KH, KW] or groups that do not divide the channels
  // still make a weight: conv2d's shape rules then reject it at the call,
  // with the shapes in the message.
  int64_t groups = options_.groups > 0 ? options_.groups : 1;
  std::vector<int64_t> shape = {outChannels_, inChannels_ / groups};
  shape.insert(shape.end(), kernel_.begin(), kernel_.end());
  weight_ = registerParameter(*graph_, "weight",
                              ir::TensorType{options_.dtype, std::move(shape)},
                              options_.weightInit, site_);
  if (options_.bias)
    bias_ = registerParameter(*graph_, "bias",
                              ir::TensorType{options_.dtype, {outChannels_}},
                              options_.biasInit, site_);
}

const Tensor &Conv2d::weight() {
  ensureParameters();
  return weight_;
}

const Tensor &Conv2d::bias() {
  ensureParameters();
  return bias_;
}

Tensor Conv2d::forward(const Tensor &x) {
  ensureParameters();
  // Built in the order the parser builds `add (conv2d %x, %w),
  // (reshape %b {shape = [1, O, 1, 1]})`, so the two print alike.
  Tensor y = x.conv2d(weight_,
                      voskhod::Conv2dOptions{.stride = options_.stride,
                                             .padding = options_.padding,
                                             .dilation = options_.dilation,
                                             .groups = options_.groups},
                      callSite());
  if (options_.bias) {
    Tensor channelBias = bias_.reshape({1, outChannels_, 1, 1}, callSite());
    y = Located<Tensor>(y, callSite()) + channelBias;
  }
  return y;
}

} // namespace voskhod::nn
