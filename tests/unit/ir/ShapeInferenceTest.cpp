//===- tests/unit/ir/ShapeInferenceTest.cpp - one shape rule per op -------===//
#include "compiler/ir/ShapeInference.h"

#include <gtest/gtest.h>

using namespace voskhod;
using namespace voskhod::ir;

namespace {

TensorType f32(Shape s) { return {DType::F32, std::move(s)}; }

Expected<TensorType> infer(OpKind op, std::vector<TensorType> in,
                           Attrs &attrs) {
  return inferType(op, in, attrs);
}

Expected<TensorType> infer(OpKind op, std::vector<TensorType> in) {
  Attrs attrs;
  return inferType(op, in, attrs);
}

TEST(ShapeInference, ElementwiseKeepsType) {
  for (int i = 0; i < kNumOps; ++i) {
    OpKind op = OpKind(i);
    if (!hasTrait(op, OpTrait::Elementwise) || op == OpKind::Select ||
        op == OpKind::Convert || op == OpKind::DropoutTrain)
      continue;
    std::vector<TensorType> in(opInfo(op).arity, f32({3, 5}));
    auto t = infer(op, in);
    ASSERT_TRUE(t) << opName(op) << ": " << t.message();
    EXPECT_EQ(t->shape, (Shape{3, 5})) << opName(op);
    EXPECT_EQ(t->dtype,
              hasTrait(op, OpTrait::Comparison) ? DType::I1 : DType::F32)
        << opName(op);
  }
}

TEST(ShapeInference, BinaryRejectsMismatch) {
  auto t = infer(OpKind::Add, {f32({2, 3}), f32({3, 2})});
  ASSERT_FALSE(t);
  EXPECT_NE(t.message().find("shape mismatch"), std::string::npos);
  auto d = infer(OpKind::Mul, {f32({2}), TensorType{DType::F64, {2}}});
  ASSERT_FALSE(d);
  EXPECT_NE(d.message().find("dtype mismatch"), std::string::npos);
}

TEST(ShapeInference, FloatOnlyOpsRejectIntegers) {
  auto t = infer(OpKind::Exp, {TensorType{DType::I32, {4}}});
  ASSERT_FALSE(t);
  EXPECT_NE(t.message().find("floating-point"), std::string::npos);
}

TEST(ShapeInference, DropoutTrainTakesAFloatStepAndAnI32Seed) {
  Attrs a;
  a.set("p", 0.5);
  a.set("key", int64_t(7));
  TensorType seed{DType::I32, {3, 5}};
  auto t = infer(OpKind::DropoutTrain, {f32({3, 5}), f32({3, 5}), seed}, a);
  ASSERT_TRUE(t) << t.message();
  EXPECT_EQ(*t, f32({3, 5}));
  auto f =
      infer(OpKind::DropoutTrain, {f32({3, 5}), f32({3, 5}), f32({3, 5})}, a);
  ASSERT_FALSE(f);
  EXPECT_NE(f.message().find("seed must be an i32"), std::string::npos);
  a.set("key", int64_t(1) << 32);
  auto k = infer(OpKind::DropoutTrain, {f32({3, 5}), f32({3, 5}), seed}, a);
  ASSERT_FALSE(k);
  EXPECT_NE(k.message().find("32-bit"), std::string::npos);
}

TEST(ShapeInference, MatmulWithTransposes) {
  Attrs a;
  EXPECT_EQ(infer(OpKind::Matmul, {f32({2, 3}), f32({3, 7})})->shape,
            (Shape{2, 7}));
  a.set("transpose_a", true);
  EXPECT_EQ(infer(OpKind::Matmul, {f32({3, 2}), f32({3, 7})}, a)->shape,
            (Shape{2, 7}));
  a.set("transpose_b", true);
  EXPECT_EQ(infer(OpKind::Matmul, {f32({3, 2}), f32({7, 3})}, a)->shape,
            (Shape{2, 7}));
  auto bad = infer(OpKind::Matmul, {f32({2, 3}), f32({4, 5})});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.message().find("inner dimensions differ"), std::string::npos);
  EXPECT_NE(bad.message().find("3 vs 4"), std::string::npos);
}

