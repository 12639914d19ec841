//===- tests/unit/data/DataLoaderTest.cpp - shuffling and batching --------===//
#include "trainer/data/DataLoader.h"
#include "TestFiles.h"

#include <algorithm>
#include <numeric>
#include <set>

using namespace voskhod::rt;

namespace {

/// Row r's features are random, its class r % 3, so rows are identifiable.
Dataset randomDataset(int64_t rows, int64_t features) {
  Dataset d;
  d.source = d.labelSource = "memory";
  d.numFeatures = features;
  for (int64_t i = 0; i < rows * features; ++i)
    d.features.push_back(float(uniform01(3, 0, i)));
  for (int64_t r = 0; r < rows; ++r)
    d.classes.push_back(int32_t(r % 3));
  return d;
}

TEST(DataLoader, SameSeedAndEpochGiveTheSameOrder) {
  Dataset d = randomDataset(50, 2);
  DataLoader a(d, {8, 42}), b(d, {8, 42}), c(d, {8, 43});
  EXPECT_EQ(a.epochOrder(3), b.epochOrder(3));
  EXPECT_NE(a.epochOrder(3), a.epochOrder(4));
  EXPECT_NE(a.epochOrder(3), c.epochOrder(3));
  // Asking out of order changes nothing: the order is a function of
  // (seed, epoch), not of what was asked before.
  std::vector<int64_t> first = a.epochOrder(0);
  (void)a.epochOrder(7);
  EXPECT_EQ(a.epochOrder(0), first);
}

TEST(DataLoader, EveryEpochIsAPermutation) {
  Dataset d = randomDataset(37, 1);
  DataLoader loader(d, {5, 9});
  for (int64_t e = 0; e < 20; ++e) {
    std::vector<int64_t> order = loader.epochOrder(e);
    std::sort(order.begin(), order.end());
    std::vector<int64_t> expected(37);
    std::iota(expected.begin(), expected.end(), 0);
    ASSERT_EQ(order, expected) << "epoch " << e;
  }
}

TEST(DataLoader, ShuffleSpreadsRowsOverPositions) {
  // Over 3000 epochs each of 5 rows leads about 600 times.
  Dataset d = randomDataset(5, 1);
  DataLoader loader(d, {1, 1});
  std::vector<int> leads(5, 0);
  for (int64_t e = 0; e < 3000; ++e)
    ++leads[loader.epochOrder(e)[0]];
  for (int count : leads) {
    EXPECT_GT(count, 480);
    EXPECT_LT(count, 720);
  }
}

TEST(DataLoader, DropLeavesOutThePartialBatch) {
  Dataset d = randomDataset(23, 3);
  DataLoader loader(d, {5, 2});
  ASSERT_EQ(loader.batchesPerEpoch(), 4);
  std::set<int64_t> seen;
  Batch batch;
  std::vector<int64_t> order = loader.epochOrder(1);
  for (int64_t i = 0; i < loader.batchesPerEpoch(); ++i) {
    loader.fill(1, i, batch);
    ASSERT_EQ(batch.size, 5);
    ASSERT_EQ(batch.valid, 5);
    for (int64_t k = 0; k < 5; ++k) {
      int64_t row = batch.rows[k];
      EXPECT_EQ(row, order[i * 5 + k]);
      EXPECT_TRUE(seen.insert(row).second) << "row twice in an epoch";
      EXPECT_EQ(batch.classes[k], d.classes[row]);
      for (int64_t j = 0; j < 3; ++j)
        EXPECT_EQ(batch.features[k * 3 + j], d.features[row * 3 + j]);
      EXPECT_EQ(batch.mask[k], 1.f);
    }
  }
  EXPECT_EQ(seen.size(), 20u);
}

TEST(DataLoader, PadMasksTheTail) {
  Dataset d = randomDataset(23, 3);
  DataLoader loader(d, {5, 2, /*shuffle=*/false, PartialBatch::Pad});
  ASSERT_EQ(loader.batchesPerEpoch(), 5);
  Batch batch;
  loader.fill(0, 4, batch);
  EXPECT_EQ(batch.size, 5);
  EXPECT_EQ(batch.valid, 3);
  EXPECT_EQ(batch.rows, (std::vector<int64_t>{20, 21, 22}));
  EXPECT_EQ(batch.mask, (std::vector<float>{1, 1, 1, 0, 0}));
  for (int64_t j = 9; j < 15; ++j)
    EXPECT_EQ(batch.features[j], 0.f);
  EXPECT_EQ(batch.features[0], d.features[20 * 3]);
}

TEST(DataLoader, TargetsTravelWithTheirRows) {
  Dataset d = randomDataset(10, 2);
  d.labelKind = LabelKind::Target;
  d.classes.clear();
  d.targetWidth = 2;
  for (int64_t i = 0; i < 20; ++i)
    d.targets.push_back(float(uniform01(4, 4, i)));
  DataLoader loader(d, {4, 6});
  Batch batch;
  loader.fill(2, 1, batch);
  EXPECT_TRUE(batch.classes.empty());
  for (int64_t k = 0; k < 4; ++k)
    for (int64_t j = 0; j < 2; ++j)
      EXPECT_EQ(batch.targets[k * 2 + j], d.targets[batch.rows[k] * 2 + j]);
}

} // namespace
