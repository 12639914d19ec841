//===- tests/unit/support/InternalCheckTest.cpp - checks that never vanish ===//
///
/// A failing VOSKHOD_CHECK must abort with "internal compiler error", the
/// message, the component and the node it was working on, and the check's
/// file and line, even in a build with NDEBUG, where `assert` is gone. This
/// file defines NDEBUG itself so that it tests that build whatever the build
/// type is. It does not test the compiler's own checks: none of them can be
/// made to fail from the outside, which is the point of them.
///
//===----------------------------------------------------------------------===//
#ifndef NDEBUG
#define NDEBUG
#endif

#include "support/InternalCheck.h"
#include "compiler/ir/Builder.h"
#include "compiler/ir/Verifier.h"

#include <cassert>
#include <gtest/gtest.h>
#include <random>

using namespace voskhod;

namespace {

ir::Node *namedInput(ir::Graph &g, const std::string &name) {
  return *ir::buildInput(g, {ir::DType::F32, {3, 2}}, {}, name);
}

void failWithin(const char *pass, const ir::Node *node) {
  InternalContext ctx(pass, node, ir::describeNode);
  VOSKHOD_CHECK(node->rank() == 5) << "rank " << node->rank() << " is not 5";
}

TEST(InternalCheck, AssertIsCompiledOutHere) {
  // The premise of the death tests below: in this file `assert` does nothing.
  int evaluated = 0;
  assert(++evaluated == 0);
  EXPECT_EQ(evaluated, 0);
}

TEST(InternalCheckDeathTest, NamesThePassAndTheNode) {
  ir::Graph g;
  ir::Node *n = namedInput(g, "hidden7");
  EXPECT_DEATH(failWithin("FusionPlanner", n),
               "internal compiler error: rank 2 is not 5 "
               "\\(in FusionPlanner, at %hidden7\\)\n"
               "check 'node->rank\\(\\) == 5' failed at "
               ".*InternalCheckTest\\.cpp:[0-9]+");
}

TEST(InternalCheckDeathTest, AnUnnamedNodeIsNamedByOpAndIndex) {
  ir::Graph g;
  ir::Node *x = namedInput(g, "x");
  ir::Node *r = *ir::buildNode(g, ir::OpKind::Relu, {x});
  EXPECT_DEATH(failWithin("AlgebraicSimplifier", r),
               "\\(in AlgebraicSimplifier, at 'relu' node #1\\)");
}

TEST(InternalCheckDeathTest, OuterContextsSayHowItGotThere) {
  std::mt19937 rng(std::random_device{}());
  int limit = int(rng() % 1000) + 1;
  auto run = [&] {
    InternalContext pass("simplify");
    InternalContext node("simplify", "%loss");
    int steps = limit + 1;
    VOSKHOD_CHECK(steps <= limit) << "took " << steps << " steps";
  };
  EXPECT_DEATH(run(), "internal compiler error: took " +
                          std::to_string(limit + 1) +
                          " steps \\(in simplify, at %loss\\)\n"
                          "  within simplify\n");
}

TEST(InternalCheckDeathTest, WithoutAContextStillSaysWhere) {
  EXPECT_DEATH(VOSKHOD_UNREACHABLE("no rule for this op"),
               "internal compiler error: no rule for this op\n"
               "reached at .*InternalCheckTest\\.cpp:[0-9]+");
}

TEST(InternalCheck, APassingCheckBuildsNoMessage) {
  int built = 0;
  auto message = [&] {
    ++built;
    return "never";
  };
  std::mt19937 rng(std::random_device{}());
  int x = int(rng() % 100) + 1;
  VOSKHOD_CHECK(x > 0) << message();
  EXPECT_EQ(built, 0);
}

TEST(InternalCheck, ContextsPopWithTheirScope) {
  EXPECT_EQ(InternalContext::innermost(), nullptr);
  {
    InternalContext outer("lowering");
    {
      InternalContext inner("FusionPlanner", "%x");
      EXPECT_EQ(InternalContext::innermost(), &inner);
      EXPECT_EQ(inner.outer(), &outer);
      EXPECT_EQ(inner.subject(), "%x");
    }
    EXPECT_EQ(InternalContext::innermost(), &outer);
  }
  EXPECT_EQ(InternalContext::innermost(), nullptr);
}

TEST(InternalCheck, ASubjectIsDescribedOnlyWhenAsked) {
  static int described = 0;
  struct Thing {
    int id;
  };
  std::string (*describe)(const Thing *) = [](const Thing *t) {
    ++described;
    return "thing " + std::to_string(t->id);
  };
  Thing things[3] = {{4}, {8}, {15}};
  InternalContext ctx("walker");
  for (const Thing &t : things)
    ctx.setSubject(&t, describe);
  EXPECT_EQ(described, 0);
  EXPECT_EQ(ctx.subject(), "thing 15");
  EXPECT_EQ(described, 1);
}

} // namespace
