//===- compiler/codegen/RuntimeTensors.h - tensors for the runtime --------===//
///
/// What every backend (the JIT, the CUDA executable, AOT objects) tells the
/// runtime about a lowered model's tensors: kernel::ModelProgram's tensor
/// table in the runtime's words (rt::TensorInfo). The table itself, which
/// tensors there are and in which order, is decided once by
/// kernel::lowerModel; this only converts it. Header-only, so the LLVM and
/// the CUDA backend share it without a library of their own.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/kernel/ModelProgram.h"
#include "runtime/Executable.h"

#include <vector>

namespace voskhod::codegen {

inline rt::ElementType elementTypeOf(kernel::DType type) {
  switch (type) {
  case kernel::DType::F32:
    return rt::ElementType::F32;
  case kernel::DType::F64:
    return rt::ElementType::F64;
  case kernel::DType::I32:
    return rt::ElementType::I32;
  case kernel::DType::I1:
    return rt::ElementType::I1;
  }
  return rt::ElementType::F32;
}

/// Inputs, params and states keep their role; everything else is an output.
inline rt::TensorRole tensorRoleOf(kernel::BufferKind kind) {
  switch (kind) {
  case kernel::BufferKind::Input:
    return rt::TensorRole::Input;
  case kernel::BufferKind::Param:
    return rt::TensorRole::Param;
  case kernel::BufferKind::State:
    return rt::TensorRole::State;
  default:
    return rt::TensorRole::Output;
  }
}

inline rt::TensorInfo tensorInfoOf(const kernel::ModelTensor &t) {
  rt::TensorInfo info;
  info.name = t.name;
  info.type = elementTypeOf(t.type.dtype);
  info.shape = t.type.shape;
  info.role = tensorRoleOf(t.role);
  info.init = t.init;
  info.stepOutput = t.stepOutput;
  info.forwardOutput = t.forwardOutput;
  return info;
}

/// The model's tensor table, in its order.
inline std::vector<rt::TensorInfo>
runtimeTensors(const kernel::ModelProgram &model) {
  std::vector<rt::TensorInfo> tensors;
  tensors.reserve(model.tensors.size());
  for (const kernel::ModelTensor &t : model.tensors)
    tensors.push_back(tensorInfoOf(t));
  return tensors;
}

} // namespace voskhod::codegen
