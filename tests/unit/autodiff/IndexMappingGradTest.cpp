//===- tests/unit/autodiff/IndexMappingGradTest.cpp - pad, slice, concat --===//
///
/// Finite-difference checks of the index-mapping gradients: pad's is a
/// slice, slice's a pad (a strided scatter for steps above 1), concat's one
/// slice per operand, on random shapes of ranks 1 to 4.
///
//===----------------------------------------------------------------------===//
#include "GradCase.h"

using namespace voskhod;
using namespace voskhod::ir;
using namespace voskhod::autodiff::testing;

namespace {

constexpr uint64_t kSeeds[] = {31, 32, 33};
using Ints = std::vector<int64_t>;

TEST(IndexMappingGrad, PadAsymmetric) {
  for (uint64_t seed : kSeeds)
    for (int rank = 1; rank <= 3; ++rank) {
      GradCase c(seed);
      Node *x = c.param(c.shape(rank));
      Ints pads(2 * size_t(rank));
      for (size_t d = 0; d < pads.size(); ++d)
        pads[d] = int64_t((d * 7 + seed) % 3); // some axes unpadded
      c.check(c.op(OpKind::Pad, {x}, attrs("pads", pads, "value", 0.75)));
    }
}

TEST(IndexMappingGrad, SliceUnitSteps) {
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    Node *x = c.param({5, c.dim(), 6});
    c.check(c.op(OpKind::Slice, {x},
                 attrs("starts", Ints{1, 0, -4}, "ends", Ints{4, 100, -1})));
  }
}

TEST(IndexMappingGrad, SliceStridedScatters) {
  for (uint64_t seed : kSeeds) {
    GradCase c(seed);
    Node *x = c.param({7, 3, 9, 2});
    c.check(c.op(OpKind::Slice, {x},
                 attrs("starts", Ints{1, 0, 0, 1}, "ends", Ints{7, 3, 9, 2},
                       "steps", Ints{2, 5, 3, 1})));
  }
}

TEST(IndexMappingGrad, ConcatThreeOperandsEveryAxis) {
  for (uint64_t seed : kSeeds)
    for (int64_t axis : {0, 1, -1}) {
      GradCase c(seed);
      Shape s = {2, 3, 4};
      size_t a = size_t(axis < 0 ? axis + 3 : axis);
      Shape s1 = s, s2 = s;
      s1[a] = 1, s2[a] = 5;
      Node *x = c.param(s), *y = c.param(s1), *z = c.param(s2);
      c.check(c.op(OpKind::Concat, {x, y, z}, attrs("axis", axis)));
    }
}

TEST(IndexMappingGrad, ConcatOfOneValueTwice) {
  GradCase c(34);
  Node *x = c.param({3, 2});
  c.check(c.op(OpKind::Concat, {x, c.op(OpKind::Exp, {x}), x},
               attrs("axis", int64_t(0))));
}

} // namespace
