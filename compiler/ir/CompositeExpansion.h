//===- compiler/ir/CompositeExpansion.h - composite ops as simpler ops ----===//
///
/// A `Composite` op (Ops.def) is defined by its expansion into other ops,
/// built here once: the training step differentiates the expansion, the
/// kernel lowering fuses it and both backends run it, so a composite needs
/// no gradient rule, kernel or renderer code of its own. The interpreter
/// evaluates composites directly, with loops of their own, which makes it
/// the oracle the expansions are tested against.
///
/// The expansions:
///   - conv2d is an im2col product: x is moved to [C, N, H, W] and padded;
///     each kernel tap (kh, kw) is a strided slice of it, [C, N, OH, OW];
///     the taps, concatenated, are the [C·KH·KW, N·OH·OW] matrix that the
///     weight, viewed as [O, C·KH·KW], multiplies (one product per group);
///     the [O, N, OH, OW] result is transposed back to [N, O, OH, OW]. A 1×1
///     convolution with unit stride and no padding is the product alone.
///   - max_pool2d is the elementwise maximum of its taps over x padded with
///     −inf, taken in (kh, kw) order so that ties pass the gradient to the
///     first, as PyTorch's argmax does.
///   - avg_pool2d is the sum of its taps over x padded with zeros, divided by
///     the window size (count_include_pad) or by the count of real elements
///     under each window (a constant [OH, OW]).
///   - layer_norm is x − mean over its axes, times rsqrt of that centred
///     value's mean square plus eps, times gamma, plus beta (PyTorch's
///     biased variance).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"

namespace voskhod::ir {

/// The expansion of composite node `n`, built into `g` at n's location;
/// n itself is left in place.
Node *expandComposite(Graph &g, Node *n);

/// Replaces every composite node of `g` by its expansion (uses follow, the
/// graph is re-sorted and pruned); whether anything changed.
bool expandComposites(Graph &g);

} // namespace voskhod::ir
