//===- compiler/ir/ShapeInference.h - one shape and type rule per op ------===//
///
/// `inferType` checks an op's operands and attributes and returns its result
/// type. It also canonicalises the attributes in place: unknown names and
/// wrong kinds are errors, defaults are filled in, integer literals given for
/// number settings become numbers, negative axes are normalised, and empty
/// optional lists become explicit (all axes, reversed permutation). The
/// verifier calls it again on every node, so a rule is written once.
///
/// Errors are plain messages; the caller attaches the source location.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Attributes.h"
#include "compiler/ir/Op.h"
#include "compiler/ir/Type.h"
#include "support/Error.h"

#include <optional>
#include <span>

namespace voskhod::ir {

Expected<TensorType> inferType(OpKind op, std::span<const TensorType> operands,
                               Attrs &attrs);

/// inferType writing into `out` (which must not alias an operand), so that a
/// caller checking many nodes reuses one shape buffer; `out` is unspecified
/// after an error.
Status inferTypeInto(OpKind op, std::span<const TensorType> operands,
                     Attrs &attrs, TensorType &out);

/// NumPy broadcasting of two shapes, or nullopt when incompatible.
std::optional<Shape> broadcastShapes(const Shape &a, const Shape &b);

} // namespace voskhod::ir
