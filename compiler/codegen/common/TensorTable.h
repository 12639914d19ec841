//===- compiler/codegen/common/TensorTable.h - a program's runtime tensors
//-===//
///
/// What every backend (the JIT, the CUDA executable, AOT objects) tells the
/// runtime about the tensors a kernel program reads and writes from
/// outside: name, element type, shape, role and initialiser, one table for
/// the training step and the forward graph together, a tensor both use
/// listed once.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/kernel/KernelIR.h"
#include "runtime/Executable.h"
#include "support/Error.h"

#include <vector>

namespace voskhod::codegen {

rt::ElementType elementTypeOf(ir::DType type);

/// Inputs, params and states keep their role; everything else a program
/// hands back is an output.
rt::TensorRole tensorRoleOf(kernel::BufferKind kind);

/// Adds `program`'s external buffers to `tensors` (by name; a tensor the
/// other entry already added must agree in type, shape and role) and
/// returns each one's position there, in the program's external order.
Expected<std::vector<int>>
addExternalTensors(const kernel::KernelProgram &program, bool isStep,
                   std::vector<rt::TensorInfo> &tensors);

} // namespace voskhod::codegen
