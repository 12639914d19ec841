//===- trainer/BestCheckpoint.h - which epoch --keep-best keeps -----------===//
///
/// `--keep-best` keeps a second checkpoint, `NAME.best.safetensors` next to
/// `NAME.safetensors`, holding the state after the epoch with the best
/// validation metric so far: the held-out split's accuracy for a classifier
/// (and a multi-label model), which the Trainer reports as its headline
/// number, or its loss (MSE for regression) otherwise. Only a strictly
/// better value replaces the file, so of equal epochs the first is kept.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace voskhod::rt {

struct BestMetric {
  std::string name; // as in the metadata and messages: "test_accuracy"
  bool higherIsBetter = false;
};

/// Accuracy when the model classifies, loss otherwise.
BestMetric bestMetricFor(bool classifies);

/// Whether `candidate` beats `best` (none yet: any number does; NaN never).
bool isBetter(const BestMetric &metric, double candidate,
              std::optional<double> best);

/// `X.safetensors` → `X.best.safetensors`.
std::string bestCheckpointPath(const std::string &checkpointPath);

} // namespace voskhod::rt
