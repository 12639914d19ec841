//===- frontend/nn/Embedding.h - a lookup table of learned vectors --------===//
///
/// PyTorch's nn.Embedding: a [numEmbeddings, dim] weight, drawn from N(0, 1)
/// as PyTorch draws it, and one `gather` along axis 0 per call, so i32
/// indices [...] become vectors [..., dim]. The weight's gradient is a
/// scatter-add whose order is fixed (GradientRules.h).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/Initializers.h"
#include "frontend/nn/Module.h"

namespace voskhod::nn {

struct EmbeddingOptions {
  InitSpec weightInit = init::normal(0.0, 1.0);
  ir::DType dtype = ir::DType::F32;
};

class Embedding : public Module {
public:
  Embedding(Graph &g, int64_t numEmbeddings, int64_t dim,
            EmbeddingOptions options = {}, CallSite site = {});

  Tensor forward(const Tensor &indices) override;

  const Tensor &weight();

protected:
  void createParameters() override;

private:
  Graph *graph_;
  int64_t numEmbeddings_, dim_;
  EmbeddingOptions options_;
  CallSite site_;
  Tensor weight_;
};

} // namespace voskhod::nn
