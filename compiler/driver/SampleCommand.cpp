//===- compiler/driver/SampleCommand.cpp - `voskhod sample` ---------------===//
///
/// Generates text from a trained character-level model: compiles the
/// forward graph, loads the parameters from the checkpoint, and extends a
/// prompt one byte at a time, each the model's next-token prediction.
///
/// The vocabulary comes from the `text:` data the model was trained on: a
/// token id is the rank of a byte among the file's distinct bytes, so only
/// that file maps ids back to bytes. Its context, valid and limit options
/// are ignored, since only the vocabulary is read and the window length is
/// the model's.
///
/// The model takes a fixed window i32[B, N] and returns logits [B, N, V].
/// It was trained on windows whose first token sits at position 0, and a
/// causal model's logits at position t depend only on tokens 0..t, so the
/// last (up to) N tokens of the text so far go left-aligned into batch row
/// 0 and the logits are read at the position of the last of them; the
/// positions after it and the other rows hold token 0 and are ignored.
///
/// The next token is drawn from softmax(logits / T) with
/// rt::uniform01(seed, stream of "sample", step), so a seed gives the same
/// text on every machine; T = 0 takes the argmax (the lowest id on ties).
/// Logits of ids beyond the vocabulary (V larger than it) are never drawn.
///
//===----------------------------------------------------------------------===//
#include "compiler/driver/CheckpointLoading.h"
#include "compiler/driver/Commands.h"
#include "compiler/driver/ExecutableRunner.h"
#include "compiler/driver/FlagChecks.h"
#include "compiler/driver/GraphLoading.h"
#include "compiler/kernel/ModelProgram.h"
#include "compiler/training/ModeSpecialization.h"
#include "runtime/Random.h"
#include "trainer/data/DataLoader.h"
#include "trainer/data/DataSpec.h"

#ifdef VOSKHOD_HAVE_LLVM
#include "compiler/codegen/llvm/CpuBackend.h"
#endif

#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <vector>

