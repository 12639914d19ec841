//===- tests/unit/interpreter/IndexMappingOpsTest.cpp - pad, slice, concat ===//
///
/// The reference semantics of the index-mapping ops worked by hand: pad's
/// ONNX order of pads and its value, slice's Python clamping of negative and
/// out-of-range bounds and its steps, concat on every axis with three
/// operands; NaN and infinities move like any other value; and the shape
/// rules' diagnostics.
///
//===----------------------------------------------------------------------===//
#include "InterpreterTesting.h"

#include "compiler/ir/ShapeInference.h"

#include <limits>

namespace voskhod::ir::testing {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();
using Ints = std::vector<int64_t>;

TEST(IndexMappingOps, PadListsBeforesThenAfters) {
  // [[1, 2, 3], [4, 5, 6]] padded by one row before, one column after.
  HostTensor r = apply(OpKind::Pad, {{f64({2, 3}), {1, 2, 3, 4, 5, 6}}},
                       attrs({{"pads", Ints{1, 0, 0, 1}}, {"value", 9.5}}));
  expectTensor(r, f64({3, 4}),
               {9.5, 9.5, 9.5, 9.5, 1, 2, 3, 9.5, 4, 5, 6, 9.5});
}

TEST(IndexMappingOps, PadMovesNaNAndInfinities) {
  HostTensor r = apply(OpKind::Pad, {{f32({3}), {kNaN, kInf, -kInf}}},
                       attrs({{"pads", Ints{2, 1}}}));
  expectTensor(r, f32({6}), {0, 0, kNaN, kInf, -kInf, 0});
}

TEST(IndexMappingOps, SliceClampsAsPython) {
  // x[-2:100] on 5 elements is x[3:5]; x[-100:2] is x[0:2].
  std::vector<double> x = {10, 11, 12, 13, 14};
  expectTensor(apply(OpKind::Slice, {{f64({5}), x}},
                     attrs({{"starts", Ints{-2}}, {"ends", Ints{100}}})),
               f64({2}), {13, 14});
  expectTensor(apply(OpKind::Slice, {{f64({5}), x}},
                     attrs({{"starts", Ints{-100}}, {"ends", Ints{2}}})),
               f64({2}), {10, 11});
}

TEST(IndexMappingOps, SliceWithSteps) {
  // x[1::2, ::3] of a 4 x 7 iota.
  std::vector<double> x(28);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = double(i) + 0.5;
  HostTensor r = apply(OpKind::Slice, {{f64({4, 7}), x}},
                       attrs({{"starts", Ints{1, 0}},
                              {"ends", Ints{4, 7}},
                              {"steps", Ints{2, 3}}}));
  expectTensor(r, f64({2, 3}), {7.5, 10.5, 13.5, 21.5, 24.5, 27.5});
}

TEST(IndexMappingOps, SliceCanonicalisesItsBounds) {
  OpGraph og;
  Node *x = og.input(f64({9}), std::vector<double>(9, 1.5));
  Node *s = og.op(
      OpKind::Slice, {x},
      attrs({{"starts", Ints{-8}}, {"ends", Ints{50}}, {"steps", Ints{3}}}));
  EXPECT_EQ(s->attrs().getInts("starts"), Ints{1});
  EXPECT_EQ(s->attrs().getInts("ends"), Ints{8}); // last taken (7) plus one
  EXPECT_EQ(s->shape(), (Shape{3}));
}

TEST(IndexMappingOps, ConcatThreeOperandsOnEachAxis) {
  std::vector<double> a = {1, 2, 3, 4}, b = {5, 6}, c = {7, kNaN};
  // Axis 0: [2,2] ++ [1,2] ++ [1,2].
  expectTensor(apply(OpKind::Concat,
                     {{f64({2, 2}), a}, {f64({1, 2}), b}, {f64({1, 2}), c}},
                     attrs({{"axis", int64_t(0)}})),
               f64({4, 2}), {1, 2, 3, 4, 5, 6, 7, kNaN});
  // Axis -1: [2,2] ++ [2,1] ++ [2,1].
  expectTensor(apply(OpKind::Concat,
                     {{f64({2, 2}), a}, {f64({2, 1}), b}, {f64({2, 1}), c}},
                     attrs({{"axis", int64_t(-1)}})),
               f64({2, 4}), {1, 2, 5, 7, 3, 4, 6, kNaN});
}

TEST(IndexMappingOps, ConcatOfOneOperandIsACopy) {
  expectTensor(apply(OpKind::Concat, {{i32({3}), {4, -2, 7}}},
                     attrs({{"axis", int64_t(0)}})),
               i32({3}), {4, -2, 7});
}

std::string shapeError(OpKind op, std::vector<TensorType> in, Attrs a) {
  return errorOf(inferType(op, in, a));
}

TEST(IndexMappingOps, ShapeRulesExplainWhatIsWrong) {
  EXPECT_EQ(shapeError(OpKind::Pad, {f32({2, 3})}, attrs({{"pads", Ints{1}}})),
            "'pad' pads has 1 entries, expected 4 for f32[2, 3]");
  EXPECT_EQ(
      shapeError(OpKind::Pad, {f32({2, 3})},
                 attrs({{"pads", Ints{0, -1, 0, 0}}})),
      "'pad' pads on axis 1 are negative (-1, 0); crop with 'slice' instead");
  EXPECT_EQ(shapeError(OpKind::Slice, {f32({2, 3})},
                       attrs({{"starts", Ints{0}}, {"ends", Ints{1, 1}}})),
            "'slice' starts has 1 entries, expected 2 for f32[2, 3]");
  EXPECT_EQ(
      shapeError(
          OpKind::Slice, {f32({4})},
          attrs({{"starts", Ints{0}}, {"ends", Ints{4}}, {"steps", Ints{0}}})),
      "'slice' step on axis 0 must be positive, got 0");
  EXPECT_EQ(shapeError(OpKind::Slice, {f32({4})},
                       attrs({{"starts", Ints{3}}, {"ends", Ints{-2}}})),
            "'slice' on axis 0 is empty: [3, 2) of a dim of 4");
  EXPECT_EQ(shapeError(OpKind::Concat, {f32({2, 3}), f32({2, 4})},
                       attrs({{"axis", int64_t(0)}})),
            "'concat' operand 1 has dim 4 on axis 1, operand 0 has 3");
  EXPECT_EQ(shapeError(OpKind::Concat, {f32({2, 3}), f64({2, 3})},
                       attrs({{"axis", int64_t(0)}})),
            "'concat' operand 1 is f64[2, 3], operand 0 is f32[2, 3]");
  EXPECT_EQ(
      shapeError(OpKind::Concat, {f32({2, 3})}, attrs({{"axis", int64_t(2)}})),
      "axis 2 is out of range for 'concat' on rank-2 operands");
  EXPECT_EQ(shapeError(OpKind::Concat, {}, attrs({{"axis", int64_t(0)}})),
            "'concat' expects at least 1 operand, got 0");
}

} // namespace
} // namespace voskhod::ir::testing
