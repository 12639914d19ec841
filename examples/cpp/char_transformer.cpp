//===- examples/cpp/char_transformer.cpp - a character GPT, in C++ --------===//
///
/// examples/char_transformer.vg built from the sequence layers: token and
/// position embeddings, four nn::TransformerBlock (pre-norm, causal 4-head
/// attention, GELU MLP), a final nn::LayerNorm and a bias-free head, trained
/// with AdamW on `text:` data through Model::fit, the Trainer `voskhod
/// train` runs (batches of 32 windows of 128 characters, shuffled each
/// epoch). It prints the validation loss in nats per character and exits
/// with status 1 above `--target` (default 3.0: a model that has learned
/// nothing sits at ln 114 ≈ 4.7).
///
///     example_char_transformer --data text:FILE[,...] [--epochs N]
///                              [--layers N] [--target NATS] [--print]
///
/// `--layers` (default 4) and `--epochs` (default 1) make quick runs;
/// `--print` gives the model's `.vg` text.
///
//===----------------------------------------------------------------------===//
#include "examples/cpp/support/ExampleLoop.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

using namespace voskhod;
using namespace voskhod::examples;

namespace {

constexpr int64_t kBatch = 32, kContext = 128, kModel = 128, kHeads = 4,
                  kFeedForward = 512, kVocabulary = 128;

struct Options {
  bool print = false;
  int64_t epochs = 1, layers = 4;
  std::string data;
  double targetNats = 3.0;
};

void build(Graph &g, int64_t layers) {
  Tensor x = g.input("x", i32({kBatch, kContext}));
  Tensor y = g.input("y", i32({kBatch, kContext}));
  const InitSpec gpt2 = init::normal(0.0, 0.02);
  nn::Embedding tokens(g, kVocabulary, kModel, {.weightInit = gpt2});
  Tensor positions = g.param("pos", f32({kContext, kModel}), gpt2);
  Tensor h = tokens(x) + positions;
  std::vector<std::unique_ptr<nn::TransformerBlock>> blocks;
  for (int64_t l = 0; l < layers; ++l) {
    blocks.push_back(std::make_unique<nn::TransformerBlock>(
        g, kModel, kHeads, kFeedForward,
        nn::TransformerBlockOptions{.attention = {.weightInit = gpt2},
                                    .mlpInit = gpt2}));
    h = (*blocks.back())(h);
  }
  nn::LayerNorm finalNorm(g, {kModel});
  nn::Linear head(g, kModel, kVocabulary, {.bias = false, .weightInit = gpt2});
  Tensor logits = head(finalNorm(h)).named("logits");
  g.minimize(nn::softmaxCrossEntropy(logits, y).named("loss"),
             optim::AdamW{.lr = 0.001, .weightDecay = 0.01});
  g.returns({logits});
}

Expected<Options> parseOptions(int argc, char **argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--print") {
      options.print = true;
      continue;
    }
    if (i + 1 >= argc)
      return makeError("unknown or incomplete argument '" + arg + "'");
    const char *value = argv[++i];
    char *end = nullptr;
    if (arg == "--epochs" || arg == "--layers") {
      int64_t n = std::strtoll(value, &end, 10);
      if (*end || end == value || n < 1)
        return makeError(arg + " takes a positive integer, got '" +
                         std::string(value) + "'");
      (arg == "--epochs" ? options.epochs : options.layers) = n;
    } else if (arg == "--target") {
      options.targetNats = std::strtod(value, &end);
      if (*end || end == value)
        return makeError("--target takes a loss in nats, got '" +
                         std::string(value) + "'");
    } else if (arg == "--data") {
      options.data = value;
    } else {
      return makeError("unknown argument '" + arg + "'");
    }
  }
  if (!options.print && options.data.empty())
    return makeError("--data text:FILE is required");
  return options;
}

Expected<bool> train(const Graph &g, const Options &options) {
  VOSKHOD_ASSIGN_OR_RETURN(rt::DataSpec spec, rt::parseDataSpec(options.data));
  VOSKHOD_ASSIGN_OR_RETURN(rt::DataSplits data, rt::loadData(spec));
  if (!data.test)
    return makeError("--data " + options.data + " has no validation split");
  VOSKHOD_ASSIGN_OR_RETURN(Model model, compile(g, {.seed = 0}));
  rt::TrainerOptions trainer;
  trainer.epochs = options.epochs;
  VOSKHOD_ASSIGN_OR_RETURN(rt::TrainReport report, model.fit(data, trainer));
  if (report.epochs.empty())
    return makeError("training stopped before its first epoch ended");
  return reportAtMost("validation loss (nats per character)",
                      report.epochs.back().testLoss, options.targetNats);
}

} // namespace

int main(int argc, char **argv) {
  Expected<Options> options = parseOptions(argc, argv);
  if (!options) {
    std::fprintf(stderr,
                 "error: %s\nusage: %s --data text:FILE [--epochs N] "
                 "[--layers N] [--target NATS] [--print]\n",
                 options.message().c_str(), argv[0]);
    return 1;
  }
  Graph g("char_transformer");
  build(g, options->layers);
  if (options->print) {
    auto text = toText(g);
    if (!text) {
      std::cerr << text.message() << "\n";
      return 1;
    }
    std::cout << *text;
    return 0;
  }
  auto reached = train(g, *options);
  if (!reached) {
    std::cerr << "error: " << reached.message() << "\n";
    return 1;
  }
  return *reached ? 0 : 1;
}
