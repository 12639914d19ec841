//===- frontend/nn/TransformerBlock.h - a pre-norm GPT block --------------===//
///
/// One decoder block of a GPT-style model, pre-norm as GPT-2 has it:
///   x + attention(ln1(x)), then that + mlp(ln2(that)),
/// where the MLP is Linear(D, ffDim) → GELU → Linear(ffDim, D) and the
/// attention is causal nn::MultiheadAttention. x is [B, T, D].
///
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/nn/Attention.h"
#include "frontend/nn/LayerNorm.h"

namespace voskhod::nn {

struct TransformerBlockOptions {
  double eps = 1e-5;
  /// "none" (erf, PyTorch's default) or "tanh".
  std::string geluApproximate = "none";
  AttentionOptions attention;
  InitSpec mlpInit = init::xavierUniform();
  ir::DType dtype = ir::DType::F32;
};

class TransformerBlock : public Module {
public:
  TransformerBlock(Graph &g, int64_t dModel, int64_t numHeads, int64_t ffDim,
                   TransformerBlockOptions options = {}, CallSite site = {});

  Tensor forward(const Tensor &x) override;

protected:
  void createParameters() override;

private:
  TransformerBlockOptions options_;
  CallSite site_;
  LayerNorm ln1_, ln2_;
  MultiheadAttention attention_;
  Linear fc1_, fc2_;
};

} // namespace voskhod::nn
