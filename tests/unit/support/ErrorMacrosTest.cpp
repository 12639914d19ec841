//===- tests/unit/support/ErrorMacrosTest.cpp - propagating Status --------===//
///
/// VOSKHOD_RETURN_IF_ERROR and VOSKHOD_ASSIGN_OR_RETURN pass an error up
/// unchanged, let a value through, and evaluate their operand once.
///
//===----------------------------------------------------------------------===//
#include "support/Error.h"

#include <gtest/gtest.h>
#include <memory>
#include <random>

using namespace voskhod;

namespace {

struct Calls {
  int made = 0;
};

Status mayFail(Calls &c, bool fail, const std::string &why) {
  ++c.made;
  return fail ? makeError(why) : Status::ok();
}

Expected<int> half(Calls &c, int x) {
  ++c.made;
  if (x % 2)
    return makeError(std::to_string(x) + " is odd");
  return x / 2;
}

Expected<std::unique_ptr<int>> boxed(int x) {
  if (x < 0)
    return makeError("negative");
  return std::make_unique<int>(x);
}

Status twoSteps(Calls &c, bool failFirst, bool failSecond) {
  VOSKHOD_RETURN_IF_ERROR(mayFail(c, failFirst, "first"));
  VOSKHOD_RETURN_IF_ERROR(mayFail(c, failSecond, "second"));
  return Status::ok();
}

Expected<int> quarter(Calls &c, int x) {
  VOSKHOD_ASSIGN_OR_RETURN(int h, half(c, x));
  VOSKHOD_ASSIGN_OR_RETURN(h, half(c, h));
  return h;
}

Expected<int> halfKept(Calls &c, int x) {
  auto h = half(c, x);
  VOSKHOD_RETURN_IF_ERROR(h);
  return *h + 1;
}

Expected<int> unbox(int x) {
  VOSKHOD_ASSIGN_OR_RETURN(std::unique_ptr<int> p, boxed(x));
  return *p;
}

int randomInt(int lo, int hi) {
  static std::mt19937 rng(std::random_device{}());
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}

TEST(ErrorMacros, ReturnIfErrorStopsAtTheFirstError) {
  Calls c;
  Status s = twoSteps(c, true, true);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "first");
  EXPECT_EQ(c.made, 1);

  c = {};
  s = twoSteps(c, false, true);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "second");
  EXPECT_EQ(c.made, 2);

  c = {};
  EXPECT_TRUE(twoSteps(c, false, false));
  EXPECT_EQ(c.made, 2);
}

TEST(ErrorMacros, AssignOrReturnPassesValuesAndErrors) {
  int q = randomInt(1, 1000);
  Calls c;
  auto r = quarter(c, 4 * q);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(*r, q);
  EXPECT_EQ(c.made, 2);

  c = {};
  int odd = 2 * randomInt(1, 1000) + 1;
  r = quarter(c, 2 * odd);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.message(), std::to_string(odd) + " is odd");
  EXPECT_EQ(c.made, 2);

  c = {};
  r = quarter(c, odd);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.message(), std::to_string(odd) + " is odd");
  EXPECT_EQ(c.made, 1);
}

TEST(ErrorMacros, ReturnIfErrorTakesAnExpectedAndLeavesItUsable) {
  int x = 2 * randomInt(1, 1000);
  Calls c;
  auto r = halfKept(c, x);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(*r, x / 2 + 1);

  r = halfKept(c, x + 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.message(), std::to_string(x + 1) + " is odd");
  EXPECT_EQ(c.made, 2);
}

TEST(ErrorMacros, AssignOrReturnMovesMoveOnlyValues) {
  int x = randomInt(1, 1000);
  auto r = unbox(x);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(*r, x);
  auto bad = unbox(-x);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.message(), "negative");
}

} // namespace
