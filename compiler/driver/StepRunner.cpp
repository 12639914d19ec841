//===- compiler/driver/StepRunner.cpp - `voskhod train`'s machinery -------===//
#include "compiler/driver/StepRunner.h"

#include "compiler/codegen/cuda/CudaBackend.h"
#include "compiler/driver/ExecutableRunner.h"
#include "compiler/driver/FlagChecks.h"
#include "compiler/driver/GraphLoading.h"
#include "compiler/driver/HparamFlags.h"
#include "compiler/driver/ResourceLimits.h"
#include "compiler/interpreter/TensorFormat.h"
#include "compiler/ir/Builder.h"
#include "compiler/kernel/ModelProgram.h"
#include "compiler/passes/Pipeline.h"
#include "compiler/text/Parser.h"
#include "compiler/training/Initialize.h"
#include "compiler/training/InterpreterTrainer.h"
#include "compiler/training/ModeSpecialization.h"
#include "compiler/training/TrainStep.h"
#include "runtime/cuda/CudaDriver.h"
#include "trainer/data/DataSpec.h"

#ifdef VOSKHOD_HAVE_LLVM
#include "compiler/codegen/llvm/CpuBackend.h"
#endif

#include <CLI/CLI.hpp>

#include <cmath>
#include <filesystem>
#include <iostream>

