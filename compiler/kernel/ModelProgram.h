//===- compiler/kernel/ModelProgram.h - a model lowered once for backends -===//
///
/// The one value every backend consumes: a model's training step and forward
/// graph lowered to kernel programs, and the facts each backend used to
/// recompute for itself. `lowerModel` builds it from the graphs; the JIT and
/// the AOT compiler (compiler/codegen/llvm), the CUDA backend
/// (compiler/codegen/cuda) and the memory budget (MemoryBudget.h) read it,
/// so they cannot disagree on which entries exist, which tensors the model
/// has or in which order an entry takes them.
///
/// It holds:
///   - each entry's kernel program (either may be absent, not both; a
///     forward graph without results has no entry: there is nothing to
///     infer);
///   - the tensor table: every external buffer of both entries, once by
///     name (a tensor both use must agree in type and role), in the order
///     the step and then the forward entry first name it, with whether the
///     step or the forward entry writes it as an output;
///   - per entry, the position in the table of each of its external buffers
///     (in the program's order, the order its entry function takes them)
///     and whether some kernel reads it (an input nothing reads is left out
///     of the AOT C API);
///   - the arena both entries share (they never run at once), the step's
///     loss and the model's name.
///
/// It deliberately holds nothing of a machine or of the runtime: roles are
/// kernel::BufferKinds and types ir's, which the backends convert to the
/// runtime's descriptions; and it checks nothing a backend alone requires
/// (a scalar loss, say, is the AOT C API's rule).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"
#include "compiler/kernel/KernelIR.h"
#include "compiler/kernel/Lowering.h"
#include "support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace voskhod::kernel {

/// A tensor the caller of a compiled model sees.
struct ModelTensor {
  std::string name;
  TensorType type;
  /// Input, Param, State or Output: what the caller does with it.
  BufferKind role = BufferKind::Input;
  InitSpec init; // Param and State
  /// Written by the step, by the forward entry, or by both.
  bool stepOutput = false, forwardOutput = false;

  int64_t bytes() const { return type.numElements() * dtypeBytes(type.dtype); }
};

/// One entry point of the model: a kernel program and how it sees the table.
struct ModelEntry {
  KernelProgram program;
  /// The position in ModelProgram::tensors of each of program.external.
  std::vector<int> table;
  /// Whether some kernel reads program.external[k], directly or through a
  /// reshape view (not through a temporary that reuses its storage).
  std::vector<bool> reads;
};

struct ModelProgram {
  /// The forward graph's name, else the step's without its ".step" suffix.
  std::string name;
  std::optional<ModelEntry> step, forward;
  std::vector<ModelTensor> tensors;
  /// The larger entry's arena: the entries never run at once.
  int64_t arenaBytes = 0;
  /// The position in `tensors` of the step's first output (its loss); -1
  /// without a step or when the step has no output.
  int lossIndex = -1;

  const ModelEntry *entry(bool isStep) const {
    return isStep ? (step ? &*step : nullptr) : (forward ? &*forward : nullptr);
  }
};

/// Lowers `step` (a training step, training::buildTrainStep) and `forward`
/// (the model's forward graph); either may be null. A forward graph without
/// results gets no entry. An error when no entry remains, when lowering
/// fails, or when a tensor both entries use differs between them.
Expected<ModelProgram> lowerModel(const ir::Graph *step,
                                  const ir::Graph *forward,
                                  const LowerOptions &options = {});

} // namespace voskhod::kernel
