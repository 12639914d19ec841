//===- compiler/driver/PredictCommand.cpp - `voskhod predict` -------------===//
///
/// Runs a trained model's inference entry over a data set: compiles the
/// forward graph, loads the parameters and the standardisation statistics
/// from the checkpoint `voskhod train --checkpoint` wrote, and prints the
/// accuracy (classification) or mean absolute error (regression) on the test
/// split, or on the training split when there is no test split. `-o` writes
/// one CSV row per example: its index, the prediction and the label.
///
//===----------------------------------------------------------------------===//
#include "compiler/driver/CheckpointLoading.h"
#include "compiler/driver/Commands.h"
#include "compiler/driver/ExecutableRunner.h"
#include "compiler/driver/FlagChecks.h"
#include "compiler/driver/GraphLoading.h"
#include "compiler/interpreter/TensorFormat.h"
#include "compiler/kernel/ModelProgram.h"
#include "compiler/training/ModeSpecialization.h"
#include "trainer/data/DataLoader.h"
#include "trainer/data/DataSpec.h"
#include "trainer/data/Standardizer.h"

#ifdef VOSKHOD_HAVE_LLVM
#include "compiler/codegen/llvm/CpuBackend.h"
#endif

#include <CLI/CLI.hpp>

#include <cmath>
#include <iostream>
#include <sstream>