namespace voskhod::driver {
namespace {

inline constexpr int64_t kDefaultSampleLength = 200;
inline constexpr uint64_t kMaxSampleLength = 100000000;

struct SampleOptions {
  std::string input, checkpoint, data, prompt;
  int64_t length = kDefaultSampleLength;
  double temperature = 1.0;
  uint64_t seed = 0;
  int threads = 0;
};

/// "'a' (0x61)", or just "0x0a" for a byte that does not print.
std::string describeByte(uint8_t b) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02x", unsigned(b));
  if (b >= 0x20 && b < 0x7f)
    return "'" + std::string(1, char(b)) + "' (" + hex + ")";
  return hex;
}

/// The token after the text so far, from the logits of its last position;
/// `count` is the vocabulary size. `step` numbers the draws of one run.
int32_t pickToken(const float *logits, int64_t count, double temperature,
                  uint64_t seed, uint64_t step) {
  int64_t best = 0;
  for (int64_t i = 1; i < count; ++i)
    if (logits[i] > logits[best])
      best = i;
  if (temperature == 0)
    return int32_t(best);
  // (logit - max) / T is at most 0 and never NaN, however small T is.
  std::vector<double> weights(static_cast<size_t>(count));
  double total = 0;
  for (int64_t i = 0; i < count; ++i)
    total += weights[i] =
        std::exp((double(logits[i]) - double(logits[best])) / temperature);
  double u = rt::uniform01(seed, rt::streamOf("sample"), step) * total;
  for (int64_t i = 0; i < count; ++i) {
    u -= weights[i];
    if (u < 0)
      return int32_t(i);
  }
  // Rounding left u a hair above zero: the last token with any weight.
  for (int64_t i = count - 1; i > 0; --i)
    if (weights[i] > 0)
      return int32_t(i);
  return 0;
}

/// The graph input the signature takes its features from.
const ir::Node *featureInput(const ir::Graph &g, const rt::StepSignature &sig) {
  for (const ir::Node *in : g.inputs())
    if (in->name() == sig.featureInput)
      return in;
  return nullptr;
}

int runSample(const SampleOptions &opts) {
  ir::DiagnosticEngine diags;
  ir::SourceLoc where{ir::internFileName(opts.input)};
  auto fail = [&](const std::string &message) {
    diags.error(where, message);
    return flushDiagnostics(diags);
  };
  std::unique_ptr<ir::Graph> forward = loadGraph(opts.input, diags);
  if (!forward)
    return flushDiagnostics(diags);
  // Sampling is evaluation, as prediction is: no dropout, running statistics.
  training::specializeForMode(*forward, training::Mode::Eval);
  auto signature = signatureOf(*forward);
  if (!signature)
    return fail(signature.message());
  const ir::Node *tokens = featureInput(*forward, *signature);
  if (!tokens || !signature->tokenFeatures || tokens->rank() != 2)
    return fail("sample needs a model whose input of token ids is i32[B, N], "
                "but its input %" +
                signature->featureInput + " is " +
                (tokens ? tokens->type().str() : std::string("missing")));
  const int64_t batchSize = tokens->shape()[0], window = tokens->shape()[1];
  const ir::Node *logits = forward->results()[0];
  if (logits->dtype() != ir::DType::F32 || logits->rank() != 3 ||
      logits->shape()[0] != batchSize || logits->shape()[1] != window)
    return fail("sample needs the model to return f32 logits [" +
                std::to_string(batchSize) + ", " + std::to_string(window) +
                ", V], one row per position of %" + tokens->name() +
                ", but it returns " + logits->type().str());
  const int64_t width = logits->shape()[2];

  auto spec = rt::parseDataSpec(opts.data);
  if (!spec)
    return fail("--data: " + spec.message());
  if (spec->format != rt::DataSpec::Format::Text)
    return fail("--data: sample needs the text:FILE data the model was "
                "trained on, whose bytes give the token ids, not '" +
                opts.data + "'");
  // The smallest read that still scans the whole file for its vocabulary
  // and gives its first byte.
  spec->text.context = 1;
  spec->text.valid = 0;
  spec->limit = 1;
  auto data = rt::loadData(*spec);
  if (!data)
    return fail(data.message());
  const std::vector<uint8_t> &vocabulary = data->train.vocabulary;
  const int64_t vocabularySize = int64_t(vocabulary.size());
  if (vocabularySize > width)
    return fail("data set '" + data->train.source + "' has a vocabulary of " +
                std::to_string(vocabularySize) +
                " tokens, but the model's logits " + logits->type().str() +
                " score only " + std::to_string(width));

  std::array<int32_t, 256> idOf;
  idOf.fill(-1);
  for (int64_t i = 0; i < vocabularySize; ++i)
    idOf[vocabulary[size_t(i)]] = int32_t(i);
  std::string text = opts.prompt;
  // With no prompt, the text starts as the data file does.
  if (text.empty())
    text.push_back(char(vocabulary[size_t(data->train.features[0])]));
  std::vector<int32_t> ids;
  for (char c : text) {
    int32_t id = idOf[uint8_t(c)];
    if (id < 0)
      return fail("--prompt: byte " + describeByte(uint8_t(c)) +
                  " is not in the vocabulary of '" + data->train.source + "'");
    ids.push_back(id);
  }

  std::string path = checkpointFile(opts.checkpoint, *forward);
  auto checkpoint = rt::loadCheckpoint(path);
  if (!checkpoint)
    return fail(checkpoint.message());

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

  rt::Batch batch;
  batch.size = batch.valid = batchSize;
  for (int64_t step = 0; step < opts.length; ++step) {
    int64_t used = std::min<int64_t>(int64_t(ids.size()), window);
    batch.features.assign(size_t(batchSize * window), 0.f);
    for (int64_t p = 0; p < used; ++p)
      batch.features[size_t(p)] = float(ids[ids.size() - used + p]);
    auto out = runner.predict(batch);
    if (!out)
      return fail(out.message());
    const float *last = out->data() + (used - 1) * width;
    for (int64_t i = 0; i < vocabularySize; ++i)
      if (!std::isfinite(last[i]))
        return fail("the model's logits are not finite at generated byte " +
                    std::to_string(step + 1));
    int32_t next = pickToken(last, vocabularySize, opts.temperature, opts.seed,
                             uint64_t(step));
    ids.push_back(next);
    text.push_back(char(vocabulary[size_t(next)]));
  }
  text.push_back('\n');
  std::cout.write(text.data(), std::streamsize(text.size()));
  std::cout.flush();
  return flushDiagnostics(diags);
#else
  return fail("sample needs the CPU backend, which this build leaves out");
#endif
}

} // namespace

void registerSampleCommand(CLI::App &app) {
  auto opts = std::make_shared<SampleOptions>();
  CLI::App *cmd = app.add_subcommand(
      "sample", "Generate text from a trained character-level model");
  cmd->footer(
      "The model takes token ids i32[B, N] and returns logits [B, N, V]. "
      "The text so far (its last N bytes) fills batch row 0 from position "
      "0, and token 0 fills the rest of the batch; the next byte is drawn "
      "from the logits at the text's last position. "
      "Prints the prompt, then the generated bytes, then a newline.");
  cmd->add_option("file", opts->input, "The model's .vg file")->required();
  cmd->add_option("--checkpoint", opts->checkpoint,
                  "Checkpoint directory (or .safetensors file) from "
                  "'voskhod train --checkpoint'")
      ->required();
  cmd->add_option("--data", opts->data,
                  "The text:FILE the model was trained on; its bytes give "
                  "the vocabulary (context, valid and limit are ignored)")
      ->required();
  cmd->add_option("--prompt", opts->prompt,
                  "Text to continue (default: the data file's first byte, "
                  "which starts the output)");
  cmd->add_option("--length", opts->length, "Bytes to generate (default 200)")
      ->check(wholeNumber(0, kMaxSampleLength));
  cmd->add_option("--temperature", opts->temperature,
                  "Divides the logits before the softmax (default 1); 0 "
                  "takes the most likely byte every time")
      ->check(nonNegativeNumber());
  cmd->add_option("--seed", opts->seed,
                  "Seed of the draws (default 0): the same seed gives the "
                  "same text")
      ->check(wholeNumber(0, UINT64_MAX));
  cmd->add_option("--threads", opts->threads, "Threads (default: all cores)")
      ->check(wholeNumber(0, kMaxThreadsFlag));
  cmd->callback([opts] { exitStatus = runSample(*opts); });
}

} // namespace voskhod::driver
