//===- compiler/driver/ResourceLimits.h - refuse what will not fit --------===//
///
/// `--max-memory SIZE` for `train` and `compile`, and the check both run
/// before anything is allocated: the model's memory (compiler/kernel/
/// MemoryBudget.h) against the flag's limit and, for a model about to run
/// here, against the memory this process can still get
/// (runtime/SystemMemory.h). A command lowers its model once and checks
/// that value, which it then hands to the backend; the cheap bound from the
/// graphs settles most models first, without the exact figure. A model that
/// does not fit is a user error that names its size and largest buffers, not a
/// process killed by the OS.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"
#include "compiler/kernel/ModelProgram.h"
#include "support/Error.h"

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace voskhod::driver {

/// Adds `--max-memory SIZE` (e.g. 512M, 4G) to a subcommand.
void addMaxMemoryOption(CLI::App &cmd, std::string &value);

/// Whether the graphs' cheap upper bound already fits `maxMemory` (when not
/// empty) and, when `runsHere`, the memory available to this process; then
/// checkModelMemory cannot fail.
bool memoryBoundFits(const std::vector<const ir::Graph *> &graphs,
                     const std::string &maxMemory, bool runsHere);

/// Checks the lowered model against `maxMemory` (when not empty) and, when
/// `runsHere`, against the memory available to this process.
Status checkModelMemory(const kernel::ModelProgram &model,
                        const std::string &maxMemory, bool runsHere);

/// The same for a step the float64 interpreter runs here, which holds every
/// value of the graph at once.
Status checkInterpreterMemory(const ir::Graph &step,
                              const std::string &maxMemory);

} // namespace voskhod::driver
