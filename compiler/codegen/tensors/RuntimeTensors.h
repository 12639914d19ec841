//===- compiler/codegen/tensors/RuntimeTensors.h - tensors for the runtime ===//
///
/// What every backend (the JIT, the CUDA executable, AOT objects) tells the
/// runtime about a lowered model's tensors: kernel::ModelProgram's tensor
/// table in the runtime's words (rt::TensorInfo). The table itself, which
/// tensors there are and in which order, is decided once by
/// kernel::lowerModel; this only converts it, for the LLVM and the CUDA
/// backend alike.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/kernel/ModelProgram.h"
#include "runtime/Executable.h"

#include <vector>

namespace voskhod::codegen {

rt::ElementType elementTypeOf(kernel::DType type);

/// Inputs, params and states keep their role; everything else is an output.
rt::TensorRole tensorRoleOf(kernel::BufferKind kind);

rt::TensorInfo tensorInfoOf(const kernel::ModelTensor &t);

/// The model's tensor table, in its order.
std::vector<rt::TensorInfo> runtimeTensors(const kernel::ModelProgram &model);

} // namespace voskhod::codegen
