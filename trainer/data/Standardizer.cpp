//===- trainer/data/Standardizer.cpp - x' = (x - mean) / sigma
//-------------===//
#include "trainer/data/Standardizer.h"

#include <cmath>

namespace voskhod::rt {

Standardizer Standardizer::fit(const Dataset &train) {
  int64_t f = train.numFeatures, rows = train.size();
  std::vector<double> sum(f, 0.0), squares(f, 0.0);
  for (int64_t r = 0; r < rows; ++r) {
    const float *row = &train.features[r * f];
    for (int64_t j = 0; j < f; ++j)
      sum[j] += row[j];
  }
  Standardizer s;
  s.mean.resize(f);
  s.stddev.resize(f);
  std::vector<double> mean(f);
  for (int64_t j = 0; j < f; ++j)
    mean[j] = rows > 0 ? sum[j] / double(rows) : 0.0;
  // Two passes: the textbook E[x^2] - E[x]^2 cancels badly for large means.
  for (int64_t r = 0; r < rows; ++r) {
    const float *row = &train.features[r * f];
    for (int64_t j = 0; j < f; ++j) {
      double d = row[j] - mean[j];
      squares[j] += d * d;
    }
  }
  for (int64_t j = 0; j < f; ++j) {
    s.mean[j] = float(mean[j]);
    s.stddev[j] = rows > 0 ? float(std::sqrt(squares[j] / double(rows))) : 0.f;
  }
  return s;
}

Expected<Standardizer> Standardizer::fromStatistics(std::vector<float> mean,
                                                    std::vector<float> stddev) {
  if (mean.size() != stddev.size())
    return makeError(
        "standardisation statistics disagree: " + std::to_string(mean.size()) +
        " means but " + std::to_string(stddev.size()) + " deviations");
  for (size_t j = 0; j < mean.size(); ++j)
    if (!std::isfinite(mean[j]) || !std::isfinite(stddev[j]) || stddev[j] < 0)
      return makeError("standardisation statistics of feature " +
                       std::to_string(j) + " are invalid");
  Standardizer s;
  s.mean = std::move(mean);
  s.stddev = std::move(stddev);
  return s;
}

Status Standardizer::apply(Dataset &data) const {
  int64_t f = int64_t(mean.size());
  if (data.numFeatures != f)
    return makeError("data set '" + data.source + "' has " +
                     std::to_string(data.numFeatures) +
                     " features per example, but the standardisation was "
                     "fitted on " +
                     std::to_string(f));
  std::vector<float> scale(f);
  for (int64_t j = 0; j < f; ++j)
    scale[j] = stddev[j] > 0.f ? 1.f / stddev[j] : 1.f;
  int64_t rows = data.size();
  for (int64_t r = 0; r < rows; ++r) {
    float *row = &data.features[r * f];
    for (int64_t j = 0; j < f; ++j)
      row[j] = (row[j] - mean[j]) * scale[j];
  }
  return Status::ok();
}

} // namespace voskhod::rt
