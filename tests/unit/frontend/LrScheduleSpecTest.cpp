//===- tests/unit/frontend/LrScheduleSpecTest.cpp - optim:: schedules -----===//
///
/// Each optim:: schedule aggregate has PyTorch's defaults, the same as the
/// schema in compiler/ir/LrSchedule.cpp; a schedule attached to minimize
/// prints as the `.vg` clause written by hand; a bad one is the graph's
/// error at the minimize call.
///
//===----------------------------------------------------------------------===//
#include "compiler/text/Printer.h"
#include "frontend/Frontend.h"

#include <gtest/gtest.h>

#include <cmath>

namespace voskhod {
namespace {

TEST(FrontendLrSchedule, DefaultsAreTheSchemas) {
  for (const optim::Schedule &s :
       {optim::Schedule(optim::ConstantLR{}), optim::Schedule(optim::StepLR{}),
        optim::Schedule(optim::MultiStepLR{}),
        optim::Schedule(optim::ExponentialLR{}),
        optim::Schedule(optim::CosineAnnealingLR{}),
        optim::Schedule(optim::LinearLR{}),
        optim::Schedule(optim::OneCycleLR{})}) {
    ir::LrSchedule lowered = optim::toIR(s);
    for (const ir::LrSettingSpec &spec : ir::lrSettingSpecs(lowered.kind)) {
      std::string where = std::string(ir::lrScheduleName(lowered.kind)) + "." +
                          std::string(spec.name);
      if (spec.required || std::isnan(spec.defaultValue))
        continue;
      if (spec.kind == ir::LrSettingKind::Bool)
        EXPECT_EQ(ir::lrBool(lowered, spec.name), spec.defaultValue != 0)
            << where;
      else
        EXPECT_EQ(ir::lrNumber(lowered, spec.name), spec.defaultValue) << where;
    }
  }
  EXPECT_EQ(ir::lrChoice(optim::toIR(optim::OneCycleLR{}), "anneal_strategy"),
            "cos");
}

std::string minimizeLine(const Graph &g) {
  std::string text = ir::printGraph(g.irGraph());
  size_t at = text.find("  minimize");
  return at == std::string::npos ? text
                                 : text.substr(at, text.find('\n', at) - at);
}

TEST(FrontendLrSchedule, PrintsAsTheClauseWrittenByHand) {
  Graph g("t");
  Tensor x = g.input("x", f32({3}));
  Tensor loss = x.square().sum();
  g.minimize(
      loss, optim::AdamW{.lr = 0.001},
      optim::SequentialLR{
          .schedulers = {optim::LinearLR{.startFactor = 0.01, .totalIters = 20},
                         optim::CosineAnnealingLR{.tMax = 280}},
          .milestones = {20}},
      optim::ClipGradNorm{.maxNorm = 1});
  ASSERT_FALSE(g.failed()) << g.error()->message;
  EXPECT_EQ(minimizeLine(g),
            "  minimize %1 using adamw schedule sequential {milestones = "
            "[20]} (linear {start_factor = 0.01, total_iters = 20}, cosine "
            "{t_max = 280}) clip_grad_norm {max_norm = 1.0}");

  Graph h("t");
  Tensor y = h.input("y", f32({3}));
  h.minimize(y.square().sum(), optim::SGD{.momentum = 0.9},
             optim::OneCycleLR{.maxLr = 0.1,
                               .totalSteps = 100,
                               .annealStrategy = "linear",
                               .threePhase = true});
  ASSERT_FALSE(h.failed()) << h.error()->message;
  EXPECT_NE(minimizeLine(h).find(
                "schedule one_cycle {max_lr = 0.1, total_steps = 100, "
                "anneal_strategy = linear, three_phase = true}"),
            std::string::npos)
      << minimizeLine(h);
}

TEST(FrontendLrSchedule, BadScheduleIsTheMinimizeCallsError) {
  Graph g("t");
  Tensor x = g.input("x", f32({3}));
  g.minimize(x.square().sum(), optim::SGD{}, optim::CosineAnnealingLR{});
  ASSERT_TRUE(g.failed());
  EXPECT_NE(g.error()->message.find("schedule 'cosine': needs 't_max'"),
            std::string::npos)
      << g.error()->message;

  Graph h("t");
  Tensor y = h.input("y", f32({3}));
  h.minimize(y.square().sum(), optim::SGD{},
             optim::MultiStepLR{.milestones = {10, 5}});
  ASSERT_TRUE(h.failed());
  EXPECT_NE(h.error()->message.find("strictly increasing"), std::string::npos)
      << h.error()->message;
}

} // namespace
} // namespace voskhod
