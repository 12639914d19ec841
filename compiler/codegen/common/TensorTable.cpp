//===- compiler/codegen/common/TensorTable.cpp - a program's tensors ------===//
#include "compiler/codegen/common/TensorTable.h"

#include <algorithm>

namespace voskhod::codegen {

rt::ElementType elementTypeOf(ir::DType type) {
  switch (type) {
  case ir::DType::F32:
    return rt::ElementType::F32;
  case ir::DType::F64:
    return rt::ElementType::F64;
  case ir::DType::I32:
    return rt::ElementType::I32;
  case ir::DType::I1:
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

Expected<std::vector<int>>
addExternalTensors(const kernel::KernelProgram &program, bool isStep,
                   std::vector<rt::TensorInfo> &tensors) {
  std::vector<int> table;
  for (int id : program.external) {
    const kernel::Buffer &b = program.buffers[id];
    rt::TensorInfo info;
    info.name = b.name;
    info.type = elementTypeOf(b.type.dtype);
    info.shape = b.type.shape;
    info.role = tensorRoleOf(b.kind);
    info.init = b.init;
    auto it =
        std::find_if(tensors.begin(), tensors.end(),
                     [&](const rt::TensorInfo &t) { return t.name == b.name; });
    if (it == tensors.end()) {
      tensors.push_back(info);
      it = tensors.end() - 1;
    } else if (it->type != info.type || it->shape != info.shape ||
               it->role != info.role) {
      return makeError("tensor '" + b.name +
                       "' differs between the step and the forward graph");
    }
    if (info.role == rt::TensorRole::Output)
      (isStep ? it->stepOutput : it->forwardOutput) = true;
    table.push_back(int(it - tensors.begin()));
  }
  return table;
}

} // namespace voskhod::codegen