TEST(ShapeInference, ReshapeChecksCountAndInfersMinusOne) {
  Attrs a;
  a.set("shape", std::vector<int64_t>{-1, 4});
  auto t = infer(OpKind::Reshape, {f32({2, 6})}, a);
  ASSERT_TRUE(t) << t.message();
  EXPECT_EQ(t->shape, (Shape{3, 4}));
  EXPECT_EQ(a.getInts("shape"), (std::vector<int64_t>{3, 4}));
  Attrs b;
  b.set("shape", std::vector<int64_t>{4, 2});
  auto bad = infer(OpKind::Reshape, {f32({2, 3})}, b);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.message().find("6 elements"), std::string::npos);
}

TEST(ShapeInference, BroadcastFollowsNumpy) {
  Attrs a;
  a.set("shape", std::vector<int64_t>{4, 2, 3});
  EXPECT_EQ(infer(OpKind::Broadcast, {f32({2, 1})}, a)->shape,
            (Shape{4, 2, 3}));
  EXPECT_FALSE(infer(OpKind::Broadcast, {f32({3, 2})}, a));
  EXPECT_EQ(*broadcastShapes({5, 1, 3}, {4, 1}), (Shape{5, 4, 3}));
  EXPECT_FALSE(broadcastShapes({2, 3}, {3, 2}));
}

TEST(ShapeInference, ReductionsCanonicaliseAxes) {
  Attrs a;
  a.set("axes", std::vector<int64_t>{-1, 0});
  auto t = infer(OpKind::ReduceSum, {f32({2, 3, 4})}, a);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->shape, (Shape{3}));
  EXPECT_EQ(a.getInts("axes"), (std::vector<int64_t>{0, 2}));
  Attrs all;
  all.set("keepdims", true);
  EXPECT_EQ(infer(OpKind::ReduceMean, {f32({2, 3})}, all)->shape,
            (Shape{1, 1}));
  Attrs dup;
  dup.set("axes", std::vector<int64_t>{1, -1});
  EXPECT_FALSE(infer(OpKind::ReduceMax, {f32({2, 3})}, dup));
}

TEST(ShapeInference, AttributesAreChecked) {
  Attrs unknown;
  unknown.set("beta", 0.5);
  auto t = infer(OpKind::LeakyRelu, {f32({2})}, unknown);
  ASSERT_FALSE(t);
  EXPECT_NE(t.message().find("unknown attribute 'beta'"), std::string::npos);

  Attrs wrongKind;
  wrongKind.set("alpha", std::vector<int64_t>{1});
  EXPECT_FALSE(infer(OpKind::Elu, {f32({2})}, wrongKind));

  Attrs intForFloat;
  intForFloat.set("alpha", int64_t(2));
  ASSERT_TRUE(infer(OpKind::Elu, {f32({2})}, intForFloat));
  EXPECT_EQ(intForFloat.getFloat("alpha"), 2.0);

  auto missing = infer(OpKind::OneHot, {TensorType{DType::I32, {3}}});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.message().find("requires attribute 'depth'"),
            std::string::npos);
}

TEST(ShapeInference, DefaultsAreFilled) {
  Attrs a;
  ASSERT_TRUE(infer(OpKind::LeakyRelu, {f32({2})}, a));
  EXPECT_DOUBLE_EQ(a.getFloat("alpha"), 0.01);
  Attrs t;
  ASSERT_TRUE(infer(OpKind::Transpose, {f32({2, 3, 4})}, t));
  EXPECT_EQ(t.getInts("perm"), (std::vector<int64_t>{2, 1, 0}));
}

