//===- tests/unit/trainer/TrainerTest.cpp - the loop with a fake step -----===//
///
/// The step here is softmax (or linear) regression written out by hand, so
/// the Trainer is tested without the compiler: learning, metrics, the NaN
/// stop, Ctrl-C, and resuming to exactly the uninterrupted run's losses.
///
//===----------------------------------------------------------------------===//
#include "trainer/Trainer.h"
#include "../data/TestFiles.h"
#include "LinearModel.h"
#include "SvgCheck.h"
#include "runtime/Random.h"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <filesystem>

using namespace voskhod;
using namespace voskhod::rt;
using namespace voskhod::rt::testing;

namespace {

TEST(Trainer, LearnsAndReportsClassificationMetrics) {
  LinearModel model(4, 3, 16, false, 1);
  DataSplits data = splits();
  auto report = train(model, data, quietOptions(5));
  ASSERT_TRUE(report) << report.message();
  ASSERT_EQ(report->stepLosses.size(), 60u); // 200 / 16 = 12 full batches
  ASSERT_EQ(report->epochs.size(), 5u);
  EXPECT_LT(report->epochs.back().trainLoss, report->epochs[0].trainLoss);
  EXPECT_GT(report->epochs.back().testAccuracy, 0.8);
  EXPECT_GT(report->epochs.back().trainAccuracy, 0.8);
  EXPECT_TRUE(std::isnan(report->epochs.back().testMae));
  EXPECT_EQ(report->epochs[2].step, 36);
  // The epoch's train loss is the mean of its step losses.
  double sum = 0;
  for (int i = 12; i < 24; ++i)
    sum += report->stepLosses[i];
  EXPECT_DOUBLE_EQ(report->epochs[1].trainLoss, sum / 12);
  EXPECT_FALSE(report->interrupted);
}

TEST(Trainer, RegressionReportsMeanAbsoluteError) {
  LinearModel model(4, 3, 20, true, 2);
  model.lr = 0.05f;
  DataSplits data = splits(true);
  auto report = train(model, data, quietOptions(8));
  ASSERT_TRUE(report) << report.message();
  const EpochMetrics &last = report->epochs.back();
  EXPECT_TRUE(std::isnan(last.testAccuracy));
  EXPECT_LT(last.testMae, report->epochs[0].testMae);
  EXPECT_LT(last.testLoss, 0.5);
}

TEST(Trainer, MultiLabelReportsSigmoidLossAndAccuracy) {
  LinearModel model(4, 3, 20, true, 6);
  model.multiLabel = true;
  model.lr = 2.f;
  // Each label is whether its projection (the regression target) is
  // positive: three linearly separable yes/no labels per row.
  DataSplits data = splits(true);
  for (Dataset *d : {&data.train, &*data.test})
    for (float &t : d->targets)
      t = t > 0;
  auto report = train(model, data, quietOptions(8));
  ASSERT_TRUE(report) << report.message();
  const EpochMetrics &first = report->epochs.front(),
                     &last = report->epochs.back();
  EXPECT_TRUE(std::isnan(last.testMae));
  EXPECT_LT(last.testLoss, first.testLoss);
  // A row counts only when all three labels are right.
  EXPECT_GT(last.testAccuracy, 0.8);
  EXPECT_GT(last.trainAccuracy, 0.8);
  // A target outside [0, 1] is refused, naming the row.
  data = splits(true);
  expectErrorMentions(errorOf(train(model, data, quietOptions(1))),
                      {"synthetic-1: item", "outside [0, 1]"});
}

TEST(Trainer, StopsWithTheStepWhenTheLossIsNotFinite) {
  LinearModel model(4, 3, 16, false, 3);
  model.poisonAtStep = 15;
  DataSplits data = splits();
  auto report = train(model, data, quietOptions(3));
  ASSERT_FALSE(report);
  EXPECT_EQ(report.message(),
            "loss became nan at step 15 (epoch 2, batch 3); stopping");
}

TEST(Trainer, DataThatDoesNotFitTheModelIsAnError) {
  LinearModel model(5, 3, 16, false, 4);
  DataSplits data = splits();
  expectErrorMentions(errorOf(train(model, data, quietOptions(1))),
                      {"synthetic-1", "4 features", "%x expects 5"});
  LinearModel big(4, 3, 500, false, 4);
  data = splits();
  expectErrorMentions(errorOf(train(big, data, quietOptions(1))),
                      {"fewer than one batch of 500"});
  LinearModel two(4, 2, 16, false, 4);
  data = splits();
  expectErrorMentions(errorOf(train(two, data, quietOptions(1))),
                      {"synthetic-1: item", "outside the class range [0, 2)"});
}

struct RunResult {
  TrainReport report;
  std::vector<float> weights;
};

TEST(Trainer, ResumeReproducesTheUninterruptedRunBitwise) {
  TempDir dir;
  TrainerOptions options = quietOptions(3);
  options.checkpointPath = dir.file("full.safetensors");
  LinearModel full(4, 3, 16, false, 7);
  DataSplits data = splits();
  auto expected = train(full, data, options);
  ASSERT_TRUE(expected) << expected.message();

  // Mid-epoch, at an epoch's last step, and at the very first step.
  for (int64_t stopAt : {17, 24, 1}) {
    SCOPED_TRACE("interrupted at step " + std::to_string(stopAt));
    options.checkpointPath = dir.file("part.safetensors");
    LinearModel first(4, 3, 16, false, 7);
    first.raiseAtStep = stopAt;
    data = splits();
    auto part = train(first, data, options);
    ASSERT_TRUE(part) << part.message();
    EXPECT_TRUE(part->interrupted);
    EXPECT_EQ(part->stepsDone, stopAt);

    // A different initialisation proves the state comes from the file.
    LinearModel second(4, 3, 16, false, 8);
    TrainerOptions resumed = options;
    resumed.resumePath = options.checkpointPath;
    data = splits();
    auto rest = train(second, data, resumed);
    ASSERT_TRUE(rest) << rest.message();
    EXPECT_FALSE(rest->interrupted);
    ASSERT_EQ(rest->stepLosses, expected->stepLosses);
    ASSERT_EQ(rest->epochs.size(), expected->epochs.size());
    for (size_t e = 0; e < rest->epochs.size(); ++e) {
      EXPECT_EQ(rest->epochs[e].trainLoss, expected->epochs[e].trainLoss);
      EXPECT_EQ(rest->epochs[e].testLoss, expected->epochs[e].testLoss);
      EXPECT_EQ(rest->epochs[e].testAccuracy, expected->epochs[e].testAccuracy);
    }
    EXPECT_EQ(second.weights(), full.weights());
  }
}

TEST(Trainer, HyperparametersAreSetBeforeTheFirstStepAndWinOverAResume) {
  TempDir dir;
  TrainerOptions options = quietOptions(1);
  options.checkpointPath = dir.file("m.safetensors");
  options.hparams = {{"lr", 0.05}};
  LinearModel model(4, 3, 16, false, 7);
  DataSplits data = splits();
  ASSERT_TRUE(train(model, data, options));
  EXPECT_EQ(model.lr, 0.05f);

  // The checkpoint keeps the rate set at run time...
  TrainerOptions resumed = quietOptions(2);
  resumed.checkpointPath = dir.file("m.safetensors");
  resumed.resumePath = resumed.checkpointPath;
  LinearModel second(4, 3, 16, false, 8);
  data = splits();
  ASSERT_TRUE(train(second, data, resumed));
  EXPECT_EQ(second.lr, 0.05f);
  // ...and one given with the resume replaces it.
  resumed = quietOptions(3);
  resumed.checkpointPath = dir.file("m.safetensors");
  resumed.resumePath = resumed.checkpointPath;
  resumed.hparams = {{"lr", 0.02}};
  LinearModel third(4, 3, 16, false, 9);
  data = splits();
  ASSERT_TRUE(train(third, data, resumed));
  EXPECT_EQ(third.lr, 0.02f);

  options.hparams = {{"momentum", 0.9}};
  options.checkpointPath.clear();
  data = splits();
  expectErrorMentions(errorOf(train(model, data, options)),
                      {"no hyperparameter 'momentum'"});
}

TEST(Trainer, ResumeRefusesADifferentShuffle) {
  TempDir dir;
  TrainerOptions options = quietOptions(1);
  options.checkpointPath = dir.file("m.safetensors");
  LinearModel model(4, 3, 16, false, 7);
  DataSplits data = splits();
  ASSERT_TRUE(train(model, data, options));
  options.resumePath = options.checkpointPath;
  options.seed = 6;
  data = splits();
  expectErrorMentions(errorOf(train(model, data, options)),
                      {"m.safetensors", "seed 5", "uses 6"});
  options.resumePath = dir.file("missing.safetensors");
  data = splits();
  expectErrorMentions(errorOf(train(model, data, options)),
                      {"missing.safetensors"});
}

TEST(Trainer, CheckpointHoldsStateStatisticsAndHistory) {
  TempDir dir;
  TrainerOptions options = quietOptions(2);
  options.checkpointPath = dir.file("m.safetensors");
  options.modelName = "softmax";
  options.metadata["data"] = "synthetic";
  LinearModel model(4, 3, 16, false, 7);
  DataSplits data = splits();
  auto report = train(model, data, options);
  ASSERT_TRUE(report) << report.message();
  auto c = loadCheckpoint(options.checkpointPath);
  ASSERT_TRUE(c) << c.message();
  EXPECT_EQ(c->tensors["w"].toF32(), model.weights());
  EXPECT_EQ(c->tensors["data/mean"].shape, (std::vector<int64_t>{4}));
  EXPECT_NEAR(c->tensors["data/mean"].toF32()[0], 3.0, 0.5);
  EXPECT_EQ(c->tensors["trainer/step_losses"].toF64(), report->stepLosses);
  EXPECT_EQ(c->metadata["model"], "softmax");
  EXPECT_EQ(c->metadata["data"], "synthetic");
  EXPECT_EQ(c->metadata["step"], "24");
  EXPECT_EQ(c->metadata["epoch"], "2");
}

TEST(Trainer, WritesLossCurvesNextToTheCheckpoint) {
  TempDir dir;
  TrainerOptions options = quietOptions(3);
  options.checkpointPath = dir.file("run.safetensors");
  LinearModel model(4, 3, 16, false, 7);
  DataSplits data = splits();
  auto report = train(model, data, options);
  ASSERT_TRUE(report) << report.message();
  std::string csv = readFile(dir.file("run.loss.csv"));
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 37);
  EXPECT_EQ(csv.rfind("step,epoch,loss\n1,1,", 0), 0u);
  std::string metrics = readFile(dir.file("run.metrics.csv"));
  EXPECT_EQ(std::count(metrics.begin(), metrics.end(), '\n'), 4);
  std::string error;
  auto svg = parseXml(readFile(dir.file("run.loss.svg")), error);
  ASSERT_EQ(error, "");
  std::vector<std::string> curves, labels;
  for (const XmlElement &e : svg) {
    auto cls = e.attributes.find("class");
    if (cls == e.attributes.end())
      continue;
    if (cls->second == "curve")
      curves.push_back(e.attributes.at("data-name"));
    if (cls->second == "x-label" || cls->second == "y-label")
      labels.push_back(e.text);
  }
  EXPECT_EQ(curves,
            (std::vector<std::string>{"train loss (per step)",
                                      "train loss (epoch mean)", "test loss"}));
  EXPECT_EQ(labels, (std::vector<std::string>{"epoch", "loss"}));
}

