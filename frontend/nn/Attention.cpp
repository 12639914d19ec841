//===- frontend/nn/Attention.cpp - causal multi-head self-attention -------===//
#include "frontend/nn/Attention.h"

#include "frontend/GraphState.h"

#include <cmath>

namespace voskhod::nn {
namespace {

LinearOptions projection(const AttentionOptions &o) {
  return {.bias = o.bias, .weightInit = o.weightInit, .dtype = o.dtype};
}

} // namespace

MultiheadAttention::MultiheadAttention(Graph &g, int64_t dModel,
                                       int64_t numHeads,
                                       AttentionOptions options, CallSite site)
    : graph_(&g), dModel_(dModel), numHeads_(numHeads), options_(options),
      site_(site), q_(g, dModel, dModel, projection(options), site),
      k_(g, dModel, dModel, projection(options), site),
      v_(g, dModel, dModel, projection(options), site),
      out_(g, dModel, dModel, projection(options), site) {}

void MultiheadAttention::createParameters() {
  registerModule("q", q_, site_);
  registerModule("k", k_, site_);
  registerModule("v", v_, site_);
  registerModule("out", out_, site_);
}

Tensor MultiheadAttention::forward(const Tensor &x) {
  ensureParameters();
  const CallSite &site = callSite();
  if (!x.valid())
    return x;
  auto invalid = [&](std::string message) {
    detail::fail(x, site, std::move(message));
    return detail::TensorAccess::make(detail::TensorAccess::state(x), nullptr);
  };
  if (numHeads_ <= 0 || dModel_ % numHeads_ != 0)
    return invalid("nn::MultiheadAttention: " + std::to_string(numHeads_) +
                   " heads do not divide d_model " + std::to_string(dModel_));
  if (x.rank() != 3)
    return invalid("nn::MultiheadAttention expects x [B, T, " +
                   std::to_string(dModel_) + "], got " + x.type().str());
  int64_t batch = x.shape()[0], steps = x.shape()[1];
  int64_t headDim = dModel_ / numHeads_;
  // [B, T, D] → [B, H, T, D/H].
  auto heads = [&](Linear &proj) {
    return proj(x, site)
        .reshape({batch, steps, numHeads_, headDim}, site)
        .transpose({0, 2, 1, 3}, site);
  };
  Tensor q = heads(q_), k = heads(k_), v = heads(v_);
  Tensor scores = Located<Tensor>(q.matmul(k, false, true, site), site) *
                  (1.0 / std::sqrt(double(headDim)));
  Tensor p =
      options_.causal ? scores.causalSoftmax(site) : scores.softmax(-1, site);
  Tensor joined = p.matmul(v, false, false, site)
                      .transpose({0, 2, 1, 3}, site)
                      .reshape({batch, steps, dModel_}, site);
  return out_(joined, site);
}

} // namespace voskhod::nn