namespace voskhod::driver {

void addDataTrainingOptions(CLI::App &cmd, TrainOptions &opts) {
  cmd.add_option("--data", opts.data,
                 "Data set: fashion-mnist, mnist:DIR, idx:TRAIN_IMAGES,"
                 "TRAIN_LABELS[,TEST_IMAGES,TEST_LABELS], cifar10:DIR, "
                 "csv:FILE[,label=COL...][,test=FILE], "
                 "text:FILE[,context=N][,valid=FRACTION] (characters as "
                 "i32 token ids, windows of N = 128 at stride N, the last "
                 "FRACTION = 0.1 held out; images keep their [C, H, W] "
                 "shape for a rank-4 input); every form takes ,limit=N");
  cmd.add_option("--epochs", opts.epochs, "Epochs over --data (default 1)")
      ->check(wholeNumber(1, 1000000));
  cmd.add_option("--checkpoint", opts.checkpointDir,
                 "Directory for checkpoints, the loss CSV and its SVG plot");
  cmd.add_flag("--resume", opts.resume,
               "Continue from the checkpoint in --checkpoint");
  cmd.add_flag("--pad-last-batch", opts.padLastBatch,
               "Pad the last partial batch of an epoch (default: drop it)");
  cmd.add_flag("--no-standardize", opts.noStandardize,
               "Feed features as they are instead of (x - mean) / std");
  cmd.add_flag("--keep-best", opts.keepBest,
               "Also keep NAME.best.safetensors, the checkpoint of the epoch "
               "with the best test-split accuracy (loss for regression)");
  CLI::Option *plateau = cmd.add_flag(
      "--reduce-lr-on-plateau", opts.reduceLrOnPlateau,
      "Multiply the run-time learning rate by --plateau-factor when the "
      "test-split loss has not improved for more than --plateau-patience "
      "epochs (PyTorch's ReduceLROnPlateau)");
  cmd.add_option("--plateau-factor", opts.plateauFactor,
                 "Factor of --reduce-lr-on-plateau (default 0.1)")
      ->check(CLI::Range(0.0, 1.0))
      ->needs(plateau);
  cmd.add_option("--plateau-patience", opts.plateauPatience,
                 "Bad epochs --reduce-lr-on-plateau tolerates (default 10)")
      ->check(wholeNumber(0, 1000000))
      ->needs(plateau);
  cmd.add_option("--plateau-threshold", opts.plateauThreshold,
                 "Relative improvement that counts for --reduce-lr-on-plateau "
                 "(default 1e-4)")
      ->check(CLI::Range(0.0, 1.0))
      ->needs(plateau);
  cmd.add_option("--plateau-cooldown", opts.plateauCooldown,
                 "Epochs after a reduction not counted as bad (default 0)")
      ->check(wholeNumber(0, 1000000))
      ->needs(plateau);
  cmd.add_option("--plateau-min-lr", opts.plateauMinLr,
                 "Lowest rate --reduce-lr-on-plateau goes to (default 0)")
      ->check(CLI::NonNegativeNumber)
      ->needs(plateau);
}

namespace {

void printLoss(uint64_t step, double loss) {
  std::cout << "step " << step << ": loss "
            << ir::formatScalar(loss, ir::DType::F64) << "\n";
}

int fail(ir::DiagnosticEngine &diags, const TrainOptions &opts,
         const std::string &message) {
  diags.error(ir::SourceLoc{ir::internFileName(opts.input)}, message);
  return flushDiagnostics(diags);
}

int trainInInterpreter(const ir::Graph &step, const TrainOptions &opts,
                       const std::vector<HparamFlag> &hparams,
                       ir::DiagnosticEngine &diags) {
  training::InterpreterTrainer trainer(step,
                                       training::initialState(step, opts.seed));
  for (const HparamFlag &h : hparams)
    if (Status s = trainer.setHparam(h.name, h.value); !s)
      return fail(diags, opts, h.flag + ": " + s.message());
  ir::LeafValues batch = training::randomInputs(step, opts.seed);
  auto losses = trainer.run(
      opts.steps, [&](uint64_t) -> Expected<ir::LeafValues> { return batch; },
      [&](uint64_t i, double loss) {
        if (i % opts.printEvery == 0 || i + 1 == opts.steps)
          printLoss(i, loss);
      });
  if (!losses)
    return fail(diags, opts, losses.message());
  return flushDiagnostics(diags);
}

/// As the interpreter loop says it, plus where to look next.
std::string nonFiniteLoss(uint64_t step, double loss) {
  return "step " + std::to_string(step) + ": loss is " +
         (std::isnan(loss) ? "nan" : "infinite") +
         "; stopping (--check-numerics names the kernel that first computes a "
         "non-finite value)";
}

/// Copies an interpreter value into an executable's tensor, converting from
/// float64 to the tensor's element type.
Status copyLeaf(rt::Executable &exe, const std::string &name,
                const ir::HostTensor &value) {
  int index = exe.find(name);
  if (index < 0)
    return Status::ok(); // an input the compiled step does not read
  const rt::TensorInfo &info = exe.tensors()[index];
  void *dst = exe.data(name);
  for (size_t i = 0; i < value.data.size(); ++i) {
    double v = value.data[i];
    switch (info.type) {
    case rt::ElementType::F32:
      static_cast<float *>(dst)[i] = float(v);
      break;
    case rt::ElementType::F64:
      static_cast<double *>(dst)[i] = v;
      break;
    case rt::ElementType::I32:
      static_cast<int32_t *>(dst)[i] = int32_t(v);
      break;
    case rt::ElementType::I1:
      static_cast<uint8_t *>(dst)[i] = v != 0;
      break;
    }
  }
  return Status::ok();
}

/// Trains a compiled step on a data set with the runtime's Trainer.
int trainOnData(rt::Executable &exe, const ir::Graph &forward,
                const TrainOptions &opts,
                const std::vector<HparamFlag> &hparams,
                ir::DiagnosticEngine &diags) {
  auto spec = rt::parseDataSpec(opts.data);
  if (!spec)
    return fail(diags, opts, "--data: " + spec.message());
  auto signature = signatureOf(forward);
  if (!signature)
    return fail(diags, opts, signature.message());
  auto data = rt::loadData(*spec);
  if (!data)
    return fail(diags, opts, data.message());

  rt::TrainerOptions options;
  options.epochs = int64_t(opts.epochs);
  options.seed = opts.seed;
  options.partial =
      opts.padLastBatch ? rt::PartialBatch::Pad : rt::PartialBatch::Drop;
  options.standardize = !opts.noStandardize;
  options.modelName = forward.name();
  for (const HparamFlag &h : hparams)
    options.hparams.push_back({h.name, h.value});
  options.keepBest = opts.keepBest;
  if (opts.reduceLrOnPlateau)
    options.plateau = rt::PlateauOptions{
        opts.plateauFactor, opts.plateauPatience, opts.plateauThreshold,
        opts.plateauCooldown, opts.plateauMinLr};
  if (!opts.checkpointDir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(opts.checkpointDir, ec);
    if (ec)
      return fail(diags, opts,
                  "cannot create checkpoint directory '" + opts.checkpointDir +
                      "': " + ec.message());
    options.checkpointPath = (std::filesystem::path(opts.checkpointDir) /
                              (forward.name() + ".safetensors"))
                                 .string();
    if (opts.resume)
      options.resumePath = options.checkpointPath;
  } else if (opts.resume) {
    return fail(diags, opts, "--resume needs --checkpoint DIR");
  }

  ExecutableRunner runner(exe, *signature, predictionTensorName(exe));
  auto report = rt::train(runner, *data, options);
  if (!report)
    return fail(diags, opts, report.message());
  if (!report->epochs.empty()) {
    const rt::EpochMetrics &last = report->epochs.back();
    if (data->test && !std::isnan(last.testAccuracy))
      std::cout << "test accuracy: "
                << ir::formatScalar(100 * last.testAccuracy, ir::DType::F32)
                << "%\n";
    else if (data->test && !std::isnan(last.testMae))
      std::cout << "test mean absolute error: "
                << ir::formatScalar(last.testMae, ir::DType::F32) << "\n";
  }
  if (report->bestEpoch > 0)
    std::cout << "best epoch: " << report->bestEpoch << " (test "
              << (std::isnan(report->epochs.back().testAccuracy)
                      ? "loss " +
                            ir::formatScalar(report->bestMetric, ir::DType::F32)
                      : "accuracy " +
                            ir::formatScalar(100 * report->bestMetric,
                                             ir::DType::F32) +
                            "%")
              << ")\n";
  for (const std::string &file : report->files)
    std::cout << "wrote " << file << "\n";
  if (report->interrupted)
    std::cout << "interrupted after step " << report->stepsDone << "\n";
  return flushDiagnostics(diags);
}

/// Trains a compiled step from the initial values of `--seed`: on --data
/// when given, otherwise on one fixed random batch for --steps steps.
int trainCompiled(rt::Executable &exe, const ir::Graph &step,
                  const ir::Graph &forward, const TrainOptions &opts,
                  const std::vector<HparamFlag> &hparams,
                  ir::DiagnosticEngine &diags) {
  exe.initialize(opts.seed);
  if (!opts.data.empty())
    return trainOnData(exe, forward, opts, hparams, diags);
  for (const HparamFlag &h : hparams)
    if (Status s = exe.setHparam(h.name, h.value); !s)
      return fail(diags, opts, h.flag + ": " + s.message());
  ir::LeafValues batch = training::randomInputs(step, opts.seed);
  for (const auto &[leaf, value] : batch)
    if (Status s = copyLeaf(exe, leaf->name(), value); !s)
      return fail(diags, opts, s.message());
  for (uint64_t i = 0; i < opts.steps; ++i) {
    if (Status s = exe.step(); !s)
      return fail(diags, opts, s.message());
    auto loss = exe.loss();
    if (!loss)
      return fail(diags, opts, loss.message());
    if (i % opts.printEvery == 0 || i + 1 == opts.steps)
      printLoss(i, *loss);
    if (!std::isfinite(*loss))
      return fail(diags, opts, nonFiniteLoss(i, *loss));
  }
  return flushDiagnostics(diags);
}

#ifdef VOSKHOD_HAVE_LLVM
int trainOnCpu(const kernel::ModelProgram &program, const ir::Graph &step,
               const ir::Graph &forward, const TrainOptions &opts,
               const std::vector<HparamFlag> &hparams,
               ir::DiagnosticEngine &diags) {
  cpu::CpuOptions options;
  options.threads = opts.threads;
  options.checkNumerics = opts.checkNumerics;
  auto exe = cpu::compileForCpu(program, options);
  if (!exe)
    return fail(diags, opts, exe.message());
  return trainCompiled(**exe, step, forward, opts, hparams, diags);
}
#endif

int trainOnCuda(const kernel::ModelProgram &program, const ir::Graph &step,
                const ir::Graph &forward, const TrainOptions &opts,
                const std::vector<HparamFlag> &hparams,
                ir::DiagnosticEngine &diags) {
  cuda::CudaOptions options;
  // The Trainer reads params for checkpoints, so they round-trip; the
  // fixed-batch loop leaves them on the GPU.
  options.sync =
      opts.data.empty() ? cuda::HostSync::Inputs : cuda::HostSync::All;
  auto exe = cuda::compileForCuda(program, options);
  if (!exe)
    return fail(diags, opts, exe.message());
  return trainCompiled(**exe, step, forward, opts, hparams, diags);
}

} // namespace

int runTrain(const TrainOptions &opts) {
  ir::DiagnosticEngine diags;
  std::unique_ptr<ir::Graph> forward = loadGraph(opts.input, diags);
  if (!forward)
    return flushDiagnostics(diags);
  if (!forward->minimize())
    return fail(diags, opts,
                "nothing to train: the graph has no 'minimize' statement");
  // A schedule is graph structure: the flag's replaces the model's before
  // the step is built (and so compiled).
  if (!opts.lrSchedule.empty()) {
    std::optional<ir::LrSchedule> schedule =
        ir::parseLrSchedule(opts.lrSchedule, "--lr-schedule", diags);
    if (!schedule)
      return flushDiagnostics(diags);
    forward->minimize()->schedule = std::move(*schedule);
  }
  if ((opts.resume || !opts.checkpointDir.empty()) && opts.data.empty())
    return fail(diags, opts,
                std::string(opts.resume ? "--resume" : "--checkpoint") +
                    " needs --data: only training on a data set saves "
                    "checkpoints");
  if ((opts.keepBest || opts.reduceLrOnPlateau) && opts.data.empty())
    return fail(
        diags, opts,
        std::string(opts.keepBest ? "--keep-best" : "--reduce-lr-on-plateau") +
            " needs --data with a test split: it compares the test "
            "split's metrics after each epoch");
  if (opts.keepBest && opts.checkpointDir.empty())
    return fail(diags, opts,
                "--keep-best needs --checkpoint DIR to keep the best "
                "checkpoint in");
  if (opts.accumulate > 0)
    if (Status s = ir::setGradAccumulation(*forward, opts.accumulate,
                                           forward->minimize()->loc);
        !s)
      return fail(diags, opts, "--accumulate: " + s.message());
  auto hparams = hparamFlags(opts, *forward, diags);
  if (!hparams)
    return flushDiagnostics(diags);
  // A malformed spec is a flag error: reported before anything is compiled,
  // whatever the backend (trainOnData parses it again to load the data).
  if (!opts.data.empty())
    if (auto spec = rt::parseDataSpec(opts.data); !spec)
      return fail(diags, opts, "--data: " + spec.message());

  if (opts.backend == "cuda") {
    auto devices = rt::cuda::listDevices();
    if (!devices)
      return fail(diags, opts, "cannot train on the GPU: " + devices.message());
    if (devices->empty())
      return fail(diags, opts, "cannot train on the GPU: no CUDA device found");
  }

  std::unique_ptr<ir::Graph> step = training::buildTrainStep(*forward, diags);
  if (!step)
    return flushDiagnostics(diags);
  // The forward entry (evaluation) runs the evaluation forms; batch norm
  // has no kernels of its own.
  training::specializeForMode(*forward, training::Mode::Eval);
  if (!passes::runSimplifyPipeline(*step, diags))
    return flushDiagnostics(diags);

  if (opts.checkNumerics && opts.backend != "cpu")
    return fail(diags, opts, "--check-numerics needs --backend=cpu");
  // Before anything is allocated; a GPU step is checked against the flag
  // only, since its tensors live on the device.
  if (opts.backend == "interp") {
    if (Status s = checkInterpreterMemory(*step, opts.maxMemory); !s)
      return fail(diags, opts, s.message());
    if (!opts.data.empty())
      return fail(diags, opts,
                  "--data needs a compiled backend (--backend=cpu)");
    return trainInInterpreter(*step, opts, *hparams, diags);
  }
  // Lowered once: the memory check and the backend see the same program.
  auto program = kernel::lowerModel(step.get(), forward.get());
  if (!program)
    return fail(diags, opts, program.message());
  bool runsHere = opts.backend == "cpu";
  if (!memoryBoundFits({step.get(), forward.get()}, opts.maxMemory, runsHere))
    if (Status s = checkModelMemory(*program, opts.maxMemory, runsHere); !s)
      return fail(diags, opts, s.message());
#ifdef VOSKHOD_HAVE_LLVM
  if (opts.backend == "cpu")
    return trainOnCpu(*program, *step, *forward, opts, *hparams, diags);
#endif
  if (opts.backend == "cuda")
    return trainOnCuda(*program, *step, *forward, opts, *hparams, diags);
  return fail(diags, opts,
              "backend '" + opts.backend + "' is not available in this build");
}

} // namespace voskhod::driver
