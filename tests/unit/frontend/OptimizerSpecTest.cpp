//===- tests/unit/frontend/OptimizerSpecTest.cpp - optim:: vs the .def ----===//
///
/// Each optim:: aggregate names exactly the settings of its optimiser in
/// compiler/ir/Optimizers.def, with the same defaults; values given reach
/// the IR under their snake_case names.
///
//===----------------------------------------------------------------------===//
#include "frontend/Frontend.h"

#include <gtest/gtest.h>

namespace voskhod {
namespace {

TEST(FrontendOptim, DefaultsAreTheDefFiles) {
  for (const optim::Spec &spec :
       {optim::Spec(optim::SGD{}), optim::Spec(optim::Adagrad{}),
        optim::Spec(optim::RMSProp{}), optim::Spec(optim::Adam{}),
        optim::Spec(optim::AdamW{})}) {
    optim::IRSpec ir = optim::toIR(spec);
    EXPECT_EQ(ir.settings, ir::defaultOptimizerAttrs(ir.kind))
        << ir::optimizerName(ir.kind);
  }
  EXPECT_EQ(optim::toIR(optim::SGD{}).kind, ir::OptimizerKind::Sgd);
  EXPECT_EQ(optim::toIR(optim::Adagrad{}).kind, ir::OptimizerKind::Adagrad);
  EXPECT_EQ(optim::toIR(optim::RMSProp{}).kind, ir::OptimizerKind::Rmsprop);
  EXPECT_EQ(optim::toIR(optim::Adam{}).kind, ir::OptimizerKind::Adam);
  EXPECT_EQ(optim::toIR(optim::AdamW{}).kind, ir::OptimizerKind::AdamW);
}

TEST(FrontendOptim, GivenValuesReachTheGraph) {
  Graph g("t");
  Tensor x = g.input("x", f32({3}));
  Tensor loss = x.square().sum();
  g.minimize(loss, optim::SGD{.lr = 0.01,
                              .momentum = 0.9,
                              .nesterov = true,
                              .weightDecay = 0.05});
  ASSERT_FALSE(g.failed());
  const auto &m = g.irGraph().minimize();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->optimizer, ir::OptimizerKind::Sgd);
  EXPECT_EQ(m->loss, loss.node());
  EXPECT_EQ(m->settings.getFloat("lr"), 0.01);
  EXPECT_EQ(m->settings.getFloat("momentum"), 0.9);
  EXPECT_TRUE(m->settings.getBool("nesterov"));
  EXPECT_EQ(m->settings.getFloat("weight_decay"), 0.05);
  EXPECT_EQ(m->settings.getFloat("dampening"), 0.0);

  g.minimize(loss,
             optim::Adagrad{.lrDecay = 0.5, .initialAccumulatorValue = 0.25});
  EXPECT_EQ(m->optimizer, ir::OptimizerKind::Adagrad);
  EXPECT_EQ(m->settings.getFloat("lr_decay"), 0.5);
  EXPECT_EQ(m->settings.getFloat("initial_accumulator_value"), 0.25);

  g.minimize(loss, optim::Adam{.betas = {0.8, 0.95}, .eps = 1e-6});
  EXPECT_EQ(m->settings.getFloat("beta1"), 0.8);
  EXPECT_EQ(m->settings.getFloat("beta2"), 0.95);
  EXPECT_EQ(m->settings.getFloat("eps"), 1e-6);
  EXPECT_FALSE(m->settings.getBool("amsgrad"));

  g.minimize(loss, optim::RMSProp{.alpha = 0.9, .centered = true});
  EXPECT_EQ(m->optimizer, ir::OptimizerKind::Rmsprop);
  EXPECT_EQ(m->settings.getFloat("alpha"), 0.9);
  EXPECT_TRUE(m->settings.getBool("centered"));
  // The old name is an alias.
  g.minimize(loss, optim::RMSProp{.rho = 0.8});
  EXPECT_EQ(m->settings.getFloat("alpha"), 0.8);
  EXPECT_FALSE(g.failed());
}

TEST(FrontendOptim, AlphaAndItsAliasTogetherAreAnError) {
  Graph g("t");
  Tensor x = g.input("x", f32({3}));
  g.minimize(x.square().sum(), optim::RMSProp{.alpha = 0.9, .rho = 0.8});
  ASSERT_TRUE(g.failed());
  EXPECT_NE(g.error()->message.find("setting 'alpha' of 'rmsprop' is given "
                                    "twice"),
            std::string::npos)
      << g.error()->message;
}

TEST(FrontendOptim, GradientClippingReachesTheGraph) {
  Graph g("t");
  Tensor x = g.input("x", f32({3}));
  Tensor loss = x.square().sum();
  g.minimize(loss, optim::Adam{}, optim::ClipGradNorm{.maxNorm = 0.5});
  ASSERT_FALSE(g.failed());
  const auto &m = g.irGraph().minimize();
  ASSERT_TRUE(m && m->clip);
  EXPECT_EQ(m->clip->kind, ir::GradClipKind::Norm);
  EXPECT_EQ(m->clip->limit, 0.5);
  EXPECT_EQ(m->clip->normType, 2.0);

  g.minimize(loss, optim::SGD{}, optim::ClipGradValue{.clipValue = 0.25});
  ASSERT_TRUE(m->clip);
  EXPECT_EQ(m->clip->kind, ir::GradClipKind::Value);
  EXPECT_EQ(m->clip->limit, 0.25);

  // A later minimize without clipping drops it; a bad norm type is an error.
  g.minimize(loss, optim::SGD{});
  EXPECT_FALSE(m->clip);
  g.minimize(loss, optim::SGD{},
             optim::ClipGradNorm{.maxNorm = 1, .normType = 1});
  ASSERT_TRUE(g.failed());
  EXPECT_NE(g.error()->message.find("norm_type must be 2 or inf"),
            std::string::npos);
}

} // namespace
} // namespace voskhod
