//===- compiler/ir/IndexMappingShapes.h - pad, slice, concat shapes -------===//
///
/// Shape rules of the index-mapping ops, whose every output element is one
/// operand element (or pad's value) at a computed index. Each rule checks its
/// lists and canonicalises them, so later stages read explicit, in-range
/// values: slice's starts and ends clamped into [0, dim] as Python clamps
/// them and its steps filled in; concat's axis made non-negative.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Attributes.h"
#include "compiler/ir/Op.h"
#include "compiler/ir/Type.h"
#include "support/Error.h"

#include <span>

namespace voskhod::ir {

/// The result type of pad, slice or concat on `in`; canonicalises `attrs`.
Status inferIndexMapping(OpKind op, std::span<const TensorType> in,
                         Attrs &attrs, TensorType &out);

} // namespace voskhod::ir
