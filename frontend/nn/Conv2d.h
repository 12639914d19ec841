//===- frontend/nn/Conv2d.h - the 2-D convolution layer -------------------===//
///
/// PyTorch's nn.Conv2d: one `conv2d` node over x [N, C, H, W] and a weight
/// [O, C/groups, KH, KW] (OIHW, PyTorch's layout, whose fans
/// initialisers/Init.h counts as PyTorch does: fan_in = C/groups·KH·KW),
/// then the bias [O] reshaped to [1, O, 1, 1] and added with a broadcast,
/// the way a `.vg` file spells it.
///
/// The parameters, `weight` and `bias`, are created when the layer is
/// registered in a parent or first used (see Module.h), at the line that
/// constructed it. Default initialisation is nn::Linear's and for the same
/// reason: weights he_uniform, U(±√(6/fan_in)), biases zeros. PyTorch's own
/// default is U(±1/√fan_in) for both; ask for it with `.weightInit =
/// init::uniform(-1/√fan_in, 1/√fan_in)`.
///
/// The window fields are voskhod::Conv2dOptions' (Tensor.h) and are checked
/// where the node is built: an input whose channels are not inChannels, or
/// groups that do not divide the channels, is reported at the `conv(x)` call.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/Initializers.h"
#include "frontend/nn/Module.h"

#include <cstdint>
#include <vector>

namespace voskhod::nn {

struct Conv2dOptions {
  std::vector<int64_t> stride = {1, 1};
  /// [ph, pw] or [top, left, bottom, right].
  std::vector<int64_t> padding = {0, 0};
  std::vector<int64_t> dilation = {1, 1};
  int64_t groups = 1;
  bool bias = true;
  InitSpec weightInit = init::heUniform();
  InitSpec biasInit = init::zeros();
  ir::DType dtype = ir::DType::F32;
};

class Conv2d : public Module {
public:
  /// kernel is [KH, KW].
  Conv2d(Graph &g, int64_t inChannels, int64_t outChannels,
         std::vector<int64_t> kernel, Conv2dOptions options = {},
         CallSite site = {});

  Tensor forward(const Tensor &x) override;

  const Tensor &weight();
  /// Invalid when built without a bias.
  const Tensor &bias();

protected:
  void createParameters() override;

private:
  Graph *graph_;
  int64_t inChannels_, outChannels_;
  std::vector<int64_t> kernel_;
  Conv2dOptions options_;
  CallSite site_;
  Tensor weight_, bias_;
};

} // namespace voskhod::nn
