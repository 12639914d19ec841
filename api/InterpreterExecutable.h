//===- api/InterpreterExecutable.h - a model run by the interpreter -------===//
///
/// `Target::Interpreter`: the step and forward graphs evaluated in the
/// float64 reference interpreter (compiler/interpreter), behind the same
/// rt::Executable table of named tensors the compiled backends have, so a
/// Model runs, saves, loads and fits the same way on every target. Values
/// are stored in the tensors' own dtypes between calls (f32 parameters are
/// rounded after every step, as on the CPU), and each call converts them to
/// float64 and back. It is the oracle, not a fast path.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/interpreter/Interpreter.h"
#include "compiler/ir/Graph.h"
#include "runtime/Executable.h"

#include <memory>
#include <string>

namespace voskhod {

/// A forward result's tensor name: its own, or `resultN` when it has none.
std::string resultName(const ir::Graph &forward, const ir::Node &result);

class InterpreterExecutable : public rt::Executable {
public:
  /// Either graph may be null (no such entry); the executable keeps
  /// pointers to both, which the caller keeps alive.
  static std::unique_ptr<InterpreterExecutable>
  create(const ir::Graph *step, const ir::Graph *forward);

  Status step() override;
  Status forward() override;

private:
  InterpreterExecutable(std::vector<rt::TensorInfo> tensors,
                        const ir::Graph *step, const ir::Graph *forward);
  ir::LeafValues leafValues(const ir::Graph &g);
  void store(const std::string &name, const ir::HostTensor &value);

  const ir::Graph *step_, *forward_;
};

} // namespace voskhod
