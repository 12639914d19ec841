//===- compiler/codegen/common/TensorTable.cpp - a program's tensors ------===//
#include "compiler/codegen/common/TensorTable.h"

#include <string>
#include <unordered_map>

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
  std::unordered_map<std::string, int> byName;
  for (size_t i = 0; i < tensors.size(); ++i)
    byName.emplace(tensors[i].name, int(i));
  std::vector<int> table;
  for (int id : program.external) {
    const kernel::Buffer &b = program.buffers[id];
    rt::TensorInfo info;
    info.name = b.name;
    info.type = elementTypeOf(b.type.dtype);
    info.shape = b.type.shape;
    info.role = tensorRoleOf(b.kind);
    info.init = b.init;
    auto [slot, added] = byName.try_emplace(b.name, int(tensors.size()));
    if (added) {
      tensors.push_back(info);
    } else {
      const rt::TensorInfo &known = tensors[slot->second];
      if (known.type != info.type || known.shape != info.shape ||
          known.role != info.role)
        return makeError("tensor '" + b.name +
                         "' differs between the step and the forward graph");
    }
    rt::TensorInfo &t = tensors[slot->second];
    if (info.role == rt::TensorRole::Output)
      (isStep ? t.stepOutput : t.forwardOutput) = true;
    table.push_back(slot->second);
  }
  return table;
}

} // namespace voskhod::codegen
