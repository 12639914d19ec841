//===- compiler/training/Initialize.h - deterministic starting values -----===//
///
/// Initial values for a graph's params and states from their `init = ...`
/// specs, and random inputs for `eval`, `check-grad` and `train` runs without
/// data. Every value is a pure function of (seed, leaf name, element index)
/// through runtime/Random.h, the same numbers the compiled backends use.
///
/// Random inputs: floating-point inputs are standard normal; i32 inputs used
/// as class labels (by softmax_cross_entropy or one_hot) are uniform over the
/// classes, other i32 inputs uniform over [0, 10); i1 inputs are fair coins.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/interpreter/Interpreter.h"

#include <cstdint>

namespace voskhod::training {

/// Values of every param and state leaf.
ir::LeafValues initialState(const ir::Graph &g, uint64_t seed);
/// Values of every input leaf; `step` selects a fresh draw per step.
ir::LeafValues randomInputs(const ir::Graph &g, uint64_t seed,
                            uint64_t step = 0);
/// initialState and randomInputs together.
ir::LeafValues initialLeafValues(const ir::Graph &g, uint64_t seed);

} // namespace voskhod::training
