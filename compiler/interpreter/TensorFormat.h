//===- compiler/interpreter/TensorFormat.h - tensors as nested-list text --===//
///
/// Renders a host tensor as `[[1, 2], [3, 4]]` with each element in the
/// shortest form that reads back exactly at the tensor's precision (9
/// significant digits at most for f32, 17 for f64). Long tensors are elided
/// in the middle of each axis, like NumPy, unless `full` is set.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/interpreter/Interpreter.h"

#include <string>

namespace voskhod::ir {

std::string formatScalar(double value, DType dtype);
std::string formatTensor(const HostTensor &t, bool full = false);

} // namespace voskhod::ir
