//===- frontend/nn/Pooling.cpp - max and average pooling layers -----------===//
#include "frontend/nn/Pooling.h"

namespace voskhod::nn {

Tensor MaxPool2d::forward(const Tensor &x) {
  return x.maxPool2d(kernel_, stride_, padding_, callSite());
}

Tensor AvgPool2d::forward(const Tensor &x) {
  return x.avgPool2d(kernel_, stride_, padding_, countIncludePad_, callSite());
}

} // namespace voskhod::nn
