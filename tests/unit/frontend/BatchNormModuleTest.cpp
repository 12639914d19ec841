//===- tests/unit/frontend/BatchNormModuleTest.cpp - nn::BatchNorm2d ------===//
///
/// nn::BatchNorm2d and BatchNorm1d build one `batch_norm` node over their
/// parameters (gamma ones, beta zeros) and two state leaves (running mean
/// zeros, running variance ones), which parameters() leaves out.
///
//===----------------------------------------------------------------------===//
#include "frontend/Frontend.h"

#include <gtest/gtest.h>

namespace voskhod {
namespace {

TEST(FrontendBatchNorm, OneNodeOverParamsAndRunningState) {
  Graph g("t");
  Tensor x = g.input("x", f32({8, 3, 4, 4}));
  nn::BatchNorm2d bn(g, 3, {.momentum = 0.2, .eps = 1e-3});
  Tensor y = bn(x);
  ASSERT_FALSE(g.failed());
  const ir::Node *n = y.node();
  ASSERT_EQ(n->op(), ir::OpKind::BatchNorm);
  EXPECT_EQ(y.type().str(), "f32[8, 3, 4, 4]");
  EXPECT_EQ(n->attrs().getFloat("momentum"), 0.2);
  EXPECT_EQ(n->attrs().getFloat("eps"), 1e-3);
  const ir::OpKind kinds[] = {ir::OpKind::Input, ir::OpKind::Param,
                              ir::OpKind::Param, ir::OpKind::State,
                              ir::OpKind::State};
  const InitKind inits[] = {InitKind::Zeros, InitKind::Ones, InitKind::Zeros,
                            InitKind::Zeros, InitKind::Ones};
  for (size_t k = 0; k < 5; ++k) {
    EXPECT_EQ(n->operand(k)->op(), kinds[k]) << k;
    if (k > 0) {
      EXPECT_EQ(n->operand(k)->type().str(), "f32[3]") << k;
      EXPECT_EQ(n->operand(k)->init().kind, inits[k]) << k;
    }
  }
  EXPECT_EQ(bn.parameters().size(), 2u) << "running statistics are state";
  EXPECT_EQ(bn.runningMean().node()->name(), "running_mean");
}

TEST(FrontendBatchNorm, DefaultsAreTorchsAndWrongChannelsFail) {
  Graph g("t");
  Tensor x = g.input("x", f32({8, 5}));
  nn::BatchNorm1d bn(g, 5), wrong(g, 4);
  Tensor y = bn(x);
  ASSERT_FALSE(g.failed());
  EXPECT_EQ(y.node()->attrs().getFloat("momentum"), 0.1);
  EXPECT_EQ(y.node()->attrs().getFloat("eps"), 1e-5);
  EXPECT_NE(wrong.runningMean().node()->name(), "running_mean")
      << "a second module's state gets a name of its own";
  Tensor bad = wrong(x);
  EXPECT_FALSE(bad.valid());
  ASSERT_TRUE(g.failed());
  EXPECT_NE(g.error()->message.find("gamma must be f32[5]"), std::string::npos)
      << g.error()->message;
}

} // namespace
} // namespace voskhod