TEST(ShapeInference, Losses) {
  TensorType labels{DType::I32, {4}};
  EXPECT_TRUE(
      infer(OpKind::SoftmaxCrossEntropy, {f32({4, 10}), labels})->isScalar());
  EXPECT_FALSE(infer(OpKind::SoftmaxCrossEntropy,
                     {f32({4, 10}), TensorType{DType::I32, {5}}}));
  EXPECT_TRUE(infer(OpKind::SoftmaxCrossEntropy, {f32({4, 10}), f32({4, 10})}));
  EXPECT_TRUE(infer(OpKind::MseLoss, {f32({4, 2}), f32({4, 2})})->isScalar());
  EXPECT_FALSE(infer(OpKind::L1Loss, {f32({4, 2}), f32({2, 4})}));
}

TEST(ShapeInference, OneHotAndSoftmax) {
  Attrs a;
  a.set("depth", int64_t(5));
  auto t = infer(OpKind::OneHot, {TensorType{DType::I32, {3}}}, a);
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, f32({3, 5}));
  Attrs s;
  s.set("axis", int64_t(-1));
  ASSERT_TRUE(infer(OpKind::Softmax, {f32({2, 7})}, s));
  EXPECT_EQ(s.getInt("axis"), 1);
  Attrs bad;
  bad.set("axis", int64_t(2));
  EXPECT_FALSE(infer(OpKind::LogSoftmax, {f32({2, 7})}, bad));
}

TEST(ShapeInference, ArityIsChecked) {
  auto t = infer(OpKind::Add, {f32({2})});
  ASSERT_FALSE(t);
  EXPECT_NE(t.message().find("expects 2 operands, got 1"), std::string::npos);
}

TEST(ShapeInference, HugeShapesAreRejected) {
  Attrs a;
  a.set("shape", std::vector<int64_t>{int64_t(1) << 30, int64_t(1) << 30, 4});
  auto t = infer(OpKind::Broadcast, {f32({1})}, a);
  ASSERT_FALSE(t);
  EXPECT_NE(t.message().find("too many elements"), std::string::npos);
}

TEST(ShapeInference, IntoOneOutputMatchesInferType) {
  // The verifier reuses one output across nodes of every family: whatever
  // the previous node left in it must not leak into the next result.
  Attrs matmul, reduce, transpose, reshape, convert;
  reduce.set("axes", std::vector<int64_t>{1});
  reshape.set("shape", std::vector<int64_t>{-1});
  convert.set("dtype", DType::I32);
  struct Case {
    OpKind op;
    std::vector<TensorType> in;
    Attrs *attrs;
  };
  Attrs none;
  std::vector<Case> cases = {
      {OpKind::Matmul, {f32({2, 3}), f32({3, 4})}, &matmul},
      {OpKind::ReduceSum, {f32({5, 6, 7})}, &reduce},
      {OpKind::Add, {f32({}), f32({})}, &none},
      {OpKind::Transpose, {f32({2, 3, 4})}, &transpose},
      {OpKind::Reshape, {f32({2, 3})}, &reshape},
      {OpKind::Convert, {f32({4})}, &convert},
      {OpKind::Greater, {f32({2}), f32({2})}, &none},
  };
  TensorType out{DType::F64, {9, 9, 9, 9}};
  for (const Case &c : cases) {
    Attrs a = *c.attrs, b = *c.attrs;
    auto expected = inferType(c.op, c.in, a);
    ASSERT_TRUE(expected) << opName(c.op);
    ASSERT_TRUE(inferTypeInto(c.op, c.in, b, out)) << opName(c.op);
    EXPECT_EQ(out, *expected) << opName(c.op);
    EXPECT_EQ(a, b) << opName(c.op);
  }
}

TEST(ShapeInference, CompleteAttributesStillHaveTheirKindsChecked) {
  // Every schema name present is the common case the checker shortcuts.
  Attrs a;
  a.set("transpose_a", int64_t(1));
  a.set("transpose_b", false);
  auto t = infer(OpKind::Matmul, {f32({2, 3}), f32({3, 4})}, a);
  ASSERT_FALSE(t);
  EXPECT_NE(t.message().find("'transpose_a'"), std::string::npos);
}

} // namespace
