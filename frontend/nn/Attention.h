//===- frontend/nn/Attention.h - causal multi-head self-attention ---------===//
///
/// Multi-head self-attention over x [B, T, D], as a GPT block uses it: four
/// nn::Linear projections (`q`, `k`, `v` and the output `out`, weights
/// [D, D]); the heads split by reshape and transpose to [B, H, T, D/H];
/// scores q·kᵀ / √(D/H) through the causal softmax (query t sees keys
/// ≤ t, with no mask tensor) unless `causal` is off; the heads' weighted
/// values joined back to [B, T, D] and projected. Every product is a
/// batched `matmul`.
///
/// PyTorch's nn.MultiheadAttention keeps q, k and v in one in_proj weight
/// [3D, D]; these are the same three products kept apart, transposed, so
/// each has the [in, out] layout and fans of nn::Linear.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/nn/Linear.h"

namespace voskhod::nn {

struct AttentionOptions {
  bool causal = true;
  bool bias = true;
  InitSpec weightInit = init::xavierUniform();
  ir::DType dtype = ir::DType::F32;
};

class MultiheadAttention : public Module {
public:
  MultiheadAttention(Graph &g, int64_t dModel, int64_t numHeads,
                     AttentionOptions options = {}, CallSite site = {});

  /// x [B, T, dModel] → [B, T, dModel].
  Tensor forward(const Tensor &x) override;

protected:
  void createParameters() override;

private:
  Graph *graph_;
  int64_t dModel_, numHeads_;
  AttentionOptions options_;
  CallSite site_;
  Linear q_, k_, v_, out_;
};

} // namespace voskhod::nn
