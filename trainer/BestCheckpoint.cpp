//===- trainer/BestCheckpoint.cpp - which epoch --keep-best keeps ---------===//
#include "trainer/BestCheckpoint.h"

#include "trainer/Trainer.h"

#include <cmath>

namespace voskhod::rt {

BestMetric bestMetricFor(bool classifies) {
  if (classifies)
    return {"test_accuracy", true};
  return {"test_loss", false};
}

bool isBetter(const BestMetric &metric, double candidate,
              std::optional<double> best) {
  if (std::isnan(candidate))
    return false;
  if (!best)
    return true;
  return metric.higherIsBetter ? candidate > *best : candidate < *best;
}

std::string bestCheckpointPath(const std::string &checkpointPath) {
  return curveStem(checkpointPath) + ".best.safetensors";
}

} // namespace voskhod::rt
