//===- compiler/driver/HparamFlags.h - flags that set hyperparameters -----===//
///
/// `voskhod train --lr`, `--clip-grad-norm` and `--clip-grad-value` set
/// run-time hyperparameters of the compiled step (`lr`, `max_norm`,
/// `clip_value`) instead of recompiling it. Clipping is part of the step's
/// graph, so a clipping flag only sets the limit of a clause the model's
/// `minimize` already has; without one it is an error at that statement,
/// since adding clipping would take a different graph.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/driver/StepRunner.h"
#include "compiler/ir/Diagnostics.h"
#include "compiler/ir/Graph.h"

#include <optional>
#include <string>
#include <vector>

namespace voskhod::driver {

struct HparamFlag {
  std::string flag; // "--lr", for messages
  std::string name; // the step's hyperparameter, "lr"
  double value = 0;
};

/// The hyperparameters the flags set, in flag order; nullopt after an error
/// reported to `diags` at the model's minimize statement.
std::optional<std::vector<HparamFlag>> hparamFlags(const TrainOptions &opts,
                                                   const ir::Graph &forward,
                                                   ir::DiagnosticEngine &diags);

} // namespace voskhod::driver
