//===- frontend/Types.h - short spellings of tensor types -----------------===//
///
/// `f32({2, 3})` instead of `ir::TensorType{ir::DType::F32, {2, 3}}`; an empty
/// shape is a scalar. These only spell types: validity (positive dimensions,
/// a bounded element count) is checked where a type is used.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Type.h"

namespace voskhod {

inline ir::TensorType f32(ir::Shape shape = {}) {
  return {ir::DType::F32, std::move(shape)};
}
inline ir::TensorType f64(ir::Shape shape = {}) {
  return {ir::DType::F64, std::move(shape)};
}
inline ir::TensorType i32(ir::Shape shape = {}) {
  return {ir::DType::I32, std::move(shape)};
}
inline ir::TensorType i1(ir::Shape shape = {}) {
  return {ir::DType::I1, std::move(shape)};
}

} // namespace voskhod
