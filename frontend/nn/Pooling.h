//===- frontend/nn/Pooling.h - max and average pooling layers -------------===//
///
/// PyTorch's nn.MaxPool2d and nn.AvgPool2d over x [N, C, H, W]: one
/// `max_pool2d` or `avg_pool2d` node, no parameters. The arguments are
/// PyTorch's, in its order: kernel [KH, KW], stride (empty: the kernel, as
/// PyTorch's None), padding [ph, pw] or [top, left, bottom, right], and for
/// the average whether the padding counts in the divisor. Ceil mode and
/// return_indices have no counterpart.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/nn/Module.h"

#include <cstdint>
#include <vector>

namespace voskhod::nn {

class MaxPool2d : public Module {
public:
  explicit MaxPool2d(std::vector<int64_t> kernel,
                     std::vector<int64_t> stride = {},
                     std::vector<int64_t> padding = {0, 0})
      : kernel_(std::move(kernel)), stride_(std::move(stride)),
        padding_(std::move(padding)) {}
  Tensor forward(const Tensor &x) override;

private:
  std::vector<int64_t> kernel_, stride_, padding_;
};

class AvgPool2d : public Module {
public:
  explicit AvgPool2d(std::vector<int64_t> kernel,
                     std::vector<int64_t> stride = {},
                     std::vector<int64_t> padding = {0, 0},
                     bool countIncludePad = true)
      : kernel_(std::move(kernel)), stride_(std::move(stride)),
        padding_(std::move(padding)), countIncludePad_(countIncludePad) {}
  Tensor forward(const Tensor &x) override;

private:
  std::vector<int64_t> kernel_, stride_, padding_;
  bool countIncludePad_;
};

} // namespace voskhod::nn
