//===- compiler/driver/TrainCommand.cpp - `voskhod train` -----------------===//
///
/// Builds the training step of a graph, compiles it for the chosen backend
/// (the LLVM CPU backend by default, or the float64 interpreter) and runs it.
/// Without --data the step trains on one fixed batch of random inputs drawn
/// from --seed: a smoke test in which the loss must fall as the model fits
/// that batch.
///
//===----------------------------------------------------------------------===//
#include "compiler/driver/Commands.h"
#include "compiler/driver/FlagChecks.h"
#include "compiler/driver/ResourceLimits.h"
#include "compiler/driver/StepRunner.h"
#include "compiler/ir/Graph.h"

#include <CLI/CLI.hpp>

namespace voskhod::driver {

void registerTrainCommand(CLI::App &app) {
  auto opts = std::make_shared<TrainOptions>();
  CLI::App *cmd = app.add_subcommand(
      "train", "Compile the training step of a graph and train it");
  cmd->add_option("file", opts->input, "Input .vg file ('-' for stdin)")
      ->required();
  cmd->add_option("--backend", opts->backend,
                  "Where the step runs: cpu (LLVM JIT) or interp (float64 "
                  "reference interpreter)")
      ->check(CLI::IsMember({"cpu", "interp", "cuda"}));
  cmd->add_option("--target", opts->backend, "Same as --backend")
      ->check(CLI::IsMember({"cpu", "interp", "cuda"}));
  cmd->add_option("--steps", opts->steps,
                  "Steps to run without --data (default 100)")
      ->check(wholeNumber(0, 1000000000000));
  cmd->add_option("--seed", opts->seed, "Seed for params, data and shuffling")
      ->check(wholeNumber(0, UINT64_MAX));
  cmd->add_option("--threads", opts->threads,
                  "Threads for the CPU backend (default: all cores)")
      ->check(wholeNumber(0, kMaxThreadsFlag));
  cmd->add_option("--lr", opts->lr,
                  "Set the learning rate at run time (the compiled step is "
                  "the same for any value; wins over a resumed checkpoint's)")
      ->check(positiveNumber());
  cmd->add_option("--clip-grad-norm", opts->clipGradNorm,
                  "Set max_norm of the model's clip_grad_norm clause at run "
                  "time (the model must declare the clause)")
      ->check(positiveNumber());
  cmd->add_option("--clip-grad-value", opts->clipGradValue,
                  "Set clip_value of the model's clip_grad_value clause at "
                  "run time (the model must declare the clause)")
      ->check(positiveNumber());
  cmd->add_option("--accumulate", opts->accumulate,
                  "Update once every K steps with the mean of their "
                  "gradients (the model's 'accumulate = K'; unlike the "
                  "hyperparameter flags it changes the compiled step)")
      ->check(wholeNumber(1, ir::kMaxAccumulationSteps));
  cmd->add_option("--lr-schedule", opts->lrSchedule,
                  "Train with this learning-rate schedule instead of the "
                  "model's, in the minimize clause's syntax, e.g. 'cosine "
                  "{t_max = 300}' (a schedule is part of the compiled step)");
  cmd->add_option("--print-every", opts->printEvery,
                  "Print the loss every N steps (default 1)")
      ->check(wholeNumber(1, 1000000000000));
  addDataTrainingOptions(*cmd, *opts);
  addMaxMemoryOption(*cmd, opts->maxMemory);
  cmd->add_flag("--check-numerics", opts->checkNumerics,
                "Check every kernel's outputs for NaN and infinity; stop at "
                "the first, naming the kernel and its ops' source lines");
  cmd->callback([opts] { exitStatus = runTrain(*opts); });
}

} // namespace voskhod::driver
