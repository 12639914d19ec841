//===- frontend/nn/TransformerBlock.cpp - a pre-norm GPT block ------------===//
#include "frontend/nn/TransformerBlock.h"

namespace voskhod::nn {
namespace {

AttentionOptions withDtype(AttentionOptions o, ir::DType dtype) {
  o.dtype = dtype;
  return o;
}

} // namespace

TransformerBlock::TransformerBlock(Graph &g, int64_t dModel, int64_t numHeads,
                                   int64_t ffDim,
                                   TransformerBlockOptions options,
                                   CallSite site)
    : options_(options), site_(site),
      ln1_(g, {dModel}, {.eps = options.eps, .dtype = options.dtype}, site),
      ln2_(g, {dModel}, {.eps = options.eps, .dtype = options.dtype}, site),
      attention_(g, dModel, numHeads,
                 withDtype(options.attention, options.dtype), site),
      fc1_(g, dModel, ffDim,
           {.weightInit = options.mlpInit, .dtype = options.dtype}, site),
      fc2_(g, ffDim, dModel,
           {.weightInit = options.mlpInit, .dtype = options.dtype}, site) {}

void TransformerBlock::createParameters() {
  registerModule("ln1", ln1_, site_);
  registerModule("attn", attention_, site_);
  registerModule("ln2", ln2_, site_);
  registerModule("fc1", fc1_, site_);
  registerModule("fc2", fc2_, site_);
}

Tensor TransformerBlock::forward(const Tensor &x) {
  ensureParameters();
  const CallSite &site = callSite();
  Tensor h = Located<Tensor>(x, site) + attention_(ln1_(x, site), site);
  Tensor m = fc2_(
      fc1_(ln2_(h, site), site).gelu(options_.geluApproximate, site), site);
  return Located<Tensor>(h, site) + m;
}

} // namespace voskhod::nn