/// The curves are written after the checkpoint, so a SIGKILL between the two
/// renames leaves a complete checkpoint and the curves of the save before.
/// After the last epoch no save follows to rewrite them: the resumed run,
/// which has no step left to take, must write them from the checkpoint.
/// The files are set up as that kill leaves them (kill_and_resume.py hit it
/// by chance: "the resumed run's losses differ from the uninterrupted
/// run's").
TEST(Trainer, ResumeRewritesCurvesAKillLeftBehindTheCheckpoint) {
  TempDir dir;
  const std::vector<std::string> curves = {"run.loss.csv", "run.metrics.csv",
                                           "run.loss.svg"};
  TrainerOptions full = quietOptions(3);
  full.checkpointPath = dir.file("full.safetensors");
  LinearModel reference(4, 3, 16, false, 7);
  DataSplits data = splits();
  ASSERT_TRUE(train(reference, data, full));

  TrainerOptions options = quietOptions(2);
  options.checkpointPath = dir.file("run.safetensors");
  LinearModel model(4, 3, 16, false, 7);
  data = splits();
  ASSERT_TRUE(train(model, data, options));
  std::vector<std::string> behind;
  for (const std::string &name : curves)
    behind.push_back(readFile(dir.file(name)));
  // The third (last) epoch: its checkpoint is saved, then the kill comes
  // before the first curve is renamed into place.
  options.epochs = 3;
  options.resumePath = options.checkpointPath;
  data = splits();
  ASSERT_TRUE(train(model, data, options));
  for (size_t i = 0; i < curves.size(); ++i)
    writeFile(dir.file(curves[i]), behind[i]);
  ASSERT_NE(readFile(dir.file("run.loss.csv")),
            readFile(dir.file("full.loss.csv")));

  LinearModel resumed(4, 3, 16, false, 8);
  data = splits();
  auto rest = train(resumed, data, options);
  ASSERT_TRUE(rest) << rest.message();
  EXPECT_EQ(rest->stepLosses.size(), 36u);
  EXPECT_EQ(readFile(dir.file("run.loss.csv")),
            readFile(dir.file("full.loss.csv")));
  std::string metrics = readFile(dir.file("run.metrics.csv"));
  EXPECT_EQ(std::count(metrics.begin(), metrics.end(), '\n'), 4);
  for (const std::string &name : curves)
    EXPECT_NE(std::find(rest->files.begin(), rest->files.end(), dir.file(name)),
              rest->files.end())
        << name;
}

