//===- examples/cpp/support/Datasets.h - the examples' synthetic data -----===//
///
/// The small data sets the example models learn, each a pure function of its
/// seed: every number is a Philox draw (runtime/Random.h) at a fixed counter,
/// so the same seed gives the same rows on every machine and compiler. The
/// CSV files under examples/data/ are these data sets written out by
/// `example_make_data`, which is what lets `voskhod train --data` and the C++
/// programs train on exactly the same rows.
///
/// Each generator says what a perfect model can reach (the noise floor), so
/// the targets the examples assert are grounded in the data rather than in
/// one lucky run. They deliberately stay tiny: the examples must train in
/// seconds on two cores.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Error.h"
#include "trainer/data/Dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace voskhod::examples {

/// Three Gaussian blobs in 3-D with unit variance, centred 3.5 along each
/// axis (centres 4.9 apart): about 1% of points lie nearer another centre,
/// so a good classifier reaches about 99%. Class i % 3 for row i.
rt::Dataset blobs(int64_t n, uint64_t seed);

/// Three noisy concentric rings in 2-D (radii 1, 2 and 3, radial noise
/// σ = 0.2): not linearly separable, so a model needs its hidden layers;
/// the rings overlap for about 1% of points.
rt::Dataset rings(int64_t n, uint64_t seed);

/// Regression with heavy-tailed noise: x ~ U(-1, 1)^3 and
/// y = 2·x0 − x1 + sin(3·x2) + ε, where ε is Laplace with scale 0.05 plus,
/// for one row in twenty, an outlier of ±U(1, 3). The median of the noise
/// is 0 and its mean absolute value is about 0.15, so an l1-trained model
/// that finds the function has a mean absolute error near 0.15.
rt::Dataset bumpyRegression(int64_t n, uint64_t seed);

/// Rows of `columns` standard-normal numbers, row-major.
std::vector<float> normalMatrix(int64_t rows, int64_t columns, uint64_t seed);

/// Writes `data` as a CSV table: a header of `featureNames` then
/// `labelName`, one row per example, floats in shortest round-trip form.
Status writeCsv(const rt::Dataset &data,
                const std::vector<std::string> &featureNames,
                const std::string &labelName, const std::string &path);

/// Feature names `prefix0`, `prefix1`, ...
std::vector<std::string> numberedNames(const std::string &prefix, int64_t n);

} // namespace voskhod::examples
