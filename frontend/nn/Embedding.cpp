//===- frontend/nn/Embedding.cpp - a lookup table of learned vectors ------===//
#include "frontend/nn/Embedding.h"

namespace voskhod::nn {

Embedding::Embedding(Graph &g, int64_t numEmbeddings, int64_t dim,
                     EmbeddingOptions options, CallSite site)
    : graph_(&g), numEmbeddings_(numEmbeddings), dim_(dim),
      options_(std::move(options)), site_(site) {}

void Embedding::createParameters() {
  weight_ = registerParameter(*graph_, "weight",
                              {options_.dtype, {numEmbeddings_, dim_}},
                              options_.weightInit, site_);
}

const Tensor &Embedding::weight() {
  ensureParameters();
  return weight_;
}

Tensor Embedding::forward(const Tensor &indices) {
  ensureParameters();
  return weight_.gather(indices, 0, callSite());
}

} // namespace voskhod::nn
