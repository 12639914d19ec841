//===- frontend/nn/BatchNorm.h - batch normalisation as a layer -----------===//
///
/// PyTorch's nn.BatchNorm1d / nn.BatchNorm2d: one `batch_norm` node over
/// channel axis 1, with gamma (ones) and beta (zeros) as parameters and the
/// running mean (zeros) and variance (ones) as `state` leaves, which the
/// training step updates and the forward entry reads. As with Dropout, the
/// mode is the entry's, not the module's (ModeSpecialization.h). The two
/// classes differ only in the rank they document: [N, C] or [N, C, L] for
/// 1d, [N, C, H, W] for 2d.
///
/// The running statistics are not parameters (parameters() does not list
/// them) and keep their names when a parent registers the module: a second
/// unregistered BatchNorm gets `running_mean_1` and so on.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/nn/Module.h"

namespace voskhod::nn {

struct BatchNormOptions {
  double momentum = 0.1;
  double eps = 1e-5;
  ir::DType dtype = ir::DType::F32;
};

class BatchNorm : public Module {
public:
  BatchNorm(Graph &g, int64_t channels, BatchNormOptions options = {},
            CallSite site = {});

  Tensor forward(const Tensor &x) override;

  const Tensor &weight();
  const Tensor &bias();
  const Tensor &runningMean();
  const Tensor &runningVar();

protected:
  void createParameters() override;

private:
  Graph *graph_;
  int64_t channels_;
  BatchNormOptions options_;
  CallSite site_;
  Tensor weight_, bias_, runningMean_, runningVar_;
};

class BatchNorm1d : public BatchNorm {
  using BatchNorm::BatchNorm;
};
class BatchNorm2d : public BatchNorm {
  using BatchNorm::BatchNorm;
};

} // namespace voskhod::nn
