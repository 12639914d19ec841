//===- frontend/nn/Linear.h - the fully connected layer -------------------===//
///
/// `y = x · weight + bias` for x of shape [batch, in]. The weight is stored
/// [in, out], the way voskhod multiplies (`matmul %x, %w`) and computes fans;
/// PyTorch stores the transpose.
///
/// The parameters, `weight` and `bias`, are created when the layer is
/// registered in a parent or first used (see Module.h), at the line that
/// constructed it.
///
/// Default initialisation: weights he_uniform, U(±√(6/in)), which keeps the
/// activations' scale through the ReLU family of layers that usually follows;
/// biases zeros, as most frameworks other than PyTorch do. PyTorch's own
/// default (kaiming_uniform with a = √5) is U(±1/√in) for both; ask for it
/// with `.weightInit = init::uniform(-1/√in, 1/√in)`. Prefer xavierUniform
/// before tanh or sigmoid.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/Initializers.h"
#include "frontend/nn/Module.h"

namespace voskhod::nn {

struct LinearOptions {
  bool bias = true;
  InitSpec weightInit = init::heUniform();
  InitSpec biasInit = init::zeros();
  ir::DType dtype = ir::DType::F32;
};

class Linear : public Module {
public:
  Linear(Graph &g, int64_t inFeatures, int64_t outFeatures,
         LinearOptions options = {}, CallSite site = {});

  Tensor forward(const Tensor &x) override;

  const Tensor &weight();
  /// Invalid when built without a bias.
  const Tensor &bias();

protected:
  void createParameters() override;

private:
  Graph *graph_;
  int64_t inFeatures_, outFeatures_;
  LinearOptions options_;
  CallSite site_;
  Tensor weight_, bias_;
};

} // namespace voskhod::nn
