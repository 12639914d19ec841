//===- examples/cpp/support/ExampleLoop.h - the examples' training loops --===//
///
/// What the C++ example programs share after building their graph, all over
/// the public API (<voskhod/voskhod.h>): compile with the settings tiny
/// models want, step on data the graph holds itself or on shuffled
/// mini-batches of a data set (rt::DataLoader, as `voskhod train` feeds
/// them), predict through the forward entry, measure and report, and the
/// common `main` with `--print`.
///
/// Deliberately minimal: no checkpoints and no progress output; a program
/// that wants those calls Model::fit, which runs the Trainer
/// (examples/cpp_embed does).
///
//===----------------------------------------------------------------------===//
#pragma once

#include <voskhod/voskhod.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace voskhod::examples {

/// Compiles `g` for the CPU with parameters from `seed` (the initial values
/// `voskhod train --seed` uses), without LLVM's optimisations: for the
/// examples' tiny models that is several times faster to compile and no
/// slower to train.
Expected<Model> compileExample(const Graph &g, uint64_t seed);

/// Runs `steps` training steps on `inputs` (none when the graph holds its
/// data); returns the loss of each.
Expected<std::vector<double>> trainSteps(Model &model, int64_t steps,
                                         const Inputs &inputs = {});

/// Names of the inputs that take a data set's features and labels.
struct Feed {
  std::string features = "x";
  std::string labels = "y";
};

/// One epoch per call of `epoch`: shuffled full mini-batches of `data`
/// (seeded by (seed, epoch), the rest of an epoch's rows dropped, as
/// `voskhod train` does). Returns every step's loss.
Expected<std::vector<double>> trainEpochs(Model &model, const rt::Dataset &data,
                                          const Feed &feed, int64_t epochs,
                                          uint64_t seed);

/// The forward entry's first output for every row of `data`, batch by batch
/// (the last batch padded with zero rows, which are then discarded):
/// data.size() × width values.
Expected<std::vector<float>> predict(Model &model, const rt::Dataset &data,
                                     const Feed &feed);

/// The fraction of rows whose largest logit is at their class.
double accuracy(const std::vector<float> &logits, const rt::Dataset &data);
/// Mean of |prediction − target| over every row.
double meanAbsoluteError(const std::vector<float> &predictions,
                         const rt::Dataset &data);

/// A parameter's values as doubles (f32 or f64 parameters).
Expected<std::vector<double>> values(const Model &model,
                                     const std::string &name);
/// A forward output's values as doubles, by name.
Expected<std::vector<double>> values(const std::vector<Array> &outputs,
                                     const std::string &name);

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
