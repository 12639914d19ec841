//===- frontend/nn/Flatten.cpp - image batches to rows --------------------===//
#include "frontend/nn/Flatten.h"

#include "frontend/GraphState.h"

namespace voskhod::nn {

Tensor Flatten::forward(const Tensor &x) {
  if (x.valid() && x.rank() < 2) {
    detail::fail(x, callSite(),
                 "nn::Flatten needs an input [N, ...] of rank 2 or more, got " +
                     x.type().str());
    return detail::TensorAccess::make(detail::TensorAccess::state(x), nullptr);
  }
  int64_t rowSize = 1;
  for (int64_t k = 1; k < x.rank(); ++k)
    rowSize *= x.shape()[k];
  int64_t rows = x.rank() > 0 ? x.shape()[0] : 1;
  return x.reshape({rows, rowSize}, callSite());
}

} // namespace voskhod::nn
