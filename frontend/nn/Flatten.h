//===- frontend/nn/Flatten.h - image batches to rows ----------------------===//
///
/// PyTorch's nn.Flatten with its defaults (start_dim 1): x [N, d1, ..., dk]
/// becomes [N, d1·…·dk], one `reshape` node with the sizes written out (as
/// a `.vg` file writes them), so that a convolutional stack can feed
/// nn::Linear. An input of rank below 2 is an error at the call, as in
/// PyTorch.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/nn/Module.h"

namespace voskhod::nn {

class Flatten : public Module {
public:
  Tensor forward(const Tensor &x) override;
};

} // namespace voskhod::nn
