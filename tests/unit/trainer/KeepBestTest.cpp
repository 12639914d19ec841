//===- tests/unit/trainer/KeepBestTest.cpp - the best epoch's checkpoint -===//
///
/// --keep-best: the file holds the state after the epoch with the best
/// validation metric (accuracy for a classifier, loss for regression; the
/// first of equal ones), records it in its metadata, and a resumed run
/// remembers the best so far.
///
//===----------------------------------------------------------------------===//
#include "../data/TestFiles.h"
#include "LinearModel.h"
#include "trainer/BestCheckpoint.h"
#include "trainer/Trainer.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace voskhod;
using namespace voskhod::rt;
using namespace voskhod::rt::testing;

namespace {

/// The first epoch with the best validation metric, found from the report.
int64_t bestEpochOf(const TrainReport &report, bool accuracy) {
  int64_t best = 0;
  for (size_t e = 0; e < report.epochs.size(); ++e) {
    const EpochMetrics &m = report.epochs[e];
    const EpochMetrics &b = report.epochs[best];
    if (accuracy ? m.testAccuracy > b.testAccuracy : m.testLoss < b.testLoss)
      best = int64_t(e);
  }
  return best + 1;
}

/// The weights after `epochs` epochs of an uninterrupted run.
std::vector<float> weightsAfter(int64_t epochs, bool regress, float lr) {
  LinearModel model(4, 3, 16, regress, 7);
  model.lr = lr;
  DataSplits data = splits(regress);
  EXPECT_TRUE(train(model, data, quietOptions(epochs)));
  return model.weights();
}

struct Case {
  bool regress;
  float lr; // large enough that the validation metric goes up and down
  const char *metric;
};

TEST(KeepBest, KeepsTheEpochWithTheBestValidationMetric) {
  for (Case c :
       {Case{false, 2.f, "test_accuracy"}, Case{true, 0.35f, "test_loss"}}) {
    SCOPED_TRACE(c.metric);
    TempDir dir;
    TrainerOptions options = quietOptions(8);
    options.checkpointPath = dir.file("m.safetensors");
    options.keepBest = true;
    LinearModel model(4, 3, 16, c.regress, 7);
    model.lr = c.lr;
    DataSplits data = splits(c.regress);
    auto report = train(model, data, options);
    ASSERT_TRUE(report) << report.message();
    int64_t best = bestEpochOf(*report, !c.regress);
    ASSERT_LT(best, 8) << "the test needs a best epoch before the last";
    EXPECT_EQ(report->bestEpoch, best);

    auto kept = loadCheckpoint(dir.file("m.best.safetensors"));
    ASSERT_TRUE(kept) << kept.message();
    EXPECT_EQ(kept->metadata["best_epoch"], std::to_string(best));
    EXPECT_EQ(kept->metadata["epoch"], std::to_string(best));
    EXPECT_EQ(kept->metadata["best_metric_name"], c.metric);
    const EpochMetrics &m = report->epochs[best - 1];
    EXPECT_EQ(std::stod(kept->metadata["best_metric"]),
              c.regress ? m.testLoss : m.testAccuracy);
    EXPECT_EQ(kept->tensors["w"].toF32(), weightsAfter(best, c.regress, c.lr));
    // The regular checkpoint records it too, for a resume.
    auto last = loadCheckpoint(options.checkpointPath);
    ASSERT_TRUE(last);
    EXPECT_EQ(last->metadata["best_epoch"], std::to_string(best));
    EXPECT_EQ(last->metadata["epoch"], "8");
  }
}

TEST(KeepBest, ResumedRunRemembersTheBestSoFar) {
  TempDir dir;
  TrainerOptions options = quietOptions(8);
  options.keepBest = true;
  options.checkpointPath = dir.file("full.safetensors");
  LinearModel full(4, 3, 16, false, 7);
  full.lr = 2.f;
  DataSplits data = splits();
  auto expected = train(full, data, options);
  ASSERT_TRUE(expected) << expected.message();
  auto expectedBest = loadCheckpoint(dir.file("full.best.safetensors"));
  ASSERT_TRUE(expectedBest);

  // Interrupted after the best epoch, so the resumed run sees only worse
  // ones: it must not replace the best file with one of them.
  int64_t stopAt = expected->bestEpoch * 12 + 5;
  ASSERT_LT(stopAt, 8 * 12);
  options.checkpointPath = dir.file("part.safetensors");
  LinearModel first(4, 3, 16, false, 7);
  first.lr = 2.f;
  first.raiseAtStep = stopAt;
  data = splits();
  auto part = train(first, data, options);
  ASSERT_TRUE(part && part->interrupted);

  LinearModel second(4, 3, 16, false, 8);
  TrainerOptions resumed = options;
  resumed.resumePath = options.checkpointPath;
  data = splits();
  auto rest = train(second, data, resumed);
  ASSERT_TRUE(rest) << rest.message();
  EXPECT_EQ(rest->bestEpoch, expected->bestEpoch);
  EXPECT_EQ(rest->bestMetric, expected->bestMetric);
  auto best = loadCheckpoint(dir.file("part.best.safetensors"));
  ASSERT_TRUE(best);
  EXPECT_EQ(best->tensors["w"], expectedBest->tensors["w"]);
  EXPECT_EQ(best->metadata["best_epoch"], expectedBest->metadata["best_epoch"]);
}

TEST(KeepBest, NeedsACheckpointAndAHeldOutSplit) {
  LinearModel model(4, 3, 16, false, 7);
  TrainerOptions options = quietOptions(1);
  options.keepBest = true;
  DataSplits data = splits();
  expectErrorMentions(errorOf(train(model, data, options)),
                      {"keep-best", "checkpoint"});
  TempDir dir;
  options.checkpointPath = dir.file("m.safetensors");
  data.test.reset();
  expectErrorMentions(errorOf(train(model, data, options)),
                      {"keep-best", "held-out"});
}

TEST(KeepBest, MetricAndPath) {
  EXPECT_EQ(bestMetricFor(true).name, "test_accuracy");
  EXPECT_TRUE(bestMetricFor(true).higherIsBetter);
  EXPECT_FALSE(bestMetricFor(false).higherIsBetter);
  EXPECT_TRUE(isBetter(bestMetricFor(false), 1.0, std::nullopt));
  EXPECT_FALSE(isBetter(bestMetricFor(false), std::nan(""), std::nullopt));
  EXPECT_FALSE(isBetter(bestMetricFor(true), 0.5, 0.5));
  EXPECT_EQ(bestCheckpointPath("dir/m.safetensors"), "dir/m.best.safetensors");
}

} // namespace
