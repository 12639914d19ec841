//===- tests/unit/autodiff/GradCheckTest.cpp - the gradient checker -------===//
#include "GradCase.h"

using namespace voskhod;
using namespace voskhod::ir;
using namespace voskhod::autodiff;
using namespace voskhod::autodiff::testing;

namespace {

TEST(GradCheck, RelativeErrorIsBoundedAndFloored) {
  EXPECT_EQ(relativeError(2.0, 2.0), 0.0);
  EXPECT_DOUBLE_EQ(relativeError(1.0, -1.0), 1.0);
  EXPECT_DOUBLE_EQ(relativeError(1.0, 1.5), 0.2);
  EXPECT_DOUBLE_EQ(relativeError(0.0, 1e-12), 1e-4) << "floored denominator";
}

TEST(GradCheck, ReportsSmallErrorsForCorrectGradients) {
  GradCase c(51);
  Node *w = c.param({3, 2});
  c.makeLoss(c.op(OpKind::Exp, {w}));
  auto errors = checkGradients(c.graph(), c.values());
  ASSERT_TRUE(errors) << errors.message();
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ((*errors)[0].param, "p0");
  EXPECT_LT((*errors)[0].maxRelError, 1e-7);
  EXPECT_LT((*errors)[0].maxAbsError, 1e-7);
}

TEST(GradCheck, DetectsAMismatchAtAKink) {
  // At exactly 0, relu's rule says 0 while the central difference sees the
  // average slope 1/2: the checker must report it, not hide it.
  GradCase c(52);
  Node *w = c.param({4});
  c.values()[w].data[2] = 0.0;
  c.makeLoss(c.op(OpKind::Relu, {w}));
  auto errors = checkGradients(c.graph(), c.values());
  ASSERT_TRUE(errors) << errors.message();
  EXPECT_GT((*errors)[0].maxRelError, 0.3);
}

TEST(GradCheck, LeavesTheGraphUnchanged) {
  GradCase c(53);
  Node *w = c.param({2});
  c.makeLoss(c.op(OpKind::Tanh, {w}));
  size_t size = c.graph().size();
  ASSERT_TRUE(checkGradients(c.graph(), c.values()));
  EXPECT_EQ(c.graph().size(), size);
}

TEST(GradCheck, FailsWithoutMinimizeOrValues) {
  GradCase c(54);
  Node *w = c.param({2});
  Node *e = c.op(OpKind::Exp, {w});
  c.graph().results().push_back(e);
  EXPECT_FALSE(checkGradients(c.graph(), c.values()));
  c.makeLoss(e);
  c.values().erase(w);
  EXPECT_FALSE(checkGradients(c.graph(), c.values()));
}

} // namespace