namespace voskhod::driver {
namespace {

struct PredictOptions {
  std::string input, checkpoint, data, output;
  std::string split = "test";
  int threads = 0;
};

int runPredict(const PredictOptions &opts) {
  ir::DiagnosticEngine diags;
  ir::SourceLoc where{ir::internFileName(opts.input)};
  auto fail = [&](const std::string &message) {
    diags.error(where, message);
    return flushDiagnostics(diags);
  };
  std::unique_ptr<ir::Graph> forward = loadGraph(opts.input, diags);
  if (!forward)
    return flushDiagnostics(diags);
  // Prediction is evaluation: batch norm reads its running statistics.
  training::specializeForMode(*forward, training::Mode::Eval);
  auto signature = signatureOf(*forward);
  if (!signature)
    return fail(signature.message());
  auto spec = rt::parseDataSpec(opts.data);
  if (!spec)
    return fail("--data: " + spec.message());
  std::string path = checkpointFile(opts.checkpoint, *forward);
  auto checkpoint = rt::loadCheckpoint(path);
  if (!checkpoint)
    return fail(checkpoint.message());
  auto data = rt::loadData(*spec);
  if (!data)
    return fail(data.message());
  if (opts.split == "test" && !data->test)
    return fail("--data has no test split (use --split=train)");
  rt::Dataset &set = opts.split == "test" ? *data->test : data->train;
  if (Status s = rt::conformToSignature(set, *signature); !s)
    return fail(s.message());
  if (signature->labelsPerExample > 1)
    return fail("predict writes one prediction per example, but the model's "
                "labels %" +
                signature->labelInput + " hold " +
                std::to_string(signature->labelsPerExample) +
                " per example (a next-token model)");
  auto mean = checkpoint->tensors.find("data/mean");
  auto stddev = checkpoint->tensors.find("data/std");
  if (mean != checkpoint->tensors.end() &&
      stddev != checkpoint->tensors.end()) {
    auto st = rt::Standardizer::fromStatistics(
        mean->second.toF32(), stddev->second.toF32(),
        rt::Standardizer::savedAs(mean->second.shape));
    if (!st)
      return fail(path + ": " + st.message());
    if (Status s = st->apply(set); !s)
      return fail(path + ": " + s.message());
  }

#ifdef VOSKHOD_HAVE_LLVM
  cpu::CpuOptions options;
  options.threads = opts.threads;
  auto program = kernel::lowerModel(nullptr, forward.get());
  if (!program)
    return fail(program.message());
  auto exe = cpu::compileForCpu(*program, options);
  if (!exe)
    return fail(exe.message());
  ExecutableRunner runner(**exe, *signature, predictionTensorName(**exe));
  if (Status s = loadParameters(**exe, runner, *checkpoint, path); !s)
    return fail(s.message());

  rt::LoaderOptions loader;
  loader.batchSize = signature->batchSize;
  loader.shuffle = false;
  loader.partial = rt::PartialBatch::Pad;
  rt::DataLoader batches(set, loader);
  std::ostringstream csv;
  csv << "index,prediction,label\n";
  const int64_t width = signature->outputWidth;
  bool classify = signature->labelKind == rt::LabelKind::Class;
  int64_t seen = 0, correct = 0;
  double absError = 0;
  rt::Batch batch;
  for (int64_t b = 0; b < batches.batchesPerEpoch(); ++b) {
    batches.fill(0, b, batch);
    auto out = runner.predict(batch);
    if (!out)
      return fail(out.message());
    for (int64_t r = 0; r < batch.valid; ++r, ++seen) {
      const float *row = &(*out)[r * width];
      csv << batch.rows[r] << ",";
      if (classify) {
        int64_t best = 0;
        for (int64_t c = 1; c < width; ++c)
          if (row[c] > row[best])
            best = c;
        correct += best == batch.classes[r];
        csv << best << "," << batch.classes[r] << "\n";
      } else if (signature->multiLabel) {
        // One 0/1 decision per label; a row is right when all of them are.
        bool allRight = true;
        for (int64_t c = 0; c < width; ++c) {
          bool yes = row[c] > 0;
          allRight &= yes == (batch.targets[r * width + c] > 0.5f);
          csv << (c ? " " : "") << int(yes);
        }
        correct += allRight;
        csv << ",";
        for (int64_t c = 0; c < width; ++c)
          csv << (c ? " " : "")
              << ir::formatScalar(batch.targets[r * width + c], ir::DType::F32);
        csv << "\n";
      } else {
        for (int64_t c = 0; c < width; ++c) {
          float target = batch.targets[r * width + c];
          absError += std::fabs(double(row[c]) - double(target));
          csv << (c ? " " : "") << ir::formatScalar(row[c], ir::DType::F32);
        }
        csv << ",";
        for (int64_t c = 0; c < width; ++c)
          csv << (c ? " " : "")
              << ir::formatScalar(batch.targets[r * width + c], ir::DType::F32);
        csv << "\n";
      }
    }
  }
  if (classify || signature->multiLabel)
    std::cout << opts.split
              << (classify ? " accuracy: " : " accuracy (every label right): ")
              << ir::formatScalar(100.0 * double(correct) / double(seen),
                                  ir::DType::F32)
              << "% (" << correct << "/" << seen << ")\n";
  else
    std::cout << opts.split << " mean absolute error: "
              << ir::formatScalar(absError / double(seen * width),
                                  ir::DType::F32)
              << " (" << seen << " examples)\n";
  if (!opts.output.empty() && writeOutput(opts.output, csv.str(), diags))
    std::cout << "wrote " << opts.output << "\n";
  return flushDiagnostics(diags);
#else
  return fail("predict needs the CPU backend, which this build leaves out");
#endif
}

} // namespace

void registerPredictCommand(CLI::App &app) {
  auto opts = std::make_shared<PredictOptions>();
  CLI::App *cmd = app.add_subcommand(
      "predict", "Run a trained model on a data set and report its accuracy");
  cmd->add_option("file", opts->input, "The model's .vg file")->required();
  cmd->add_option("--checkpoint", opts->checkpoint,
                  "Checkpoint directory (or .safetensors file) from "
                  "'voskhod train --checkpoint'")
      ->required();
  cmd->add_option("--data", opts->data, "Data set, as for 'voskhod train'")
      ->required();
  cmd->add_option("--split", opts->split, "Which split to predict")
      ->check(CLI::IsMember({"test", "train"}));
  cmd->add_option("-o", opts->output, "Write predictions as CSV");
  cmd->add_option("--threads", opts->threads, "Threads (default: all cores)")
      ->check(wholeNumber(0, kMaxThreadsFlag));
  cmd->callback([opts] { exitStatus = runPredict(*opts); });
}

} // namespace voskhod::driver
