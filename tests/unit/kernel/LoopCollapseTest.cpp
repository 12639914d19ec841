//===- tests/unit/kernel/LoopCollapseTest.cpp - domain dims to loops ------===//
#include "compiler/kernel/LoopCollapse.h"

#include <gtest/gtest.h>

namespace voskhod::kernel {
namespace {

Access rowMajor(const Shape &s) {
  Access a;
  a.buffer = 0;
  int64_t stride = 1;
  a.strides.assign(s.size(), 0);
  for (size_t d = s.size(); d-- > 0;) {
    a.strides[d] = stride;
    stride *= s[d];
  }
  return a;
}

std::vector<std::vector<int>> dimsOf(const std::vector<DimGroup> &groups) {
  std::vector<std::vector<int>> out;
  for (const DimGroup &g : groups)
    out.push_back(g.dims);
  return out;
}

TEST(LoopCollapse, ContiguousAccessesBecomeOneLoop) {
  Shape domain{5, 7, 3};
  Access a = rowMajor(domain);
  LoopAccesses uses;
  uses.accesses = {&a, &a};
  auto groups = collapse(domain, 0, 3, uses);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].size, 105);
  EXPECT_EQ(groups[0].dims, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(groups[0].inner(), 2);
  EXPECT_EQ(product(groups), 105);
}

TEST(LoopCollapse, TransposedAccessKeepsItsDimsApart) {
  Shape domain{4, 6};
  Access a = rowMajor(domain);
  Access t;
  t.buffer = 1;
  t.strides = {1, 4}; // reads a [6, 4] buffer transposed
  LoopAccesses uses;
  uses.accesses = {&a, &t};
  auto groups = collapse(domain, 0, 2, uses);
  EXPECT_EQ(dimsOf(groups), (std::vector<std::vector<int>>{{0}, {1}}));
  EXPECT_EQ(product(groups), 24);
}

TEST(LoopCollapse, SizeOneDimsDropAndShortStridesCountAsZero) {
  Shape domain{3, 1, 8};
  Access a = rowMajor(domain);
  Access perRow; // one value per dim-0 index; no stride given for dim 2
  perRow.buffer = 1;
  perRow.strides = {1};
  LoopAccesses uses;
  uses.accesses = {&a};
  EXPECT_EQ(dimsOf(collapse(domain, 0, 3, uses)),
            (std::vector<std::vector<int>>{{0, 2}}));
  uses.accesses.push_back(&perRow);
  // a walks 0 and 2 as one; perRow's strides (1, _, 0) do not.
  EXPECT_EQ(dimsOf(collapse(domain, 0, 3, uses)),
            (std::vector<std::vector<int>>{{0}, {2}}));
}

TEST(LoopCollapse, IndexedDimStaysAlone) {
  Shape domain{2, 1, 5, 3};
  Access a = rowMajor(domain);
  Body body;
  body.accesses.push_back(a);
  Inst load{ScalarOp::Load, DType::F32};
  load.access = 0;
  body.add(load);
  Inst index{ScalarOp::Index, DType::I32};
  index.dim = 1; // a size-1 dim that is read stays
  body.add(index);
  LoopAccesses uses;
  uses.addBody(body);
  ASSERT_EQ(uses.accesses.size(), 1u);
  EXPECT_EQ(dimsOf(collapse(domain, 0, 4, uses)),
            (std::vector<std::vector<int>>{{0}, {1}, {2, 3}}));
  // Only [lo, hi) is grouped.
  EXPECT_EQ(dimsOf(collapse(domain, 2, 4, uses)),
            (std::vector<std::vector<int>>{{2, 3}}));
}

TEST(LoopCollapse, StoresCount) {
  Shape domain{4, 6};
  Access a = rowMajor(domain);
  std::vector<Store> stores(1);
  stores[0].access.buffer = 1;
  stores[0].access.strides = {1, 4};
  LoopAccesses uses;
  uses.accesses = {&a};
  EXPECT_EQ(collapse(domain, 0, 2, uses).size(), 1u);
  uses.addStores(stores);
  EXPECT_EQ(collapse(domain, 0, 2, uses).size(), 2u);
}

TEST(LoopCollapse, SeparateDimsKeepsEveryDim) {
  auto groups = separateDims({3, 1, 4});
  EXPECT_EQ(dimsOf(groups), (std::vector<std::vector<int>>{{0}, {1}, {2}}));
  EXPECT_EQ(product(groups), 12);
}

} // namespace
} // namespace voskhod::kernel
