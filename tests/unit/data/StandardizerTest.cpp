//===- tests/unit/data/StandardizerTest.cpp - fitted on train only --------===//
#include "trainer/data/Standardizer.h"
#include "TestFiles.h"

#include <cmath>

using namespace voskhod::rt;
using namespace voskhod::rt::testing;

namespace {

/// Feature j has mean about 10j and spread about j + 1; feature 2 is
/// constant.
Dataset randomDataset(int64_t rows, uint64_t seed) {
  Dataset d;
  d.source = "memory";
  d.numFeatures = 3;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < 3; ++j)
      d.features.push_back(
          j == 2 ? 7.f : float(10 * j + (j + 1) * standardNormal(seed, j, r)));
  d.classes.assign(rows, 0);
  return d;
}

TEST(Standardizer, TrainSplitBecomesZeroMeanUnitDeviation) {
  Dataset train = randomDataset(400, 1);
  Standardizer s = Standardizer::fit(train);
  ASSERT_TRUE(s.apply(train).isOk());
  for (int64_t j = 0; j < 2; ++j) {
    double sum = 0, squares = 0;
    for (int64_t r = 0; r < 400; ++r)
      sum += train.features[r * 3 + j];
    double mean = sum / 400;
    for (int64_t r = 0; r < 400; ++r)
      squares += std::pow(train.features[r * 3 + j] - mean, 2);
    EXPECT_NEAR(mean, 0.0, 1e-5);
    EXPECT_NEAR(std::sqrt(squares / 400), 1.0, 1e-5);
  }
}

TEST(Standardizer, TestSplitUsesTrainStatistics) {
  Dataset train = randomDataset(300, 1), test = randomDataset(50, 2);
  Dataset original = test;
  Standardizer s = Standardizer::fit(train);
  ASSERT_TRUE(s.apply(test).isOk());
  for (int64_t r = 0; r < 50; ++r)
    for (int64_t j = 0; j < 2; ++j)
      EXPECT_FLOAT_EQ(test.features[r * 3 + j],
                      (original.features[r * 3 + j] - s.mean[j]) / s.stddev[j]);
  // Fitting on the test split instead would give different statistics.
  Standardizer other = Standardizer::fit(original);
  EXPECT_NE(other.mean[0], s.mean[0]);
}

TEST(Standardizer, ConstantFeatureIsCentredNotDividedByZero) {
  Dataset train = randomDataset(20, 3);
  Standardizer s = Standardizer::fit(train);
  EXPECT_EQ(s.stddev[2], 0.f);
  ASSERT_TRUE(s.apply(train).isOk());
  for (int64_t r = 0; r < 20; ++r)
    EXPECT_EQ(train.features[r * 3 + 2], 0.f);
}

TEST(Standardizer, StatisticsRoundTripAndAreChecked) {
  Standardizer s = Standardizer::fit(randomDataset(30, 4));
  auto back = Standardizer::fromStatistics(s.mean, s.stddev);
  ASSERT_TRUE(back) << back.message();
  EXPECT_EQ(back->mean, s.mean);
  expectErrorMentions(errorOf(Standardizer::fromStatistics({1, 2}, {1})),
                      {"disagree"});
  expectErrorMentions(errorOf(Standardizer::fromStatistics({1}, {-1})),
                      {"invalid"});
  Dataset narrow;
  narrow.source = "narrow.csv";
  narrow.numFeatures = 2;
  narrow.features = {1, 2};
  expectErrorMentions(s.apply(narrow), {"narrow.csv", "2 features", "3"});
}

} // namespace
