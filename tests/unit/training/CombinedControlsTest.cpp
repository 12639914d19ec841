//===- tests/unit/training/CombinedControlsTest.cpp - controls together ---===//
///
/// The training controls built into the step together: dropout (its
/// training form is specialised into the step, which re-sorts and prunes
/// it), a learning-rate schedule, clipping and gradient accumulation. With
/// dropout's p = 0 the step must train exactly as the same step without
/// dropout, in float64, so none of the controls lost a node to another.
///
//===----------------------------------------------------------------------===//
#include "TestGraphs.h"

#include "compiler/training/Initialize.h"
#include "compiler/training/InterpreterTrainer.h"

namespace voskhod::training {
namespace {
using namespace ir;

std::string model(const std::string &hidden, const std::string &clauses) {
  return R"(graph @combined {
  %x = input f64[6, 4]
  %t = input f64[6, 2]
  %w1 = param f64[4, 8] init = xavier_uniform
  %w2 = param f64[8, 2] init = xavier_uniform
  %h = )" +
         hidden +
         R"(
  %loss = mse_loss (matmul %h, %w2), %t
  minimize %loss using adamw {lr = 0.02} )" +
         clauses + R"(
  return %loss
})";
}

std::vector<double> train(const std::string &text) {
  auto forward = testing::parse(text);
  EXPECT_TRUE(forward);
  if (!forward)
    return {};
  auto step = testing::trainStep(*forward);
  EXPECT_TRUE(step);
  if (!step)
    return {};
  InterpreterTrainer trainer(*step, initialState(*step, 4));
  auto losses = trainer.run(24, randomBatches(*step, 4));
  EXPECT_TRUE(losses) << losses.message();
  std::vector<double> out = losses ? *losses : std::vector<double>{};
  for (Node *p : step->params())
    for (double v : trainer.state().at(p).data)
      out.push_back(v);
  return out;
}

TEST(CombinedControls, DropoutOfZeroChangesNothingUnderEveryControl) {
  const char *clauses[] = {
      "schedule cosine {t_max = 24}",
      "schedule sequential {milestones = [4]} (linear {start_factor = 0.1, "
      "total_iters = 4}, cosine {t_max = 20}) clip_grad_norm {max_norm = 0.5}",
      "schedule one_cycle {total_steps = 12} accumulate = 2",
      "accumulate = 3 clip_grad_value {clip_value = 0.1} schedule step "
      "{step_size = 2, gamma = 0.5}",
  };
  for (const char *c : clauses) {
    SCOPED_TRACE(c);
    std::vector<double> plain = train(model("tanh (matmul %x, %w1)", c));
    std::vector<double> dropped =
        train(model("dropout (tanh (matmul %x, %w1)) {p = 0.0}", c));
    ASSERT_FALSE(plain.empty());
    EXPECT_EQ(plain, dropped);
    // And a real dropout does change the run.
    EXPECT_NE(train(model("dropout (tanh (matmul %x, %w1)) {p = 0.5}", c)),
              plain);
  }
}

} // namespace
} // namespace voskhod::training
