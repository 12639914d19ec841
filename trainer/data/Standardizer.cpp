//===- trainer/data/Standardizer.cpp - x' = (x - mean) / sigma ------------===//
#include "trainer/data/Standardizer.h"

#include "support/InternalCheck.h"

#include <cmath>

namespace voskhod::rt {
namespace {

/// How many consecutive values of an example share one statistic: 1 per
/// feature, H×W per channel (an example is channel-major, [C, H, W]).
int64_t valuesPerStatistic(StandardizeBy by, const Dataset &data) {
  if (by == StandardizeBy::Feature)
    return 1;
  std::vector<int64_t> image = data.imageShape();
  VOSKHOD_CHECK(!image.empty()) << "per-channel statistics need images";
  return image[1] * image[2];
}

} // namespace

StandardizeBy standardizationFor(const Dataset &data,
                                 const StepSignature &signature) {
  return feedsImages(data, signature) ? StandardizeBy::Channel
                                      : StandardizeBy::Feature;
}

Standardizer Standardizer::fit(const Dataset &train, StandardizeBy by) {
  int64_t f = train.numFeatures, rows = train.size();
  int64_t group = valuesPerStatistic(by, train);
  int64_t stats = f / group;
  std::vector<double> sum(stats, 0.0), squares(stats, 0.0);
  for (int64_t r = 0; r < rows; ++r) {
    const float *row = &train.features[r * f];
    for (int64_t j = 0; j < f; ++j)
      sum[j / group] += row[j];
  }
  double perStatistic = double(rows) * double(group);
  std::vector<double> mean(stats);
  for (int64_t k = 0; k < stats; ++k)
    mean[k] = rows > 0 ? sum[k] / perStatistic : 0.0;
  // Two passes: the textbook E[x^2] - E[x]^2 cancels badly for large means.
  for (int64_t r = 0; r < rows; ++r) {
    const float *row = &train.features[r * f];
    for (int64_t j = 0; j < f; ++j) {
      double d = row[j] - mean[j / group];
      squares[j / group] += d * d;
    }
  }
  Standardizer s;
  s.by = by;
  s.mean.resize(stats);
  s.stddev.resize(stats);
  for (int64_t k = 0; k < stats; ++k) {
    s.mean[k] = float(mean[k]);
    s.stddev[k] = rows > 0 ? float(std::sqrt(squares[k] / perStatistic)) : 0.f;
  }
  return s;
}

Expected<Standardizer> Standardizer::fromStatistics(std::vector<float> mean,
                                                    std::vector<float> stddev,
                                                    StandardizeBy by) {
  if (mean.size() != stddev.size())
    return makeError(
        "standardisation statistics disagree: " + std::to_string(mean.size()) +
        " means but " + std::to_string(stddev.size()) + " deviations");
  const char *what = by == StandardizeBy::Channel ? "channel" : "feature";
  for (size_t j = 0; j < mean.size(); ++j)
    if (!std::isfinite(mean[j]) || !std::isfinite(stddev[j]) || stddev[j] < 0)
      return makeError(std::string("standardisation statistics of ") + what +
                       " " + std::to_string(j) + " are invalid");
  Standardizer s;
  s.by = by;
  s.mean = std::move(mean);
  s.stddev = std::move(stddev);
  return s;
}

Status Standardizer::apply(Dataset &data) const {
  int64_t stats = int64_t(mean.size());
  int64_t f = data.numFeatures;
  if (by == StandardizeBy::Channel) {
    std::vector<int64_t> image = data.imageShape();
    if (image.empty() || image[0] != stats)
      return makeError("data set '" + data.source + "' holds " +
                       (image.empty()
                            ? std::string("no images")
                            : "images of shape " + formatShape(image)) +
                       ", but the standardisation was fitted per channel on " +
                       std::to_string(stats) + " channels");
  } else if (f != stats) {
    return makeError("data set '" + data.source + "' has " + std::to_string(f) +
                     " features per example, but the standardisation was "
                     "fitted on " +
                     std::to_string(stats));
  }
  int64_t group = valuesPerStatistic(by, data);
  std::vector<float> shift(f), scale(f);
  for (int64_t j = 0; j < f; ++j) {
    float sigma = stddev[j / group];
    shift[j] = mean[j / group];
    scale[j] = sigma > 0.f ? 1.f / sigma : 1.f;
  }
  int64_t rows = data.size();
  for (int64_t r = 0; r < rows; ++r) {
    float *row = &data.features[r * f];
    for (int64_t j = 0; j < f; ++j)
      row[j] = (row[j] - shift[j]) * scale[j];
  }
  return Status::ok();
}

std::vector<int64_t> Standardizer::savedShape() const {
  int64_t n = int64_t(mean.size());
  if (by == StandardizeBy::Channel)
    return {n, 1, 1};
  return {n};
}

StandardizeBy Standardizer::savedAs(const std::vector<int64_t> &shape) {
  bool perChannel = shape.size() == 3 && shape[1] == 1 && shape[2] == 1;
  return perChannel ? StandardizeBy::Channel : StandardizeBy::Feature;
}

} // namespace voskhod::rt
