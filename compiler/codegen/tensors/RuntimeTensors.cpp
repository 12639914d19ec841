//===- compiler/codegen/tensors/RuntimeTensors.cpp - to rt::TensorInfo ----===//
#include "compiler/codegen/tensors/RuntimeTensors.h"

namespace voskhod::codegen {

rt::ElementType elementTypeOf(kernel::DType type) {
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

rt::TensorRole tensorRoleOf(kernel::BufferKind kind) {
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

rt::TensorInfo tensorInfoOf(const kernel::ModelTensor &t) {
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

std::vector<rt::TensorInfo> runtimeTensors(const kernel::ModelProgram &model) {
  std::vector<rt::TensorInfo> tensors;
  tensors.reserve(model.tensors.size());
  for (const kernel::ModelTensor &t : model.tensors)
    tensors.push_back(tensorInfoOf(t));
  return tensors;
}

} // namespace voskhod::codegen
