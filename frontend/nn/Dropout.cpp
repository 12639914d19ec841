//===- frontend/nn/Dropout.cpp - dropout as a layer -----------------------===//
#include "frontend/nn/Dropout.h"

namespace voskhod::nn {

Tensor Dropout::forward(const Tensor &x) { return x.dropout(p_, callSite()); }

} // namespace voskhod::nn
