//===- compiler/driver/StepRunner.h - `voskhod train`'s machinery ---------===//
///
/// The options of `voskhod train` and the code that builds the training step,
/// compiles it for a backend and runs it, on a fixed random batch or on a
/// data set.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace voskhod::driver {

struct TrainOptions {
  std::string input;
  std::string backend = "cpu";
  uint64_t steps = 100;
  uint64_t seed = 0;
  int threads = 0;
  double lr = 0;            // 0: the graph's own
  double clipGradNorm = 0;  // 0: the graph's max_norm
  double clipGradValue = 0; // 0: the graph's clip_value
  int64_t accumulate = 0;   // 0: the graph's own `accumulate`
  std::string lrSchedule;   // --lr-schedule; empty: the graph's own
  uint64_t printEvery = 1;
  // Training on a data set.
  std::string data;
  uint64_t epochs = 1;
  std::string checkpointDir;
  bool resume = false;
  bool padLastBatch = false;
  bool noStandardize = false;
  bool keepBest = false;
  bool reduceLrOnPlateau = false;
  double plateauFactor = 0.1;
  int64_t plateauPatience = 10;
  double plateauThreshold = 1e-4;
  int64_t plateauCooldown = 0;
  double plateauMinLr = 0;
  // Limits and checks.
  std::string maxMemory;      // --max-memory; empty: only what is available
  bool checkNumerics = false; // --check-numerics
};

void addDataTrainingOptions(CLI::App &cmd, TrainOptions &opts);

/// Runs `voskhod train`; returns the exit status.
int runTrain(const TrainOptions &opts);

} // namespace voskhod::driver
