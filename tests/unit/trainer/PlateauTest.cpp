//===- tests/unit/trainer/PlateauTest.cpp - ReduceLROnPlateau -------------===//
///
/// stepPlateau against a reference written from PyTorch's documentation of
/// ReduceLROnPlateau (mode min, threshold_mode rel), on hand-made and
/// random loss sequences; then the Trainer applying it through the run-time
/// learning rate, and a resumed run that reduces on the same epochs.
///
//===----------------------------------------------------------------------===//
#include "../data/TestFiles.h"
#include "LinearModel.h"
#include "runtime/Random.h"
#include "trainer/PlateauScheduler.h"
#include "trainer/Trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace voskhod;
using namespace voskhod::rt;
using namespace voskhod::rt::testing;

namespace {

/// PyTorch's `ReduceLROnPlateau.step(metrics)` as its documentation and
/// reference behaviour describe it, transcribed attribute by attribute.
struct ReferencePlateau {
  double factor, threshold, min_lr, eps = 1e-8;
  int64_t patience, cooldown;
  double lr;
  double best = std::numeric_limits<double>::infinity();
  int64_t num_bad_epochs = 0, cooldown_counter = 0, last_epoch = 0;

  bool is_better(double a) const { return a < best * (1 - threshold); }
  bool in_cooldown() const { return cooldown_counter > 0; }
  void reduce_lr() {
    double new_lr = std::max(lr * factor, min_lr);
    if (lr - new_lr > eps)
      lr = new_lr;
  }
  void step(double current) {
    last_epoch += 1;
    if (is_better(current)) {
      best = current;
      num_bad_epochs = 0;
    } else {
      num_bad_epochs += 1;
    }
    if (in_cooldown()) {
      cooldown_counter -= 1;
      num_bad_epochs = 0;
    }
    if (num_bad_epochs > patience) {
      reduce_lr();
      cooldown_counter = cooldown;
      num_bad_epochs = 0;
    }
  }
};

ReferencePlateau referenceFor(const PlateauOptions &o, double lr) {
  ReferencePlateau r{o.factor, o.threshold, o.minLr};
  r.patience = o.patience;
  r.cooldown = o.cooldown;
  r.lr = lr;
  return r;
}

/// The learning rate after each epoch, by stepPlateau and by the reference.
void expectSameRates(const PlateauOptions &options,
                     const std::vector<double> &losses) {
  PlateauState state;
  state.lr = 0.1;
  ReferencePlateau reference = referenceFor(options, 0.1);
  for (size_t e = 0; e < losses.size(); ++e) {
    std::optional<double> changed = stepPlateau(state, options, losses[e]);
    double before = reference.lr;
    reference.step(losses[e]);
    ASSERT_EQ(state.lr, reference.lr) << "epoch " << e + 1;
    EXPECT_EQ(changed.has_value(), reference.lr != before) << "epoch " << e + 1;
  }
}

TEST(Plateau, DefaultsArePyTorchs) {
  PlateauOptions o;
  EXPECT_EQ(o.factor, 0.1);
  EXPECT_EQ(o.patience, 10);
  EXPECT_EQ(o.threshold, 1e-4);
  EXPECT_EQ(o.cooldown, 0);
  EXPECT_EQ(o.minLr, 0);
}

TEST(Plateau, ReducesAfterMoreThanPatienceBadEpochs) {
  // Worked by hand: best 10, then 9; 9, 8.9995 (within the relative
  // threshold 1e-4 of 9) and 9 are three bad epochs, more than patience 2.
  PlateauOptions o;
  o.factor = 0.5;
  o.patience = 2;
  PlateauState s;
  s.lr = 1;
  std::vector<double> losses = {10, 9, 9, 8.9995, 9, 9, 9, 9};
  std::vector<double> lrs = {1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25};
  for (size_t e = 0; e < losses.size(); ++e) {
    (void)stepPlateau(s, o, losses[e]);
    EXPECT_EQ(s.lr, lrs[e]) << "epoch " << e + 1;
  }
  EXPECT_EQ(s.best, 9);
}

TEST(Plateau, MatchesTheReferenceOnRandomLosses) {
  for (int64_t patience : {0, 1, 3, 10})
    for (int64_t cooldown : {0, 2})
      for (double minLr : {0.0, 0.002}) {
        PlateauOptions o;
        o.patience = patience;
        o.cooldown = cooldown;
        o.minLr = minLr;
        o.factor = 0.3;
        o.threshold = 0.01;
        SCOPED_TRACE(::testing::Message()
                     << "patience " << patience << " cooldown " << cooldown
                     << " min_lr " << minLr);
        // A noisy decline that flattens out, with a NaN in it.
        std::vector<double> losses;
        for (int64_t e = 0; e < 80; ++e)
          losses.push_back(1 / (1 + 0.2 * double(std::min<int64_t>(e, 20))) +
                           0.02 * standardNormal(3, 4, e));
        losses[40] = std::nan("");
        expectSameRates(o, losses);
      }
}

TEST(Plateau, StateRoundTripsAndRejectsNonsense) {
  PlateauState s{0.25, 3, 1, 0.001};
  auto back = PlateauState::fromValues(s.toValues());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->toValues(), s.toValues());
  EXPECT_FALSE(PlateauState::fromValues({1, 2, 3}));
  EXPECT_FALSE(PlateauState::fromValues({1, -1, 0, 0.1}));
  EXPECT_FALSE(PlateauState::fromValues({1, std::nan(""), 0, 0.1}));
  EXPECT_FALSE(PlateauState::fromValues({1, 0.5, 0, 0.1}));
  EXPECT_FALSE(PlateauState::fromValues({std::nan(""), 0, 0, 0.1}));
  EXPECT_TRUE(PlateauState::fromValues(PlateauState{}.toValues()));
}

