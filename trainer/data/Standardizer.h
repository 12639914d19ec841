//===- trainer/data/Standardizer.h - x' = (x - mean) / sigma per feature
//---===//
///
/// Fitted on the training split only (using the test split would leak it
/// into training) and then applied unchanged to every split and saved with
/// the checkpoint, so a resumed run or a later evaluation sees the same
/// scaling. Statistics are accumulated in float64; sigma is the population
/// standard deviation (divide by N, as scikit-learn's StandardScaler does).
/// A feature with sigma = 0 (a pixel that is always black) is only centred:
/// dividing by zero would make NaNs, and any scale is as good as another
/// for a constant. It deliberately does nothing to labels.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Error.h"
#include "trainer/data/Dataset.h"

#include <vector>

namespace voskhod::rt {

struct Standardizer {
  std::vector<float> mean;
  std::vector<float> stddev;

  static Standardizer fit(const Dataset &train);
  /// Builds one from saved statistics (e.g. a checkpoint's).
  static Expected<Standardizer> fromStatistics(std::vector<float> mean,
                                               std::vector<float> stddev);
  /// Applies it in place; the feature count must match.
  Status apply(Dataset &data) const;
};

} // namespace voskhod::rt
