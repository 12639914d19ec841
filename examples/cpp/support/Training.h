//===- examples/cpp/support/Training.h - compile and train a built graph --===//
///
/// What every example program does after building its graph with the
/// frontend: turn it into a training step (training::buildTrainStep), simplify
/// it, lower step and forward pass once (kernel::lowerModel) and JIT-compile
/// them for the CPU (cpu::compileForCpu),
/// and then either step on data the graph holds itself or feed it shuffled
/// mini-batches (rt::DataLoader) from a data set, and measure the model on
/// held-out rows through its forward entry. It is the same chain of calls as
/// `voskhod train`, written out for a program that owns its loop.
///
/// Deliberately minimal: no checkpoints, no progress bar and no Ctrl-C
/// handling; a program that wants those uses the runtime Trainer
/// (trainer/Trainer.h), as `voskhod train --data` does.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"
#include "frontend/Graph.h"
#include "frontend/nn/Module.h"
#include "runtime/Executable.h"
#include "support/Error.h"
#include "trainer/data/Dataset.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace voskhod::examples {

/// A model ready to train: its forward graph and the compiled step and
/// forward entries, parameters already initialised.
struct CompiledModel {
  std::unique_ptr<ir::Graph> forward;
  std::unique_ptr<rt::Executable> exe;
};

/// Builds, differentiates, simplifies and compiles `g`; initialises its
/// parameters from `seed` (the initial values `voskhod train --seed` uses).
/// It compiles without LLVM's optimisations and with plain loop nests for
/// matrix products: for the examples' tiny models that is several times
/// faster to compile and no slower to train.
Expected<CompiledModel> compile(const Graph &g, uint64_t seed);

/// Runs `steps` training steps on whatever the inputs hold; returns the loss
/// of each.
Expected<std::vector<double>> trainSteps(rt::Executable &exe, int64_t steps);

/// Names of the inputs that take a data set's features and labels.
struct Feed {
  std::string features = "x";
  std::string labels = "y";
};

/// One epoch per call of `epoch`: shuffled full mini-batches of `data`
/// (seeded by (seed, epoch), the rest of an epoch's rows dropped, as
/// `voskhod train` does). Returns every step's loss.
Expected<std::vector<double>> trainEpochs(rt::Executable &exe,
                                          const rt::Dataset &data,
                                          const Feed &feed, int64_t epochs,
                                          uint64_t seed);

/// The forward entry's first output for every row of `data`, batch by batch
/// (the last batch padded with zero rows, which are then discarded):
/// data.size() × width values.
Expected<std::vector<float>> predict(rt::Executable &exe,
                                     const rt::Dataset &data, const Feed &feed);

/// The fraction of rows whose largest logit is at their class.
double accuracy(const std::vector<float> &logits, const rt::Dataset &data);
/// Mean of |prediction − target| over every row.
double meanAbsoluteError(const std::vector<float> &predictions,
                         const rt::Dataset &data);

/// A tensor's values as doubles (f32 or f64 tensors).
std::vector<double> values(const rt::Executable &exe, const std::string &name);

/// Prints `what: value` and whether it met `target` (at least, or at most);
/// returns whether it did.
bool reportAtLeast(const std::string &what, double value, double target);
bool reportAtMost(const std::string &what, double value, double target);

/// Renames a module's parameters, in the order parameters() lists them,
/// to the short names a `.vg` file uses (`w1` rather than `0.weight`).
void nameParameters(nn::Module &module, const std::vector<std::string> &names);

/// The common `main`: with `--print`, prints the graph `build` makes as
/// `.vg` text (what the checked-in `.vg` file holds) and exits; otherwise
/// runs `train`, whose result is the exit status. Errors go to stderr with
/// status 1.
int exampleMain(int argc, char **argv, const std::string &graphName,
                const std::function<void(Graph &)> &build,
                const std::function<Expected<bool>(const Graph &)> &train);

} // namespace voskhod::examples
