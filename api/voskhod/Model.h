//===- api/voskhod/Model.h - a compiled model, ready to train and run -----===//
///
/// What `voskhod::compile` returns: one model's training step and forward
/// pass compiled for a target, with its parameters and optimiser state in
/// host memory. It owns everything it runs on (the graphs it was compiled
/// from are copies), so the `Graph` that built it may be destroyed first.
///
/// Every call checks its arguments against the model's tensor table and
/// returns an error `Status`/`Expected` instead of crashing: an unknown
/// input, a missing one, a wrong dtype or shape, a step before the
/// parameters are initialised, a checkpoint of another model.
///
/// Thread safety: a Model is not internally synchronised. Different models
/// may be used from different threads at once; one model from one thread at
/// a time (its step mutates its parameters in place).
///
//===----------------------------------------------------------------------===//
#pragma once

#include <voskhod/Array.h>

#include "trainer/Trainer.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace voskhod {

/// Where a model runs: the LLVM JIT, an NVIDIA GPU, or the float64
/// reference interpreter (slow; the oracle the others are tested against).
enum class Target { Cpu, Cuda, Interpreter };

/// A tensor of the model, as `inputs()`, `parameters()` and `outputs()`
/// list them.
struct TensorSpec {
  std::string name;
  ir::DType dtype = ir::DType::F32;
  std::vector<int64_t> shape;
};

class Model {
public:
  struct Impl;
  explicit Model(std::unique_ptr<Impl> impl);
  Model(Model &&) noexcept;
  Model &operator=(Model &&) noexcept;
  ~Model();

  const std::string &name() const;
  Target target() const;

  /// The inputs trainStep reads (features and labels).
  std::vector<TensorSpec> inputs() const;
  /// The inputs forward reads (the labels only when a result needs them).
  std::vector<TensorSpec> forwardInputs() const;
  /// Trainable parameters, in the graph's order.
  std::vector<TensorSpec> parameters() const;
  /// What forward returns, in the graph's `returns` order.
  std::vector<TensorSpec> outputs() const;

  /// Parameters and optimiser state from their initialisers and `seed` (the
  /// values `voskhod train --seed` starts from).
  void initialize(uint64_t seed);
  bool initialized() const;

  /// One training step on `inputs` (every input of inputs() by name);
  /// returns the loss. Parameters and optimiser state change in place. A
  /// non-finite loss is an error.
  Expected<double> trainStep(const Inputs &inputs);
  /// Whether the last trainStep updated the parameters: always, unless the
  /// graph accumulates gradients (`accumulate = k`,
  /// Graph::accumulateGradients), when every k-th step does.
  Expected<bool> stepUpdated() const;
  /// Inference on `inputs`; one Array per output.
  Expected<std::vector<Array>> forward(const Inputs &inputs);

  /// The update rule's run-time hyperparameters ("lr", "beta1", ...):
  /// changed between steps without recompiling, and the losses are those of
  /// a graph compiled with the value. Set after initialize(), which resets
  /// them to the graph's values. Errors: an unknown name (the message lists
  /// the model's), a value that is not finite or is negative.
  std::vector<std::string> hparamNames() const;
  Status setHparam(std::string_view name, double value);
  Expected<double> hparam(std::string_view name) const;

  /// A parameter's (or optimiser slot's) current values.
  Expected<Array> parameter(std::string_view name) const;
  /// Overwrites a parameter; its dtype and shape must match.
  Status setParameter(std::string_view name, const TensorView &value);

  /// Parameters and optimiser state as a safetensors checkpoint, the format
  /// `voskhod train --checkpoint` writes.
  Status save(const std::string &path) const;
  /// Restores a checkpoint of this model (one save() or `voskhod train`
  /// wrote); a checkpoint of another model is an error and changes nothing.
  Status load(const std::string &path);

  /// Trains on a data set with the runtime's Trainer, as `voskhod train
  /// --data` does: epochs of shuffled mini-batches, metrics, progress,
  /// checkpoints and plots as `options` ask. The feature input is the
  /// graph's first floating-point input, the labels the input its loss
  /// compares with. `options.modelName` defaults to the model's name.
  Expected<rt::TrainReport> fit(rt::DataSplits &data,
                                rt::TrainerOptions options = {});

private:
  std::unique_ptr<Impl> impl_;
};

} // namespace voskhod