/// A plateau the synthetic problem reaches within a few epochs: with a 20 %
/// threshold, an epoch that improves the validation loss by less than a
/// fifth is bad (the loss falls 18 %, 12 %, ...), and with patience 1 the
/// rate falls after the fifth epoch, the second bad one in a row, so a run
/// resumed in that epoch without the bad-epoch count would not reduce.
TrainerOptions plateauOptions(int64_t epochs) {
  TrainerOptions options = quietOptions(epochs);
  PlateauOptions p;
  p.patience = 1;
  p.threshold = 0.2;
  p.factor = 0.5;
  options.plateau = p;
  return options;
}

TEST(Plateau, TrainerSetsTheReducedRateAtEpochEnds) {
  LinearModel model(4, 3, 16, false, 7);
  DataSplits data = splits();
  TrainerOptions options = plateauOptions(6);
  auto report = train(model, data, options);
  ASSERT_TRUE(report) << report.message();

  ReferencePlateau reference = referenceFor(*options.plateau, double(0.1f));
  std::vector<std::pair<int64_t, double>> expected;
  for (const EpochMetrics &m : report->epochs) {
    double before = reference.lr;
    reference.step(m.testLoss);
    if (reference.lr != before)
      expected.push_back({m.step, reference.lr});
  }
  ASSERT_FALSE(expected.empty()) << "the test needs a run that reduces";
  EXPECT_EQ(model.lrSets, expected);
  EXPECT_EQ(model.lr, float(reference.lr));
}

TEST(Plateau, ResumedRunReducesOnTheSameEpochsBitwise) {
  TempDir dir;
  TrainerOptions options = plateauOptions(6);
  options.checkpointPath = dir.file("full.safetensors");
  LinearModel full(4, 3, 16, false, 7);
  DataSplits data = splits();
  auto expected = train(full, data, options);
  ASSERT_TRUE(expected) << expected.message();
  ASSERT_FALSE(full.lrSets.empty());
  auto fullCheckpoint = loadCheckpoint(options.checkpointPath);
  ASSERT_TRUE(fullCheckpoint);

  // Mid-epoch, in the epoch that reduces the rate, and at its end.
  ASSERT_EQ(full.lrSets.front().first, 60);
  for (int64_t stopAt : {30, 54, 60}) {
    SCOPED_TRACE("interrupted at step " + std::to_string(stopAt));
    options.checkpointPath = dir.file("part.safetensors");
    LinearModel first(4, 3, 16, false, 7);
    first.raiseAtStep = stopAt;
    data = splits();
    auto part = train(first, data, options);
    ASSERT_TRUE(part && part->interrupted);

    LinearModel second(4, 3, 16, false, 8);
    second.lr = 0.7f; // the checkpoint's rate must replace it
    TrainerOptions resumed = options;
    resumed.resumePath = options.checkpointPath;
    data = splits();
    auto rest = train(second, data, resumed);
    ASSERT_TRUE(rest) << rest.message();
    EXPECT_EQ(rest->stepLosses, expected->stepLosses);
    EXPECT_EQ(second.weights(), full.weights());
    EXPECT_EQ(second.lr, full.lr);
    auto c = loadCheckpoint(options.checkpointPath);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->tensors["trainer/plateau"],
              fullCheckpoint->tensors["trainer/plateau"]);
  }
}

TEST(Plateau, NeedsAHeldOutSplit) {
  LinearModel model(4, 3, 16, false, 7);
  DataSplits data = splits();
  data.test.reset();
  expectErrorMentions(errorOf(train(model, data, plateauOptions(1))),
                      {"reduce-lr-on-plateau", "held-out"});
}

} // namespace
