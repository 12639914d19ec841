//===- compiler/training/InterpreterTrainer.h - training in float64 -------===//
///
/// Runs a training-step graph (TrainStep.h) step after step in the float64
/// reference interpreter: each step evaluates the graph on the current
/// params and states plus one batch, takes the loss (the step's first
/// result), and moves to the leaf values the graph's updates assign. It is
/// the oracle that compiled training runs are compared with, and what
/// `voskhod train --backend=interp` runs.
///
/// Batches come from a callback; without one, every input is drawn afresh
/// for each step by training::randomInputs. A loss that is not finite stops
/// the run with an error naming the step, since every later step would
/// only propagate it. It does not shuffle, batch or read data sets
/// (trainer/data does) and does not checkpoint.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/interpreter/Interpreter.h"
#include "support/Error.h"

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace voskhod::training {

/// Values of the step graph's input leaves for step `index` (0-based).
using BatchProvider = std::function<Expected<ir::LeafValues>(uint64_t index)>;
/// Told each step's index and loss as soon as it is known.
using StepObserver = std::function<void(uint64_t index, double loss)>;

/// Fresh random inputs for each step: randomInputs(step, seed, index).
BatchProvider randomBatches(const ir::Graph &step, uint64_t seed);

class InterpreterTrainer {
public:
  /// `state` holds a value for every param and state leaf of `step`.
  InterpreterTrainer(const ir::Graph &step, ir::LeafValues state);

  /// One step on `batch`; returns its loss.
  Expected<double> runStep(const ir::LeafValues &batch);
  /// `steps` steps, batches from `batches`; returns every step's loss. On
  /// an error the losses of the steps done were already given to
  /// `observer`.
  Expected<std::vector<double>> run(uint64_t steps,
                                    const BatchProvider &batches,
                                    const StepObserver &observer = {});

  /// The update rule's run-time hyperparameters (support/Hyperparameters.h)
  /// as rt::Executable has them: set for the steps that follow, the value
  /// rounded to f32 for an f32 leaf as its initial value is. An unknown
  /// name is an error listing the step's.
  Status setHparam(std::string_view name, double value);
  Expected<double> hparam(std::string_view name) const;

  /// Current params and states (after the steps run so far).
  const ir::LeafValues &state() const { return state_; }
  uint64_t stepsDone() const { return stepsDone_; }

private:
  Expected<const ir::Node *> hparamLeaf(std::string_view name) const;

  const ir::Graph &step_;
  ir::LeafValues state_;
  uint64_t stepsDone_ = 0;
};

} // namespace voskhod::training
