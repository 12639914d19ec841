//===- compiler/ir/SequenceShapes.h - gather and layer_norm shapes --------===//
///
/// Shape rules of the ops sequence models add: `gather` (an embedding
/// lookup, NumPy's `take` along one axis) and `layer_norm` (PyTorch's
/// LayerNorm over the trailing axes). Each rule checks its operands and
/// canonicalises its attributes, so later stages read explicit values:
/// gather's axis made non-negative; layer_norm's axes made non-negative,
/// sorted and filled in ([-1] when absent).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Attributes.h"
#include "compiler/ir/Type.h"
#include "support/Error.h"

#include <span>

namespace voskhod::ir {

/// gather(table, indices i32) {axis}: table's shape with dim `axis`
/// replaced by the indices' shape.
Status inferGather(std::span<const TensorType> in, Attrs &attrs,
                   TensorType &out);

/// layer_norm(x, gamma, beta) {axes, eps}: x's type; the axes must be x's
/// trailing ones and gamma and beta have their shape.
Status inferLayerNorm(std::span<const TensorType> in, Attrs &attrs,
                      TensorType &out);

} // namespace voskhod::ir
