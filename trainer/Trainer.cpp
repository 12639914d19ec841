//===- trainer/Trainer.cpp - the epoch loop around a compiled step --------===//
#include "trainer/Trainer.h"

#include "trainer/AtomicFile.h"
#include "trainer/BestCheckpoint.h"
#include "trainer/Plot.h"
#include "trainer/data/Standardizer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <limits>

namespace voskhod::rt {
namespace {

volatile std::sig_atomic_t gStopRequested = 0;

extern "C" void onInterrupt(int) {
  if (gStopRequested) {
    // A second Ctrl-C means "now": fall back to the default action.
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
    return;
  }
  gStopRequested = 1;
}

/// Installs the Ctrl-C handler for the duration of a run.
class InterruptGuard {
public:
  explicit InterruptGuard(bool enable) : enabled_(enable) {
    if (!enabled_)
      return;
    struct sigaction action = {};
    action.sa_handler = onInterrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_);
  }
  ~InterruptGuard() {
    if (enabled_)
      sigaction(SIGINT, &previous_, nullptr);
  }

private:
  bool enabled_;
  struct sigaction previous_ = {};
};

const double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMetricColumns = 9;

std::string formatDouble(double v, int digits = 17) {
  char b[40];
  std::snprintf(b, sizeof b, "%.*g", digits, v);
  return b;
}

struct Evaluation {
  double loss = kNaN, accuracy = kNaN, mae = kNaN;
};

/// Loss and accuracy (or MSE and MAE) of the runner's predictions over a
/// whole split, in padded batches so no example is left out. A model with
/// several class labels per example (a next-token target at every
/// position) predicts one logit row per label; each counts as one case.
Expected<Evaluation> evaluate(StepRunner &runner, const Dataset &data,
                              const StepSignature &sig) {
  DataLoader loader(data, {sig.batchSize, 0, false, PartialBatch::Pad});
  Batch batch;
  double lossSum = 0, hits = 0, absSum = 0;
  int64_t rows = 0;
  int64_t width = sig.outputWidth;
  int64_t cases = sig.labelKind == LabelKind::Class
                      ? std::max<int64_t>(1, sig.labelsPerExample)
                      : 1;
  if (width % cases != 0)
    return makeError("the model predicts " + std::to_string(width) +
                     " values per example, not a whole row of logits for "
                     "each of its " +
                     std::to_string(cases) + " labels");
  int64_t classes = width / cases;
  if (cases > 1 && classes < sig.labelWidth)
    return makeError("the model predicts " + std::to_string(classes) +
                     " values per label, fewer than its " +
                     std::to_string(sig.labelWidth) + " classes");
  for (int64_t i = 0; i < loader.batchesPerEpoch(); ++i) {
    loader.fill(0, i, batch);
    auto predictions = runner.predict(batch);
    VOSKHOD_RETURN_IF_ERROR(predictions);
    if (int64_t(predictions->size()) != batch.size * width)
      return makeError("the model predicted " +
                       std::to_string(predictions->size()) +
                       " values for a batch of " + std::to_string(batch.size) +
                       " rows of " + std::to_string(width));
    for (int64_t r = 0; r < batch.valid; ++r) {
      if (sig.labelKind == LabelKind::Class) {
        for (int64_t k = 0; k < cases; ++k) {
          const float *out = &(*predictions)[(r * cases + k) * classes];
          int32_t label = batch.classes[r * cases + k];
          int64_t best = 0;
          double top = out[0];
          for (int64_t c = 1; c < classes; ++c)
            if (out[c] > top) {
              top = out[c];
              best = c;
            }
          double sum = 0;
          for (int64_t c = 0; c < classes; ++c)
            sum += std::exp(double(out[c]) - top);
          lossSum += top + std::log(sum) - double(out[label]);
          hits += best == label;
        }
        continue;
      }
      const float *out = &(*predictions)[r * width];
      if (sig.multiLabel) {
        // The sigmoid cross-entropy of the logits, averaged over labels; a
        // row is right when every label is.
        bool allRight = true;
        for (int64_t c = 0; c < width; ++c) {
          double z = out[c], t = batch.targets[r * width + c];
          lossSum +=
              (std::max(z, 0.0) - z * t + std::log1p(std::exp(-std::fabs(z)))) /
              double(width);
          allRight &= (z > 0) == (t > 0.5);
        }
        hits += allRight;
      } else {
        for (int64_t c = 0; c < width; ++c) {
          double d = double(out[c]) - double(batch.targets[r * width + c]);
          lossSum += d * d / double(width);
          absSum += std::fabs(d) / double(width);
        }
      }
    }
    rows += batch.valid * cases;
  }
  Evaluation e;
  if (rows == 0)
    return e;
  e.loss = lossSum / double(rows);
  if (sig.labelKind == LabelKind::Class || sig.multiLabel)
    e.accuracy = hits / double(rows);
  else
    e.mae = absSum / double(rows);
  return e;
}

std::string percent(double fraction) {
  return formatDouble(100 * fraction, 4) + "%";
}

std::string summaryOf(const EpochMetrics &m, int64_t epochs, bool hasTest) {
  std::string s = "epoch " + std::to_string(m.epoch) + "/" +
                  std::to_string(epochs) + ": train loss " +
                  formatDouble(m.trainLoss, 5);
  if (!std::isnan(m.trainAccuracy))
    s += " acc " + percent(m.trainAccuracy);
  if (!std::isnan(m.trainMae))
    s += " mae " + formatDouble(m.trainMae, 5);
  if (hasTest) {
    s += ", test loss " + formatDouble(m.testLoss, 5);
    if (!std::isnan(m.testAccuracy))
      s += " acc " + percent(m.testAccuracy);
    if (!std::isnan(m.testMae))
      s += " mae " + formatDouble(m.testMae, 5);
  }
  return s + " (" + formatDouble(m.seconds, 3) + " s)";
}

std::vector<double> metricRow(const EpochMetrics &m) {
  return {double(m.epoch), double(m.step), m.trainLoss,
          m.trainAccuracy, m.trainMae,     m.testLoss,
          m.testAccuracy,  m.testMae,      m.seconds};
}

EpochMetrics metricFromRow(const double *v) {
  EpochMetrics m;
  m.epoch = int64_t(v[0]);
  m.step = int64_t(v[1]);
  m.trainLoss = v[2];
  m.trainAccuracy = v[3];
  m.trainMae = v[4];
  m.testLoss = v[5];
  m.testAccuracy = v[6];
  m.testMae = v[7];
  m.seconds = v[8];
  return m;
}

/// What must agree between a checkpoint and the run resuming it for the
/// resumed run to see the same batches.
std::map<std::string, std::string> positionKeys(const TrainerOptions &options,
                                                const StepSignature &sig,
                                                const Dataset &train) {
  return {
      {"seed", std::to_string(options.seed)},
      {"batch_size", std::to_string(sig.batchSize)},
      {"train_examples", std::to_string(train.size())},
      {"shuffle", options.shuffle ? "true" : "false"},
      {"partial_batch", options.partial == PartialBatch::Drop ? "drop" : "pad"},
      {"standardize", options.standardize ? "true" : "false"}};
}

std::string csvCell(double v) {
  return std::isnan(v) ? std::string() : formatDouble(v);
}

/// Writes the loss curves: per-step CSV, per-epoch CSV and an SVG plot.
Status writeCurves(const std::string &stem, const TrainReport &report,
                   int64_t batchesPerEpoch, const std::string &modelName,
                   bool hasTest) {
  std::string steps = "step,epoch,loss\n";
  for (size_t i = 0; i < report.stepLosses.size(); ++i)
    steps += std::to_string(i + 1) + "," +
             std::to_string(int64_t(i) / batchesPerEpoch + 1) + "," +
             formatDouble(report.stepLosses[i]) + "\n";
  std::string epochs = "epoch,step,train_loss,train_accuracy,train_mae,"
                       "test_loss,test_accuracy,test_mae,seconds\n";
  for (const EpochMetrics &m : report.epochs) {
    std::vector<double> row = metricRow(m);
    for (size_t i = 0; i < row.size(); ++i)
      epochs += (i ? "," : "") + csvCell(row[i]);
    epochs += "\n";
  }
  Curve perStep{"train loss (per step)", {}, {}, false};
  for (size_t i = 0; i < report.stepLosses.size(); ++i) {
    perStep.x.push_back(double(i + 1) / double(batchesPerEpoch));
    perStep.y.push_back(report.stepLosses[i]);
  }
  Curve trainMean{"train loss (epoch mean)", {}, {}, true};
  Curve test{"test loss", {}, {}, true};
  for (const EpochMetrics &m : report.epochs) {
    trainMean.x.push_back(double(m.epoch));
    trainMean.y.push_back(m.trainLoss);
    test.x.push_back(double(m.epoch));
    test.y.push_back(m.testLoss);
  }
  std::vector<Curve> curves = {perStep, trainMean};
  if (hasTest)
    curves.push_back(test);
  PlotOptions plot;
  plot.title =
      (modelName.empty() ? std::string("training") : modelName) + " loss";
  plot.xLabel = "epoch";
  plot.yLabel = "loss";
  VOSKHOD_RETURN_IF_ERROR(writeFileAtomically(stem + ".loss.csv", steps));
  VOSKHOD_RETURN_IF_ERROR(writeFileAtomically(stem + ".metrics.csv", epochs));
  return writeFileAtomically(stem + ".loss.svg", renderSvg(curves, plot));
}

class TrainingRun {
public:
  TrainingRun(StepRunner &runner, DataSplits &data,
              const TrainerOptions &options)
      : runner_(runner), data_(data), options_(options),
        sig_(runner.signature()),
        progress_(options.progressStream,
                  options.progressStyle.value_or(
                      ProgressReporter::styleFor(options.progressStream))) {}

