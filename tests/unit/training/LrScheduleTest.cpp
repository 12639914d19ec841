//===- tests/unit/training/LrScheduleTest.cpp - each schedule's lr --------===//
///
/// Every schedule's lr sequence against PyTorch's closed forms written out
/// here in float64. The model is one scalar param p with loss p, trained by
/// plain SGD, so each step moves p by exactly the lr it used (to p's
/// rounding): lr_t = p_t − p_{t+1}. Also: a run-time lr scales the whole
/// schedule, one_cycle cycles beta1, and bad schedules are diagnosed.
///
//===----------------------------------------------------------------------===//
#include "TestGraphs.h"

#include "compiler/text/Parser.h"
#include "compiler/text/Printer.h"
#include "compiler/training/Initialize.h"
#include "compiler/training/InterpreterTrainer.h"
#include "compiler/training/TrainStep.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <functional>
#include <numbers>
#include <sstream>

namespace voskhod::training {
namespace {
using namespace ir;

constexpr double kPi = std::numbers::pi;

std::string model(const std::string &clause) {
  return "graph @g {\n"
         "  %p = param f64[] init = zeros\n"
         "  %loss = neg (neg %p)\n"
         "  minimize %loss using " +
         clause +
         "\n"
         "  return %loss\n"
         "}\n";
}

/// The lr of each of `steps` updates.
std::vector<double> lrs(const std::string &clause, int steps,
                        double runLr = 0) {
  auto forward = testing::parse(model(clause));
  if (!forward)
    return {};
  auto step = testing::trainStep(*forward);
  if (!step)
    return {};
  InterpreterTrainer trainer(*step, initialState(*step, 0));
  if (runLr > 0) {
    EXPECT_TRUE(trainer.setHparam("lr", runLr));
  }
  const Node *p = step->params().front();
  std::vector<double> out;
  for (int t = 0; t < steps; ++t) {
    double before = trainer.state().at(p).data[0];
    EXPECT_TRUE(trainer.runStep({}));
    out.push_back(before - trainer.state().at(p).data[0]);
  }
  return out;
}

void expectSchedule(const std::string &clause, int steps,
                    const std::function<double(int)> &expected) {
  std::vector<double> got = lrs(clause, steps);
  ASSERT_EQ(got.size(), size_t(steps)) << clause;
  // p is a sum of lrs: its rounding bounds how well a difference shows one.
  double scale = 0;
  for (int t = 0; t < steps; ++t)
    scale += std::abs(expected(t));
  for (int t = 0; t < steps; ++t)
    EXPECT_NEAR(got[t], expected(t), 1e-14 * scale + 1e-300)
        << clause << " at t = " << t;
}

TEST(LrSchedule, Constant) {
  expectSchedule("sgd {lr = 0.5} schedule constant", 12,
                 [](int t) { return 0.5 * (t < 5 ? 1.0 / 3 : 1.0); });
  expectSchedule(
      "sgd {lr = 0.5} schedule constant {factor = 0.25, total_iters = 3}", 8,
      [](int t) { return 0.5 * (t < 3 ? 0.25 : 1.0); });
}

TEST(LrSchedule, StepAndMultiStep) {
  expectSchedule("sgd {lr = 0.3} schedule step {step_size = 4}", 20,
                 [](int t) { return 0.3 * std::pow(0.1, t / 4); });
  expectSchedule(
      "sgd {lr = 0.3} schedule multi_step {milestones = [3, 7, 8], gamma = "
      "0.5}",
      14, [](int t) {
        int passed = (t >= 3) + (t >= 7) + (t >= 8);
        return 0.3 * std::pow(0.5, passed);
      });
}

TEST(LrSchedule, Exponential) {
  expectSchedule("sgd {lr = 0.3} schedule exponential {gamma = 0.9}", 30,
                 [](int t) { return 0.3 * std::pow(0.9, t); });
}

TEST(LrSchedule, CosineClosedFormPastTMax) {
  expectSchedule("sgd {lr = 0.2} schedule cosine {t_max = 10, eta_min = 0.01}",
                 25, [](int t) {
                   return 0.01 +
                          (0.2 - 0.01) * (1 + std::cos(kPi * t / 10)) / 2;
                 });
}

TEST(LrSchedule, Linear) {
  expectSchedule("sgd {lr = 0.2} schedule linear", 9, [](int t) {
    return 0.2 * (1.0 / 3 + (1 - 1.0 / 3) * std::min(5, t) / 5);
  });
  expectSchedule(
      "sgd {lr = 0.2} schedule linear {start_factor = 1, end_factor = 0.1, "
      "total_iters = 4}",
      7, [](int t) { return 0.2 * (1 + (0.1 - 1) * std::min(4, t) / 4); });
}

double oneCycle(int t, double maxLr, double total, double pct, bool cosine,
                bool threePhase) {
  double initial = maxLr / 25, minLr = initial / 1e4;
  auto anneal = [&](double a, double b, double f) {
    return cosine ? b + (a - b) / 2 * (std::cos(kPi * f) + 1) : (b - a) * f + a;
  };
  struct Phase {
    double end, from, to;
  };
  std::vector<Phase> phases =
      threePhase ? std::vector<Phase>{{pct * total - 1, initial, maxLr},
                                      {2 * pct * total - 2, maxLr, initial},
                                      {total - 1, initial, minLr}}
                 : std::vector<Phase>{{pct * total - 1, initial, maxLr},
                                      {total - 1, maxLr, minLr}};
  double start = 0;
  for (size_t i = 0; i < phases.size(); ++i) {
    if (t <= phases[i].end || i + 1 == phases.size())
      return anneal(phases[i].from, phases[i].to,
                    (t - start) / (phases[i].end - start));
    start = phases[i].end;
  }
  return 0;
}

TEST(LrSchedule, OneCycle) {
  // Plain SGD needs momentum for cycle_momentum; with it off the lr shows.
  expectSchedule("sgd {lr = 0.4} schedule one_cycle {total_steps = 20, "
                 "cycle_momentum = false}",
                 20,
                 [](int t) { return oneCycle(t, 0.4, 20, 0.3, true, false); });
  expectSchedule(
      "sgd {lr = 0.4} schedule one_cycle {max_lr = 0.8, total_steps = 31, "
      "pct_start = 0.25, anneal_strategy = linear, cycle_momentum = false, "
      "three_phase = true}",
      31, [](int t) { return oneCycle(t, 0.8, 31, 0.25, false, true); });
}

/// one_cycle cycles sgd's momentum μ_t against the lr: with gradient 1,
/// PyTorch's buffer is b_0 = 1, b_t = μ_t b_{t−1} + 1, and p moves by
/// lr_t b_t, so μ_t = (b_t − 1) / b_{t−1} with b_t = Δp_t / lr_t.
TEST(LrSchedule, OneCycleCyclesMomentum) {
  const double maxLr = 0.4, total = 20, pct = 0.3;
  std::vector<double> moves = lrs(
      "sgd {lr = 0.4, momentum = 0.9} schedule one_cycle {total_steps = 20}",
      20);
  ASSERT_EQ(moves.size(), 20u);
  auto momentum = [&](int t) {
    double end1 = pct * total - 1, end2 = total - 1;
    auto anneal = [](double a, double b, double f) {
      return b + (a - b) / 2 * (std::cos(kPi * f) + 1);
    };
    return t <= end1 ? anneal(0.95, 0.85, t / end1)
                     : anneal(0.85, 0.95, (t - end1) / (end2 - end1));
  };
  std::vector<double> buffer;
  for (int t = 0; t < 20; ++t)
    buffer.push_back(moves[t] / oneCycle(t, maxLr, total, pct, true, false));
  EXPECT_NEAR(buffer[0], 1.0, 1e-9);
  // Where the lr is tiny, Δp / lr loses digits: check while it is not.
  for (int t = 1; t < 20; ++t)
    if (oneCycle(t, maxLr, total, pct, true, false) > 1e-3 * maxLr) {
      EXPECT_NEAR((buffer[t] - 1) / buffer[t - 1], momentum(t), 1e-9)
          << "t = " << t;
    }
}

TEST(LrSchedule, SequentialRestartsEachScheduleAtItsMilestone) {
  // Its schedules may go on the next line, as the docs write them.
  expectSchedule("sgd {lr = 0.1} schedule sequential {milestones = [4, 9]}\n"
                 "    (linear {start_factor = 0.5, total_iters = 4}, "
                 "exponential {gamma = 0.5}, cosine {t_max = 6})",
                 16, [](int t) {
                   if (t < 4)
                     return 0.1 * (0.5 + 0.5 * t / 4);
                   if (t < 9)
                     return 0.1 * std::pow(0.5, t - 4);
                   return 0.1 * (1 + std::cos(kPi * (t - 9) / 6)) / 2;
                 });
}

/// The lrs PyTorch's schedulers gave in the reference runs
/// (bench/reference/lr_schedules.py), stepped recursively there: the closed
/// forms here agree to rounding.
TEST(LrSchedule, MatchesPyTorchsRecordedLrs) {
  struct Case {
    const char *file, *clause;
  };
  const Case cases[] = {
      {"adamw_warmup_cosine",
       "sgd {lr = 0.01} schedule sequential {milestones = [20]} (linear "
       "{start_factor = 0.01, total_iters = 20}, cosine {t_max = 280})"},
      {"sgd_multistep",
       "sgd {lr = 0.05} schedule multi_step {milestones = [100, 200]}"},
      {"sgd_clip_norm_step",
       "sgd {lr = 0.1} schedule step {step_size = 50, gamma = 0.5}"},
      // The lr does not depend on the cycled momentum.
      {"adam_clip_value_one_cycle",
       "sgd {lr = 0.01} schedule one_cycle {total_steps = 300, "
       "cycle_momentum = false}"},
  };
  for (const Case &c : cases) {
    nlohmann::json run = nlohmann::json::parse(
        testing::readFile(VOSKHOD_SOURCE_DIR "/tests/data/lr_schedules/" +
                          std::string(c.file) + ".json"),
        nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(run.is_discarded()) << c.file;
    const nlohmann::json &want = run["lrs"];
    std::vector<double> got = lrs(c.clause, int(want.size()));
    ASSERT_EQ(got.size(), want.size()) << c.file;
    double scale = 0;
    for (const auto &lr : want)
      scale += std::abs(lr.get<double>());
    for (size_t t = 0; t < got.size(); ++t)
      EXPECT_NEAR(got[t], want[t].get<double>(), 1e-14 * scale)
          << c.file << " at t = " << t;
  }
}

TEST(LrSchedule, RunTimeLrScalesTheSchedule) {
  std::string clause = "sgd {lr = 0.1} schedule exponential {gamma = 0.8}";
  std::vector<double> got = lrs(clause, 6, /*runLr=*/0.3);
  ASSERT_EQ(got.size(), 6u);
  for (int t = 0; t < 6; ++t)
    EXPECT_NEAR(got[t], 0.3 * std::pow(0.8, t), 1e-15) << t;
}

TEST(LrSchedule, PrintedStepComputesTheSchedule) {
  auto forward =
      testing::parse(model("sgd {lr = 0.1} schedule cosine {t_max = 10} "
                           "clip_grad_norm {max_norm = 1}"));
  ASSERT_TRUE(forward);
  // The clause round-trips through the printer.
  std::string text = printGraph(*forward);
  EXPECT_NE(text.find("schedule cosine {t_max = 10} clip_grad_norm"),
            std::string::npos)
      << text;
  auto again = testing::parse(text);
  ASSERT_TRUE(again);
  EXPECT_EQ(printGraph(*again), text);
}

/// The diagnostic a model with `clause` gets, from parsing or building.
std::string diagnostic(const std::string &clause) {
  std::string text = model(clause);
  DiagnosticEngine diags;
  diags.addSource("bad.vg", text);
  auto forward = parseGraph(text, "bad.vg", diags);
  if (forward)
    buildTrainStep(*forward, diags);
  std::ostringstream os;
  diags.print(os);
  return os.str();
}

void expectDiagnostic(const std::string &clause, const std::string &message) {
  std::string d = diagnostic(clause);
  EXPECT_NE(d.find(message), std::string::npos) << d;
}

TEST(LrSchedule, BadSchedulesAreLocatedErrors) {
  // Located at the schedule's name: line 4 of model(), after the clause's
  // start.
  std::string clause = "sgd schedule cosine {t_max = 0}";
  std::string line = "  minimize %loss using " + clause;
  expectDiagnostic(clause,
                   "bad.vg:4:" + std::to_string(line.find("cosine") + 1) +
                       ": error: schedule 'cosine': 't_max' must be "
                       "a positive number, got 0");
  expectDiagnostic("sgd schedule cosine", "needs 't_max'");
  expectDiagnostic("sgd schedule wavy {t_max = 3}",
                   "unknown schedule 'wavy' (the schedules: constant, step, "
                   "multi_step, exponential, cosine, linear, one_cycle, "
                   "sequential)");
  expectDiagnostic("sgd schedule cosine {tmax = 3}",
                   "unknown setting 'tmax' for schedule 'cosine' (its "
                   "settings: t_max, eta_min)");
  expectDiagnostic("sgd schedule multi_step {milestones = [5, 5]}",
                   "milestones must be positive and strictly increasing");
  expectDiagnostic("sgd schedule sequential {milestones = [5]} (constant)",
                   "1 schedules need 0 milestones, got 1");
  expectDiagnostic("sgd schedule cosine {t_max = 3} (constant)",
                   "only 'sequential' takes schedules in parentheses");
  expectDiagnostic("sgd schedule one_cycle {total_steps = 10, "
                   "anneal_strategy = cubic}",
                   "expected one of: cos linear");
  expectDiagnostic("sgd schedule one_cycle {total_steps = 10}",
                   "'sgd' has momentum = 0");
  expectDiagnostic("adagrad schedule one_cycle {total_steps = 10}",
                   "'adagrad' has none");
}

} // namespace
} // namespace voskhod::training
