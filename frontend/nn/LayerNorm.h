//===- frontend/nn/LayerNorm.h - layer normalisation as a layer -----------===//
///
/// PyTorch's nn.LayerNorm: one `layer_norm` node over x's trailing axes,
/// whose shape is `normalisedShape`, with a gain (ones) and a bias (zeros)
/// of that shape as parameters; the variance is the biased one.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/nn/Module.h"

namespace voskhod::nn {

struct LayerNormOptions {
  double eps = 1e-5;
  ir::DType dtype = ir::DType::F32;
};

class LayerNorm : public Module {
public:
  LayerNorm(Graph &g, std::vector<int64_t> normalisedShape,
            LayerNormOptions options = {}, CallSite site = {});

  Tensor forward(const Tensor &x) override;

  const Tensor &weight();
  const Tensor &bias();

protected:
  void createParameters() override;

private:
  Graph *graph_;
  std::vector<int64_t> shape_;
  LayerNormOptions options_;
  CallSite site_;
  Tensor weight_, bias_;
};

} // namespace voskhod::nn