TEST(Trainer, RestoresTheInterruptHandler) {
  struct sigaction before = {};
  sigaction(SIGINT, nullptr, &before);
  LinearModel model(4, 3, 16, false, 7);
  DataSplits data = splits();
  ASSERT_TRUE(train(model, data, quietOptions(1)));
  struct sigaction after = {};
  sigaction(SIGINT, nullptr, &after);
  EXPECT_EQ(before.sa_handler, after.sa_handler);
}

TEST(Progress, PlainLinesAndSummaries) {
  std::FILE *out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  TrainerOptions options = quietOptions(2);
  options.progressStream = out;
  options.progressStyle = ProgressReporter::Style::Lines;
  LinearModel model(4, 3, 16, false, 7);
  DataSplits data = splits();
  ASSERT_TRUE(train(model, data, options));
  std::rewind(out);
  std::string text;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, out)) > 0)
    text.append(buffer, n);
  std::fclose(out);
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_NE(text.find("epoch 1/2 batch 12/12 step 12 loss "),
            std::string::npos);
  EXPECT_NE(text.find("epoch 2/2: train loss "), std::string::npos);
  EXPECT_NE(text.find(", test loss "), std::string::npos);
  // Ten progress lines per epoch at most, plus the summaries.
  EXPECT_LE(std::count(text.begin(), text.end(), '\n'), 2 * 12 + 2);
}

TEST(Progress, Formatting) {
  EXPECT_EQ(formatDuration(7.4), "0:07");
  EXPECT_EQ(formatDuration(725), "12:05");
  EXPECT_EQ(formatDuration(3723), "1:02:03");
  EXPECT_EQ(formatDuration(-1), "--:--");
  EXPECT_EQ(formatDuration(std::nan("")), "--:--");
  ProgressSnapshot p;
  p.epoch = 1;
  p.epochs = 4;
  p.batch = 5;
  p.batches = 10;
  p.step = 15;
  p.loss = 0.123456;
  p.examplesPerSecond = 2048.4;
  p.secondsLeft = 65;
  EXPECT_EQ(formatProgress(p, 10), "epoch 2/4 [=====>    ] batch 5/10 step 15 "
                                   "loss 0.1235 2048 ex/s left 1:05");
  EXPECT_EQ(formatProgress(p, 0),
            "epoch 2/4 batch 5/10 step 15 loss 0.1235 2048 ex/s left 1:05");
}

} // namespace
