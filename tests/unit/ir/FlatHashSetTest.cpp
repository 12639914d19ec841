//===- tests/unit/ir/FlatHashSetTest.cpp - the per-node lookup set --------===//
#include "support/FlatHashSet.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <string_view>

using namespace voskhod;

namespace {

TEST(FlatHashSet, AgreesWithStdSetThroughGrowth) {
  std::mt19937_64 rng(std::random_device{}());
  FlatHashSet<uint64_t> flat; // starts small: grows many times
  std::set<uint64_t> reference;
  for (int i = 0; i < 20000; ++i) {
    uint64_t v = rng() % 5000; // many repeats
    EXPECT_EQ(flat.insert(v).second, reference.insert(v).second);
  }
  EXPECT_EQ(flat.size(), reference.size());
  for (uint64_t v = 0; v < 5000; ++v)
    EXPECT_EQ(flat.contains(v), reference.count(v) == 1);
}

/// Every value hashes alike, so every insert probes past the others.
struct Colliding {
  size_t operator()(const std::string &) const { return 42; }
};

/// Equal when the first letter matches: which of two equal values the set
/// keeps is visible.
struct SameInitial {
  bool operator()(const std::string &a, const std::string &b) const {
    return a.substr(0, 1) == b.substr(0, 1);
  }
};

TEST(FlatHashSet, KeepsTheFirstOfEqualValues) {
  FlatHashSet<std::string, Colliding, SameInitial> set;
  for (const char *s : {"apple", "banana", "cherry"})
    EXPECT_TRUE(set.insert(s).second);
  auto [kept, inserted] = set.insert("blueberry");
  EXPECT_FALSE(inserted);
  EXPECT_EQ(kept, "banana");
  EXPECT_TRUE(set.contains("avocado"));
  EXPECT_FALSE(set.contains("date"));
  EXPECT_EQ(set.size(), 3u);
}

} // namespace
