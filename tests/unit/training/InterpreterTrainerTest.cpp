//===- tests/unit/training/InterpreterTrainerTest.cpp - the training loop -===//
///
/// The interpreter training loop: the seed classifier learns, runs are
/// deterministic and resumable, the printed log has one line per step, and
/// bad batches or a diverging loss stop the run with the step named.
///
//===----------------------------------------------------------------------===//
#include "TestGraphs.h"

#include "compiler/training/Initialize.h"
#include "compiler/training/InterpreterTrainer.h"

#include <cmath>
#include <limits>

namespace voskhod::training {
namespace {
using namespace ir;

std::unique_ptr<Graph> classifierStep() {
  auto forward = testing::parse(
      testing::readFile(VOSKHOD_SOURCE_DIR "/examples/classifier.vg"));
  return forward ? testing::trainStep(*forward) : nullptr;
}

const char *kLine = R"(graph @line {
  %x = input f32[4]
  %t = input f32[4]
  %w = param f32[] init = constant(0.5)
  %loss = mse_loss (mul %x, %w), %t
  minimize %loss using sgd {lr = 0.1}
  return %loss
})";

TEST(InterpreterTrainer, SeedClassifierLossDecreases) {
  auto step = classifierStep();
  ASSERT_TRUE(step);
  // One fixed batch: plain gradient descent on it must make progress.
  LeafValues batch = randomInputs(*step, /*seed=*/5);
  InterpreterTrainer trainer(*step, initialState(*step, /*seed=*/5));
  auto losses =
      trainer.run(150, [&](uint64_t) -> Expected<LeafValues> { return batch; });
  ASSERT_TRUE(losses) << losses.message();
  EXPECT_LT(losses->back(), 0.5 * losses->front());
  for (size_t i = 1; i < losses->size(); ++i)
    EXPECT_LT((*losses)[i], (*losses)[i - 1]) << "step " << i;
}

TEST(InterpreterTrainer, RunsResumeWhereTheyStopped) {
  auto step = classifierStep();
  ASSERT_TRUE(step);
  InterpreterTrainer whole(*step, initialState(*step, 9));
  auto all = whole.run(5, randomBatches(*step, 9));
  ASSERT_TRUE(all);

  InterpreterTrainer split(*step, initialState(*step, 9));
  auto first = split.run(2, randomBatches(*step, 9));
  auto rest = split.run(3, randomBatches(*step, 9));
  ASSERT_TRUE(first && rest);
  std::vector<double> joined = *first;
  joined.insert(joined.end(), rest->begin(), rest->end());
  EXPECT_EQ(joined, *all);
  EXPECT_EQ(split.stepsDone(), 5u);
  for (Node *p : step->params())
    EXPECT_EQ(split.state().at(p).data, whole.state().at(p).data);
  EXPECT_EQ(split.state().at(step->findByName("step")).data,
            std::vector<double>{5});
  for (Node *in : step->inputs())
    EXPECT_FALSE(split.state().count(in)) << "inputs are not state";
}

TEST(InterpreterTrainer, StopsWhenTheLossIsNotFinite) {
  auto step = testing::trainStep(*testing::parse(kLine));
  ASSERT_TRUE(step);
  Node *x = step->findByName("x");
  Node *t = step->findByName("t");
  BatchProvider batches = [&](uint64_t index) -> Expected<LeafValues> {
    HostTensor xs(x->type(), {0.3, -1.2, 0.7, 2.0});
    HostTensor ts(t->type(), {1.0, 0.5, -0.25, 0.125});
    if (index == 2)
      ts.data[1] = std::numeric_limits<double>::quiet_NaN();
    return LeafValues{{x, xs}, {t, ts}};
  };
  std::vector<uint64_t> seen;
  InterpreterTrainer trainer(*step, initialState(*step, 0));
  auto losses = trainer.run(
      10, batches, [&](uint64_t index, double) { seen.push_back(index); });
  ASSERT_FALSE(losses);
  EXPECT_EQ(losses.message(), "step 2: loss is nan; stopping");
  EXPECT_EQ(seen, (std::vector<uint64_t>{0, 1, 2}));
}

TEST(InterpreterTrainer, BatchProblemsNameTheStep) {
  auto step = testing::trainStep(*testing::parse(kLine));
  ASSERT_TRUE(step);
  InterpreterTrainer trainer(*step, initialState(*step, 0));
  auto failing = [&](uint64_t index) -> Expected<LeafValues> {
    if (index == 1)
      return makeError("data file ended");
    return randomInputs(*step, 0, index);
  };
  auto losses = trainer.run(3, failing);
  ASSERT_FALSE(losses);
  EXPECT_EQ(losses.message(), "step 1: data file ended");

  // A batch without every input fails in the interpreter, at that step.
  auto missing = trainer.runStep({});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.message().rfind("step 1: ", 0), 0u) << missing.message();
}

} // namespace
} // namespace voskhod::training
