//===- compiler/interpreter/WindowOps.h - conv2d and pooling, directly ----===//
///
/// The interpreter's conv2d, max_pool2d and avg_pool2d: plain loops over
/// every output element and its window, in float64, written from the ops'
/// definitions rather than from their expansions (CompositeExpansion.h), so
/// that comparing the two tests the expansion.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/interpreter/Interpreter.h"
#include "compiler/ir/WindowShapes.h"

namespace voskhod::ir {

/// x [N, C, H, W], w [O, C/groups, KH, KW] -> `out` [N, O, OH, OW], the
/// weights applied to x padded with zeros (so an infinite weight over
/// padding gives NaN).
HostTensor conv2dDirect(const TensorType &out, const HostTensor &x,
                        const HostTensor &w, const Window2d &win);

/// The maximum of each window (NaN when the window holds one; padding is
/// −inf), as PyTorch's max_pool2d.
HostTensor maxPool2dDirect(const TensorType &out, const HostTensor &x,
                           const Window2d &win);

/// The mean of each window: over the whole window (padding counts as 0) when
/// `countIncludePad`, else over the input elements under it.
HostTensor avgPool2dDirect(const TensorType &out, const HostTensor &x,
                           const Window2d &win, bool countIncludePad);

} // namespace voskhod::ir
