//===- trainer/Trainer.h - the epoch loop around a compiled step ----------===//
///
/// Trains a model whose step was compiled elsewhere: the Trainer sees it
/// only through `StepRunner`, so it runs the JIT, the interpreter, a GPU
/// step or a test's hand-written model alike, and includes nothing of the
/// compiler. A run is:
///
///   1. match the data to the step's signature (feature count, label kind,
///      class range; trainer/data/Dataset.h) and standardise every split
///      with statistics fitted on the training split (or, when resuming,
///      taken from the checkpoint);
///   2. for each epoch, shuffle with (seed, epoch), step through the full
///      batches, stop with an error naming the step if the loss is NaN or
///      infinite, then evaluate: train loss is the mean of the epoch's step
///      losses; accuracy (classification, multi-label) or MSE and mean
///      absolute error (regression) come from predictions on the training
///      and test splits, padded and masked so every example counts once;
///   3. save a checkpoint after every epoch and, on Ctrl-C, after the
///      current step (a second Ctrl-C kills the process as usual), plus the
///      loss curve as CSV and SVG next to it, written after the checkpoint
///      and drawn from its history (a resumed run writes them again first,
///      so a kill between the two cannot leave them behind for good).
///
/// Resuming restores the runner's state tensors, the position (a batch is
/// a function of seed, epoch and index) and the losses so far, so a resumed
/// run reproduces the uninterrupted run's losses bit for bit, given a step
/// that is itself deterministic. The checkpoint (trainer/Checkpoint.h)
/// holds the runner's tensors under their own names plus `data/mean`,
/// `data/std`, `trainer/step_losses` and `trainer/epoch_metrics`; `/` can
/// not occur in a graph name, so these never collide with the model's.
///
/// Classification metrics read predictions as logits (softmax cross-
/// entropy, arg-max accuracy), multi-label metrics as one logit per label
/// (sigmoid cross-entropy; a row counts as right when every label is);
/// regression metrics read them as values.
///
/// Two options read the held-out split's metrics at each epoch's end, in
/// this order: `plateau` reduces the run-time `lr` hyperparameter as
/// PyTorch's ReduceLROnPlateau does on the validation loss
/// (trainer/PlateauScheduler.h), and `keepBest` writes the state to
/// `X.best.safetensors` when the validation metric improves
/// (trainer/BestCheckpoint.h). Both keep their state in the checkpoint
/// (`trainer/plateau`; metadata `best_epoch`, `best_metric`), so resuming
/// neither forgets the best epoch nor reduces on a different one.
/// The Trainer deliberately knows nothing of in-graph learning-rate
/// schedules or early stopping.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Error.h"
#include "trainer/Checkpoint.h"
#include "trainer/PlateauScheduler.h"
#include "trainer/Progress.h"
#include "trainer/data/DataLoader.h"
#include "trainer/data/Dataset.h"

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace voskhod::rt {

/// What the Trainer needs of a compiled training step.
class StepRunner {
public:
  virtual ~StepRunner() = default;
  /// Shapes of the step's inputs and outputs.
  virtual StepSignature signature() const = 0;
  /// Feeds the next step. The batch has exactly signature().batchSize rows.
  virtual Status setBatch(const Batch &batch) = 0;
  /// Runs one forward/backward/update step on the batch set last; returns
  /// its loss.
  virtual Expected<double> step() = 0;
  /// Predictions for a batch, batchSize × outputWidth, without updating
  /// anything. Padded rows (mask 0) may hold anything.
  virtual Expected<std::vector<float>> predict(const Batch &batch) = 0;
  /// The tensors that make up the training state (parameters, optimiser
  /// slots, the step counter), in a fixed order.
  virtual std::vector<TensorSpec> stateSpecs() const = 0;
  virtual Expected<TensorData> readState(const std::string &name) const = 0;
  virtual Status writeState(const std::string &name,
                            const TensorData &value) = 0;
  /// The update rule's run-time hyperparameters (rt::Executable's
  /// setHparam): a step with none refuses every name.
  virtual Status setHparam(const std::string &name, double value);
  virtual Expected<double> hparam(const std::string &name) const;
};

struct TrainerOptions {
  int64_t epochs = 1;
  /// Seeds the shuffle (and is recorded so a resume can insist on it).
  uint64_t seed = 0;
  bool shuffle = true;
  PartialBatch partial = PartialBatch::Drop;
  bool standardize = true;
  /// Where to save checkpoints; the curves go next to it (`X.safetensors`
  /// → `X.loss.csv`, `X.metrics.csv`, `X.loss.svg`). Empty: none.
  std::string checkpointPath;
  /// A checkpoint to continue from. Empty: a fresh run.
  std::string resumePath;
  std::string modelName;
  /// Hyperparameters to set before the first step (`voskhod train --lr`):
  /// after a resume has restored the checkpoint's, so these win.
  std::vector<std::pair<std::string, double>> hparams;
  /// Keep `X.best.safetensors`, the state after the epoch with the best
  /// validation metric (needs a checkpoint path and a held-out split).
  bool keepBest = false;
  /// Reduce `lr` on a plateau of the validation loss (needs a held-out
  /// split and a step with an `lr` hyperparameter).
  std::optional<PlateauOptions> plateau;
  /// Extra checkpoint metadata (the data spec, the initialisation seed).
  std::map<std::string, std::string> metadata;
  bool evaluateTrainSet = true;
  bool catchInterrupt = true;
  /// Where progress and summaries go, and how.
  std::FILE *progressStream = stderr;
  std::optional<ProgressReporter::Style> progressStyle;
};

struct EpochMetrics {
  int64_t epoch = 0; // 1-based
  int64_t step = 0;  // steps done when the epoch ended
  double trainLoss = 0;
  /// NaN where not measured (regression has no accuracy, and so on).
  double trainAccuracy = 0, trainMae = 0;
  double testLoss = 0, testAccuracy = 0, testMae = 0;
  double seconds = 0;
};

struct TrainReport {
  std::vector<double> stepLosses;
  std::vector<EpochMetrics> epochs;
  bool interrupted = false;
  /// With keepBest: the best epoch (1-based; 0 when none yet) and its
  /// validation metric.
  int64_t bestEpoch = 0;
  double bestMetric = 0;
  int64_t stepsDone = 0;
  /// Checkpoint and curve files written, last version of each.
  std::vector<std::string> files;
};

/// Runs the loop. `data` is matched and standardised in place.
Expected<TrainReport> train(StepRunner &runner, DataSplits &data,
                            const TrainerOptions &options);

/// What Ctrl-C does: the loop stops after the current step. Async-signal-
/// safe; `train` clears it when it starts.
void requestStop();

/// `X.safetensors` → `X` (the stem the curve files share).
std::string curveStem(const std::string &checkpointPath);

} // namespace voskhod::rt
