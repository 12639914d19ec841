//===- compiler/interpreter/SequenceOps.h - gather and layer_norm ---------===//
///
/// The interpreter's gather and layer_norm: plain float64 loops written from
/// the ops' definitions. layer_norm is a composite whose expansion
/// (CompositeExpansion.h) these loops test; gather is the one place an
/// out-of-range index becomes an error that names it.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/interpreter/Interpreter.h"

namespace voskhod::ir {

/// The table's slices along `axis` picked by `indices`, or an error naming
/// the first index outside [0, table.shape[axis]).
Expected<HostTensor> gatherDirect(const TensorType &out,
                                  const HostTensor &table,
                                  const HostTensor &indices, int64_t axis);

/// (x − mean) / sqrt(var + eps) · gamma + beta over the trailing
/// `normalised` axes of x, with the biased variance, as PyTorch's LayerNorm.
HostTensor layerNormDirect(const HostTensor &x, const HostTensor &gamma,
                           const HostTensor &beta, int64_t normalised,
                           double eps);

} // namespace voskhod::ir
