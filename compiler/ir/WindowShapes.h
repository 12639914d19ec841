//===- compiler/ir/WindowShapes.h - conv2d and pooling geometry -----------===//
///
/// The shape rules of the sliding-window ops (conv2d, max_pool2d,
/// avg_pool2d) and the one description of a window every later stage reads
/// (`Window2d`), so the interpreter, the expansion and the gradients agree
/// on what a padding or a dilation means.
///
/// Canonical attributes, which the rules write back: stride and dilation as
/// two entries; padding as [ph, pw] when symmetric and [top, left, bottom,
/// right] otherwise (the two forms the text accepts); a pool's stride filled
/// in from its kernel. Diagnostics name the op, the attribute and the
/// shapes: a channel mismatch, groups that do not divide C or O, a window
/// larger than the padded input, a non-positive stride or dilation, a
/// negative padding, and (pools, as PyTorch) a padding over half the kernel.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Attributes.h"
#include "compiler/ir/Op.h"
#include "compiler/ir/Type.h"
#include "support/Error.h"

#include <cstdint>
#include <span>

namespace voskhod::ir {

/// Where a window lies: output element (oh, ow) reads input rows
/// oh·strideH − top + kh·dilationH for kh < kernelH (likewise columns);
/// rows outside [0, H) are padding.
struct Window2d {
  int64_t kernelH = 1, kernelW = 1;
  int64_t strideH = 1, strideW = 1;
  int64_t dilationH = 1, dilationW = 1;
  int64_t top = 0, left = 0, bottom = 0, right = 0;
  int64_t groups = 1;
  int64_t outH = 1, outW = 1;
};

/// The result type of a window op on `in`; canonicalises `attrs`.
Status inferWindow(OpKind op, std::span<const TensorType> in, Attrs &attrs,
                   TensorType &out);

/// The window of a node built through inferWindow (canonical attributes).
Window2d windowOf(OpKind op, std::span<const TensorType> in,
                  const Attrs &attrs);

} // namespace voskhod::ir
