//===- trainer/data/Standardizer.h - x' = (x - mean) / sigma --------------===//
///
/// Fitted on the training split only (using the test split would leak it
/// into training) and then applied unchanged to every split and saved with
/// the checkpoint, so a resumed run or a later evaluation sees the same
/// scaling. Statistics are accumulated in float64; sigma is the population
/// standard deviation (divide by N, as scikit-learn's StandardScaler does).
/// A statistic with sigma = 0 (a pixel that is always black) only centres:
/// dividing by zero would make NaNs, and any scale is as good as another
/// for a constant. It deliberately does nothing to labels.
///
/// Flat rows get one mean and sigma per feature. Images fed to a model as
/// [N, C, H, W] get one per channel, over every pixel of that channel in
/// the training split, as torchvision's Normalize does: a per-pixel scale
/// would blow up the noise of border pixels that are nearly constant. The
/// statistics are saved as a [F] tensor per feature and a [C, 1, 1] one
/// per channel (the shape that broadcasts over an example), so checkpoints
/// written before per-channel statistics existed still read as per feature.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Error.h"
#include "trainer/data/Dataset.h"

#include <cstdint>
#include <vector>

namespace voskhod::rt {

enum class StandardizeBy { Feature, Channel };

/// Channel when `data` reaches the model as images (`feedsImages`), else
/// Feature.
StandardizeBy standardizationFor(const Dataset &data,
                                 const StepSignature &signature);

struct Standardizer {
  StandardizeBy by = StandardizeBy::Feature;
  /// One value per feature or per channel.
  std::vector<float> mean;
  std::vector<float> stddev;

  /// Per channel needs `train.imageShape()`.
  static Standardizer fit(const Dataset &train,
                          StandardizeBy by = StandardizeBy::Feature);
  /// Builds one from saved statistics (e.g. a checkpoint's).
  static Expected<Standardizer>
  fromStatistics(std::vector<float> mean, std::vector<float> stddev,
                 StandardizeBy by = StandardizeBy::Feature);
  /// Applies it in place; the feature (or channel) count must match.
  Status apply(Dataset &data) const;

  /// The shape the statistics are saved with: [F] or [C, 1, 1].
  std::vector<int64_t> savedShape() const;
  /// What a saved statistics tensor of `shape` holds.
  static StandardizeBy savedAs(const std::vector<int64_t> &shape);
};

} // namespace voskhod::rt