  Expected<TrainReport> run();

private:
  Status prepareData(const Checkpoint *resume);
  Status restore(const Checkpoint &checkpoint);
  Status checkOptions() const;
  Status restoreBest(const Checkpoint &checkpoint);
  Status restorePlateau(const Checkpoint &checkpoint);
  Status startPlateau();
  Expected<Checkpoint> currentCheckpoint();
  Status save();
  Status saveCurves();
  Status epochEnd(int64_t epoch, double seconds);
  Status reduceOnPlateau(const EpochMetrics &m);
  Status keepIfBest(const EpochMetrics &m);

  StepRunner &runner_;
  DataSplits &data_;
  const TrainerOptions &options_;
  StepSignature sig_;
  ProgressReporter progress_;
  std::optional<Standardizer> standardizer_;
  TrainReport report_;
  int64_t batchesPerEpoch_ = 0;
  BestMetric bestMetric_;
  std::optional<PlateauState> plateau_;
};

Status TrainingRun::checkOptions() const {
  if ((options_.keepBest || options_.plateau) && !data_.test)
    return makeError(
        std::string(options_.keepBest ? "keep-best" : "reduce-lr-on-plateau") +
        " compares validation metrics, but the data has no "
        "held-out (test) split");
  if (options_.keepBest && options_.checkpointPath.empty())
    return makeError("keep-best needs a checkpoint path to put the best "
                     "checkpoint next to");
  if (const auto &p = options_.plateau;
      p && (!(p->factor > 0 && p->factor < 1) || p->patience < 0 ||
            !(p->threshold >= 0) || p->cooldown < 0 || !(p->minLr >= 0)))
    return makeError("reduce-lr-on-plateau needs 0 < factor < 1 and "
                     "non-negative patience, threshold, cooldown and min_lr");
  return Status::ok();
}

/// The best epoch so far, from the metadata `keepIfBest` leaves in every
/// checkpoint; a checkpoint of a run without keep-best has none.
Status TrainingRun::restoreBest(const Checkpoint &checkpoint) {
  auto epoch = checkpoint.metadata.find("best_epoch");
  auto metric = checkpoint.metadata.find("best_metric");
  if (epoch == checkpoint.metadata.end() || metric == checkpoint.metadata.end())
    return Status::ok();
  char *end = nullptr;
  report_.bestEpoch = std::strtoll(epoch->second.c_str(), &end, 10);
  bool epochOk = *end == 0 && report_.bestEpoch > 0;
  report_.bestMetric = std::strtod(metric->second.c_str(), &end);
  if (!epochOk || *end != 0)
    return makeError("checkpoint '" + options_.resumePath +
                     "' has a malformed best_epoch or best_metric");
  return Status::ok();
}

Status TrainingRun::restorePlateau(const Checkpoint &checkpoint) {
  auto it = checkpoint.tensors.find("trainer/plateau");
  if (it == checkpoint.tensors.end())
    return Status::ok(); // saved by a run without it: this one starts afresh
  std::optional<PlateauState> state;
  if (it->second.dtype == DType::F64)
    state = PlateauState::fromValues(it->second.toF64());
  if (!state)
    return makeError("checkpoint '" + options_.resumePath +
                     "' has a malformed trainer/plateau");
  plateau_ = state;
  return Status::ok();
}

/// After a resume and options_.hparams: a rate given for this run wins over
/// the checkpoint's, as it does for the step itself.
Status TrainingRun::startPlateau() {
  bool lrGiven = std::any_of(options_.hparams.begin(), options_.hparams.end(),
                             [](const auto &h) { return h.first == "lr"; });
  if (plateau_ && !lrGiven)
    return Status::ok();
  auto lr = runner_.hparam("lr");
  if (!lr)
    return makeError("reduce-lr-on-plateau needs the step's run-time 'lr': " +
                     lr.message());
  if (!plateau_)
    plateau_ = PlateauState{};
  plateau_->lr = *lr;
  return Status::ok();
}

Status TrainingRun::prepareData(const Checkpoint *resume) {
  if (sig_.batchSize <= 0)
    return makeError("the model's batch size must be positive");
  VOSKHOD_RETURN_IF_ERROR(conformToSignature(data_.train, sig_));
  if (data_.test)
    VOSKHOD_RETURN_IF_ERROR(conformToSignature(*data_.test, sig_));
  // Token ids name characters; shifting and scaling them means nothing.
  if (!options_.standardize || data_.train.featureKind == FeatureKind::Token)
    return Status::ok();
  if (resume) {
    auto mean = resume->tensors.find("data/mean");
    auto stddev = resume->tensors.find("data/std");
    if (mean == resume->tensors.end() || stddev == resume->tensors.end() ||
        mean->second.dtype != DType::F32 || stddev->second.dtype != DType::F32)
      return makeError("checkpoint '" + options_.resumePath +
                       "' has no standardisation statistics");
    auto s = Standardizer::fromStatistics(
        mean->second.toF32(), stddev->second.toF32(),
        Standardizer::savedAs(mean->second.shape));
    if (!s)
      return makeError("checkpoint '" + options_.resumePath +
                       "': " + s.message());
    standardizer_ = s.take();
  } else {
    standardizer_ =
        Standardizer::fit(data_.train, standardizationFor(data_.train, sig_));
  }
  VOSKHOD_RETURN_IF_ERROR(standardizer_->apply(data_.train));
  if (data_.test)
    return standardizer_->apply(*data_.test);
  return Status::ok();
}

Status TrainingRun::restore(const Checkpoint &checkpoint) {
  const std::string &path = options_.resumePath;
  for (const auto &[key, value] : positionKeys(options_, sig_, data_.train)) {
    auto it = checkpoint.metadata.find(key);
    if (it == checkpoint.metadata.end())
      return makeError("checkpoint '" + path + "' lacks '" + key +
                       "'; it was not written by a training run");
    if (it->second != value)
      return makeError("cannot resume from '" + path +
                       "': it was trained "
                       "with " +
                       key + " " + it->second + ", this run uses " + value);
  }
  std::vector<TensorSpec> specs = runner_.stateSpecs();
  VOSKHOD_RETURN_IF_ERROR(verifyTensors(checkpoint, specs, path));
  for (const TensorSpec &spec : specs)
    VOSKHOD_RETURN_IF_ERROR(
        runner_.writeState(spec.name, checkpoint.tensors.at(spec.name)));
  auto losses = checkpoint.tensors.find("trainer/step_losses");
  auto metrics = checkpoint.tensors.find("trainer/epoch_metrics");
  if (losses == checkpoint.tensors.end() ||
      metrics == checkpoint.tensors.end() ||
      losses->second.dtype != DType::F64 ||
      metrics->second.dtype != DType::F64 ||
      metrics->second.shape.size() != 2 ||
      metrics->second.shape[1] != kMetricColumns)
    return makeError("checkpoint '" + path + "' lacks the trainer's history");
  report_.stepLosses = losses->second.toF64();
  std::vector<double> rows = metrics->second.toF64();
  for (size_t i = 0; i + kMetricColumns <= rows.size(); i += kMetricColumns)
    report_.epochs.push_back(metricFromRow(&rows[i]));
  report_.stepsDone = int64_t(report_.stepLosses.size());
  if (options_.keepBest)
    VOSKHOD_RETURN_IF_ERROR(restoreBest(checkpoint));
  if (options_.plateau)
    VOSKHOD_RETURN_IF_ERROR(restorePlateau(checkpoint));
  if (int64_t(report_.epochs.size()) != report_.stepsDone / batchesPerEpoch_)
    return makeError("checkpoint '" + path +
                     "' is inconsistent: " + std::to_string(report_.stepsDone) +
                     " steps but " + std::to_string(report_.epochs.size()) +
                     " finished epochs");
  return Status::ok();
}

Expected<Checkpoint> TrainingRun::currentCheckpoint() {
  Checkpoint checkpoint;
  for (const TensorSpec &spec : runner_.stateSpecs()) {
    auto value = runner_.readState(spec.name);
    VOSKHOD_RETURN_IF_ERROR(value);
    checkpoint.tensors[spec.name] = value.take();
  }
  if (standardizer_) {
    std::vector<int64_t> shape = standardizer_->savedShape();
    checkpoint.tensors["data/mean"] =
        TensorData::fromF32(shape, standardizer_->mean);
    checkpoint.tensors["data/std"] =
        TensorData::fromF32(shape, standardizer_->stddev);
  }
  checkpoint.tensors["trainer/step_losses"] = TensorData::fromF64(
      {int64_t(report_.stepLosses.size())}, report_.stepLosses);
  std::vector<double> rows;
  for (const EpochMetrics &m : report_.epochs)
    for (double v : metricRow(m))
      rows.push_back(v);
  checkpoint.tensors["trainer/epoch_metrics"] = TensorData::fromF64(
      {int64_t(report_.epochs.size()), kMetricColumns}, rows);
  checkpoint.metadata = options_.metadata;
  for (const auto &[key, value] : positionKeys(options_, sig_, data_.train))
    checkpoint.metadata[key] = value;
  checkpoint.metadata["model"] = options_.modelName;
  checkpoint.metadata["step"] = std::to_string(report_.stepsDone);
  checkpoint.metadata["epoch"] =
      std::to_string(report_.stepsDone / batchesPerEpoch_);
  if (plateau_)
    checkpoint.tensors["trainer/plateau"] =
        TensorData::fromF64({4}, plateau_->toValues());
  if (report_.bestEpoch > 0) {
    checkpoint.metadata["best_epoch"] = std::to_string(report_.bestEpoch);
    checkpoint.metadata["best_metric"] = formatDouble(report_.bestMetric);
    checkpoint.metadata["best_metric_name"] = bestMetric_.name;
  }
  return checkpoint;
}

Status TrainingRun::save() {
  if (options_.checkpointPath.empty())
    return Status::ok();
  auto checkpoint = currentCheckpoint();
  VOSKHOD_RETURN_IF_ERROR(checkpoint);
  VOSKHOD_RETURN_IF_ERROR(saveCheckpoint(options_.checkpointPath, *checkpoint));
  VOSKHOD_RETURN_IF_ERROR(saveCurves());
  report_.files.insert(report_.files.begin(), options_.checkpointPath);
  if (report_.bestEpoch > 0)
    report_.files.insert(report_.files.begin() + 1,
                         bestCheckpointPath(options_.checkpointPath));
  return Status::ok();
}

/// PyTorch's order: evaluate, step the scheduler, then save; the rate the
/// step will use next is part of the state saved below.
Status TrainingRun::reduceOnPlateau(const EpochMetrics &m) {
  if (!plateau_)
    return Status::ok();
  std::optional<double> lr =
      stepPlateau(*plateau_, *options_.plateau, m.testLoss);
  if (!lr)
    return Status::ok();
  VOSKHOD_RETURN_IF_ERROR(runner_.setHparam("lr", *lr));
  progress_.line("epoch " + std::to_string(m.epoch) +
                 ": the validation loss is on a plateau; learning rate "
                 "reduced to " +
                 formatDouble(*lr));
  return Status::ok();
}

/// Written before the regular checkpoint, which records it: a kill between
/// the two leaves a best file one epoch ahead of the record, and the
/// resumed run redoes that epoch and writes the same file again.
Status TrainingRun::keepIfBest(const EpochMetrics &m) {
  if (!options_.keepBest)
    return Status::ok();
  double value = bestMetric_.higherIsBetter ? m.testAccuracy : m.testLoss;
  std::optional<double> best;
  if (report_.bestEpoch > 0)
    best = report_.bestMetric;
  if (!isBetter(bestMetric_, value, best))
    return Status::ok();
  report_.bestEpoch = m.epoch;
  report_.bestMetric = value;
  auto checkpoint = currentCheckpoint();
  VOSKHOD_RETURN_IF_ERROR(checkpoint);
  return saveCheckpoint(bestCheckpointPath(options_.checkpointPath),
                        *checkpoint);
}

/// The curves are the checkpoint's history drawn out, written after it: a
/// process killed between the two leaves them one save behind. A resumed
/// run writes them again from the history it restored, before anything
/// else; otherwise a kill after the last epoch's checkpoint would leave
/// them short for good, since no later save would come to rewrite them.
Status TrainingRun::saveCurves() {
  if (options_.checkpointPath.empty())
    return Status::ok();
  std::string stem = curveStem(options_.checkpointPath);
  VOSKHOD_RETURN_IF_ERROR(writeCurves(stem, report_, batchesPerEpoch_,
                                      options_.modelName,
                                      data_.test.has_value()));
  report_.files = {stem + ".loss.csv", stem + ".metrics.csv",
                   stem + ".loss.svg"};
  return Status::ok();
}

Status TrainingRun::epochEnd(int64_t epoch, double seconds) {
  EpochMetrics m;
  m.epoch = epoch + 1;
  m.step = report_.stepsDone;
  double sum = 0;
  for (int64_t i = epoch * batchesPerEpoch_; i < report_.stepsDone; ++i)
    sum += report_.stepLosses[i];
  m.trainLoss = sum / double(batchesPerEpoch_);
  m.trainAccuracy = m.trainMae = kNaN;
  m.testLoss = m.testAccuracy = m.testMae = kNaN;
  m.seconds = seconds;
  if (options_.evaluateTrainSet) {
    auto e = evaluate(runner_, data_.train, sig_);
    VOSKHOD_RETURN_IF_ERROR(e);
    m.trainAccuracy = e->accuracy;
    m.trainMae = e->mae;
  }
  if (data_.test) {
    auto e = evaluate(runner_, *data_.test, sig_);
    VOSKHOD_RETURN_IF_ERROR(e);
    m.testLoss = e->loss;
    m.testAccuracy = e->accuracy;
    m.testMae = e->mae;
  }
  report_.epochs.push_back(m);
  progress_.line(summaryOf(m, options_.epochs, data_.test.has_value()));
  VOSKHOD_RETURN_IF_ERROR(reduceOnPlateau(m));
  return keepIfBest(m);
}

Expected<TrainReport> TrainingRun::run() {
  gStopRequested = 0;
  std::optional<Checkpoint> resume;
  if (!options_.resumePath.empty()) {
    auto loaded = loadCheckpoint(options_.resumePath);
    VOSKHOD_RETURN_IF_ERROR(loaded);
    resume = loaded.take();
  }
  bestMetric_ =
      bestMetricFor(sig_.labelKind == LabelKind::Class || sig_.multiLabel);
  VOSKHOD_RETURN_IF_ERROR(checkOptions());
  VOSKHOD_RETURN_IF_ERROR(prepareData(resume ? &*resume : nullptr));
  DataLoader loader(data_.train, {sig_.batchSize, options_.seed,
                                  options_.shuffle, options_.partial});
  batchesPerEpoch_ = loader.batchesPerEpoch();
  if (batchesPerEpoch_ == 0)
    return makeError("data set '" + data_.train.source + "' has " +
                     std::to_string(data_.train.size()) +
                     " examples, fewer than one batch of " +
                     std::to_string(sig_.batchSize));
  if (resume) {
    VOSKHOD_RETURN_IF_ERROR(restore(*resume));
    VOSKHOD_RETURN_IF_ERROR(saveCurves());
  }
  for (const auto &[name, value] : options_.hparams)
    VOSKHOD_RETURN_IF_ERROR(runner_.setHparam(name, value));
  if (options_.plateau)
    VOSKHOD_RETURN_IF_ERROR(startPlateau());
  InterruptGuard guard(options_.catchInterrupt);
  progress_.begin(options_.epochs, batchesPerEpoch_, sig_.batchSize,
                  report_.stepsDone);
  if (resume)
    progress_.line("resuming from '" + options_.resumePath + "' at step " +
                   std::to_string(report_.stepsDone));
  Batch batch;
  int64_t total = options_.epochs * batchesPerEpoch_;
  auto epochStart = std::chrono::steady_clock::now();
  while (report_.stepsDone < total) {
    int64_t epoch = report_.stepsDone / batchesPerEpoch_;
    int64_t index = report_.stepsDone % batchesPerEpoch_;
    if (index == 0)
      epochStart = std::chrono::steady_clock::now();
    loader.fill(epoch, index, batch);
    VOSKHOD_RETURN_IF_ERROR(runner_.setBatch(batch));
    auto loss = runner_.step();
    VOSKHOD_RETURN_IF_ERROR(loss);
    if (!std::isfinite(*loss)) {
      // The curves up to here help to see where it went wrong; the
      // checkpoint is not overwritten with a poisoned state.
      std::string message = "loss became " + formatDouble(*loss) + " at step " +
                            std::to_string(report_.stepsDone + 1) + " (epoch " +
                            std::to_string(epoch + 1) + ", batch " +
                            std::to_string(index + 1) + "); stopping";
      report_.stepLosses.push_back(*loss);
      if (!options_.checkpointPath.empty())
        (void)writeCurves(curveStem(options_.checkpointPath), report_,
                          batchesPerEpoch_, options_.modelName,
                          data_.test.has_value());
      return makeError(message);
    }
    report_.stepLosses.push_back(*loss);
    ++report_.stepsDone;
    progress_.step(epoch, index + 1, report_.stepsDone, *loss);
    bool epochDone = index + 1 == batchesPerEpoch_;
    if (epochDone) {
      double seconds = std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - epochStart)
                           .count();
      VOSKHOD_RETURN_IF_ERROR(epochEnd(epoch, seconds));
    }
    if (gStopRequested) {
      report_.interrupted = true;
      VOSKHOD_RETURN_IF_ERROR(save());
      progress_.line(
          "interrupted at step " + std::to_string(report_.stepsDone) +
          (options_.checkpointPath.empty()
               ? std::string()
               : "; checkpoint saved to '" + options_.checkpointPath + "'"));
      return report_;
    }
    if (epochDone)
      VOSKHOD_RETURN_IF_ERROR(save());
  }
  return report_;
}

} // namespace

void requestStop() { gStopRequested = 1; }

std::string curveStem(const std::string &checkpointPath) {
  const std::string ext = ".safetensors";
  if (checkpointPath.size() > ext.size() &&
      checkpointPath.compare(checkpointPath.size() - ext.size(), ext.size(),
                             ext) == 0)
    return checkpointPath.substr(0, checkpointPath.size() - ext.size());
  return checkpointPath;
}

Expected<TrainReport> train(StepRunner &runner, DataSplits &data,
                            const TrainerOptions &options) {
  TrainingRun run(runner, data, options);
  return run.run();
}

Status StepRunner::setHparam(const std::string &name, double) {
  return makeError("no hyperparameter '" + name +
                   "': this step has no run-time hyperparameters");
}

Expected<double> StepRunner::hparam(const std::string &name) const {
  return makeError("no hyperparameter '" + name +
                   "': this step has no run-time hyperparameters");
}

} // namespace voskhod::rt
