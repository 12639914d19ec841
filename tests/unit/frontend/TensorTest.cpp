//===- tests/unit/frontend/TensorTest.cpp - what Tensor ops build ---------===//
///
/// Result types of the API's ops, the nodes that broadcasting and number
/// operands produce (the parser's nodes), attributes, and that every op of
/// Ops.def can be reached from the API.
///
//===----------------------------------------------------------------------===//
#include "frontend/Frontend.h"

#include <gtest/gtest.h>

#include <set>

namespace voskhod {
namespace {

using ir::DType;
using ir::OpKind;

TEST(FrontendTensor, LeavesHaveTheirTypesAndNames) {
  Graph g("t");
  Tensor x = g.input("x", f32({2, 3}));
  Tensor w = g.param("w", f64({3, 4}), init::normal(0.5, 2.0));
  Tensor s = g.state("s", i32({4}), init::ones());
  Tensor c = g.constant(f32({2}), {1.5, -2.25});
  Tensor k = g.scalar(7, DType::I32);
  EXPECT_EQ(x.type().str(), "f32[2, 3]");
  EXPECT_EQ(x.name(), "x");
  EXPECT_EQ(w.dtype(), DType::F64);
  EXPECT_EQ(w.node()->op(), OpKind::Param);
  EXPECT_EQ(w.node()->init(), (InitSpec{InitKind::Normal, 0.5, 2.0}));
  EXPECT_EQ(s.node()->op(), OpKind::State);
  EXPECT_EQ(c.node()->constValues(), (std::vector<double>{1.5, -2.25}));
  EXPECT_EQ(c.name(), "");
  EXPECT_EQ(k.type().str(), "i32[]");
  EXPECT_EQ(k.node()->constValues(), std::vector<double>{7});
  EXPECT_FALSE(g.failed());
}

TEST(FrontendTensor, ResultShapesAndDtypes) {
  Graph g("t");
  Tensor x = g.input("x", f32({4, 3}));
  Tensor w = g.param("w", f32({3, 5}), init::xavierUniform());
  Tensor labels = g.input("labels", i32({4}));

  EXPECT_EQ(x.matmul(w).shape(), (ir::Shape{4, 5}));
  EXPECT_EQ(x.matmul(x, true, false).shape(), (ir::Shape{3, 3}));
  EXPECT_EQ(x.matmul(x, false, true).shape(), (ir::Shape{4, 4}));
  Tensor b = g.input("b", f32({2, 1, 4, 3}));
  EXPECT_EQ(b.matmul(w).shape(), (ir::Shape{2, 1, 4, 5}));
  EXPECT_EQ(b.matmul(g.input("c", f32({6, 3, 5}))).shape(),
            (ir::Shape{2, 6, 4, 5}));
  EXPECT_EQ(x.matmul(b, true, false).shape(), (ir::Shape{2, 1, 3, 3}));
  EXPECT_EQ(x.transpose().shape(), (ir::Shape{3, 4}));
  EXPECT_EQ(x.reshape({2, -1}).shape(), (ir::Shape{2, 6}));
  EXPECT_EQ(x.broadcastTo({2, 4, 3}).shape(), (ir::Shape{2, 4, 3}));
  EXPECT_EQ(x.sum().shape(), ir::Shape{});
  EXPECT_EQ(x.sum({1}).shape(), ir::Shape{4});
  EXPECT_EQ(x.mean({-1}, true).shape(), (ir::Shape{4, 1}));
  EXPECT_EQ(x.max({0}).shape(), ir::Shape{3});
  EXPECT_EQ(x.softmax().shape(), (ir::Shape{4, 3}));
  EXPECT_EQ(x.logSoftmax(0).shape(), (ir::Shape{4, 3}));
  EXPECT_EQ(labels.oneHot(7).type().str(), "f32[4, 7]");
  EXPECT_EQ(labels.oneHot(7, DType::F64).type().str(), "f64[4, 7]");
  EXPECT_EQ(x.greater(0.5).type().str(), "i1[4, 3]");
  EXPECT_EQ(x.equal(x).type().str(), "i1[4, 3]");
  EXPECT_EQ(x.convert(DType::I32).type().str(), "i32[4, 3]");
  EXPECT_EQ(x.relu().type(), x.type());
  EXPECT_EQ(nn::softmaxCrossEntropy(x, labels).type().str(), "f32[]");
  EXPECT_EQ(nn::mseLoss(x, x).type().str(), "f32[]");
  EXPECT_FALSE(g.failed());
}

/// `x op 2.5` and `2.5 op x` both become a rank-0 constant of x's dtype, a
/// broadcast of it to x's shape, and the op, in that order.
TEST(FrontendTensor, NumbersOnEitherSideBroadcastLikeLiterals) {
  Graph g("t");
  Tensor x = g.input("x", f64({2, 3}));
  size_t before = g.irGraph().size();
  Tensor right = x - 2.5;
  ASSERT_EQ(g.irGraph().size(), before + 3);
  ir::Node *c = g.irGraph().node(before);
  EXPECT_EQ(c->op(), OpKind::Const);
  EXPECT_EQ(c->type().str(), "f64[]");
  EXPECT_EQ(c->constValues(), std::vector<double>{2.5});
  ir::Node *b = g.irGraph().node(before + 1);
  EXPECT_EQ(b->op(), OpKind::Broadcast);
  EXPECT_EQ(b->operand(0), c);
  EXPECT_EQ(right.node()->op(), OpKind::Sub);
  EXPECT_EQ(right.node()->operand(0), x.node());
  EXPECT_EQ(right.node()->operand(1), b);

  Tensor left = 2.5 / x;
  EXPECT_EQ(left.node()->op(), OpKind::Div);
  EXPECT_EQ(left.node()->operand(1), x.node());
  ir::Node *lb = left.node()->operand(0);
  EXPECT_EQ(lb->op(), OpKind::Broadcast);
  EXPECT_EQ(lb->operand(0)->type().str(), "f64[]");

  // An integer tensor makes integer constants.
  Tensor n = g.input("n", i32({3}));
  EXPECT_EQ((n * 3).type().str(), "i32[3]");
  EXPECT_EQ((3 * n).node()->operand(0)->operand(0)->type().str(), "i32[]");
  // Every operator, both ways.
  for (Tensor t : {x + 1, 1 + x, x - 1, 1 - x, x * 1, 1 * x, x / 1, 1 / x,
                   pow(x, 2.0), pow(2.0, x), maximum(x, 0.0), maximum(0.0, x),
                   minimum(x, 0.0), minimum(0.0, x), greater(x, 0.0),
                   greater(0.0, x), equal(x, 0.0), equal(0.0, x)})
    EXPECT_EQ(t.shape(), x.shape());
  EXPECT_FALSE(g.failed());
}

TEST(FrontendTensor, TensorsBroadcastAgainstEachOther) {
  Graph g("t");
  Tensor a = g.input("a", f32({4, 1}));
  Tensor b = g.input("b", f32({3}));
  Tensor s = a * b;
  EXPECT_EQ(s.shape(), (ir::Shape{4, 3}));
  ASSERT_EQ(s.node()->op(), OpKind::Mul);
  EXPECT_EQ(s.node()->operand(0)->op(), OpKind::Broadcast);
  EXPECT_EQ(s.node()->operand(1)->op(), OpKind::Broadcast);
  // Equal shapes need no broadcast.
  Tensor same = a + a;
  EXPECT_EQ(same.node()->operand(0), a.node());
  EXPECT_EQ(same.node()->operand(1), a.node());
}

TEST(FrontendTensor, SelectTakesNumbersInTheOtherBranchDtype) {
  Graph g("t");
  Tensor x = g.input("x", f64({2, 2}));
  Tensor mask = x.greater(0.0);
  Tensor r = select(mask, x, -1.0);
  EXPECT_EQ(r.type().str(), "f64[2, 2]");
  EXPECT_EQ(r.node()->operand(2)->operand(0)->type().str(), "f64[]");
  Tensor l = select(mask, 0.25, x);
  EXPECT_EQ(l.node()->operand(1)->operand(0)->constValues(),
            std::vector<double>{0.25});
  EXPECT_EQ(select(mask, x, x).node()->op(), OpKind::Select);
  EXPECT_FALSE(g.failed());
}

TEST(FrontendTensor, AttributesAreTheSchemaDefaultsUnlessGiven) {
  Graph g("t");
  Tensor x = g.input("x", f32({3, 2}));
  auto alphaOf = [](const Tensor &t) {
    return t.node()->attrs().getFloat("alpha");
  };
  EXPECT_EQ(alphaOf(x.leakyRelu()),
            ir::findAttrSpec(OpKind::LeakyRelu, "alpha")->defaultValue);
  EXPECT_EQ(alphaOf(x.elu()),
            ir::findAttrSpec(OpKind::Elu, "alpha")->defaultValue);
  EXPECT_EQ(alphaOf(x.leakyRelu(0.2)), 0.2);
  EXPECT_EQ(alphaOf(x.elu(0.7)), 0.7);
  EXPECT_EQ(x.transpose().node()->attrs().getInts("perm"),
            (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(x.sum({-1}).node()->attrs().getInts("axes"),
            std::vector<int64_t>{1});
  EXPECT_TRUE(x.matmul(x, true).node()->attrs().getBool("transpose_a"));
  EXPECT_EQ(x.softmax().node()->attrs().getInt("axis"), 1);
}

TEST(FrontendTensor, NamedNamesTheNode) {
  Graph g("t");
  Tensor x = g.input("x", f32({2}));
  Tensor h = (x * x).named("h.sq_1");
  EXPECT_EQ(h.name(), "h.sq_1");
  EXPECT_EQ(g.irGraph().findByName("h.sq_1"), h.node());
  h.named("h2"); // renaming is allowed
  EXPECT_EQ(h.name(), "h2");
  EXPECT_FALSE(g.irGraph().findByName("h.sq_1"));
  EXPECT_FALSE(g.failed());
}

TEST(FrontendTensor, NodesCarryTheCallersLine) {
  Graph g("t");
  int line = __LINE__ + 1;
  Tensor x = g.input("x", f32({2}));
  int expLine = __LINE__ + 1;
  Tensor y = x.exp();
  int addLine = __LINE__ + 1;
  Tensor z = x + y;
  EXPECT_EQ(x.node()->loc().line, uint32_t(line));
  EXPECT_EQ(y.node()->loc().line, uint32_t(expLine));
  EXPECT_EQ(z.node()->loc().line, uint32_t(addLine));
  EXPECT_EQ(z.node()->loc().file, std::string_view(__FILE__));
  EXPECT_GT(z.node()->loc().col, 0u);
}

TEST(FrontendTensor, GeluFormIsAnAttributeAndIsChecked) {
  Graph g("gelu");
  Tensor x = g.input("x", f32({2, 3}));
  EXPECT_EQ(x.gelu().node()->attrs().getString("approximate"), "none");
  EXPECT_EQ(x.gelu("tanh").node()->attrs().getString("approximate"), "tanh");
  ASSERT_FALSE(g.failed());
  x.gelu("exact");
  ASSERT_TRUE(g.failed());
  EXPECT_NE(g.error()->message.find("\"none\" or \"tanh\""), std::string::npos)
      << g.error()->message;
}

/// One graph that uses every op of Ops.def through the API, so a new op
/// without an API entry point fails here.
TEST(FrontendTensor, EveryOpIsReachable) {
  Graph g("every");
  Tensor x = g.input("x", f32({2, 3}));
  Tensor idx = g.input("idx", i32({2}));
  Tensor w = g.param("w", f32({3, 3}), init::heNormal());
  Tensor s = g.state("s", f32({3}), init::zeros());
  Tensor c = g.constant(f32({3}), {1, 2, 3});
  Tensor image = g.input("image", f32({2, 3, 6, 6}));
  Tensor kernel = g.param("kernel", f32({4, 3, 3, 3}), init::heNormal());
  std::vector<Tensor> all = {-x,
                             x.abs(),
                             x.exp(),
                             x.log(),
                             x.sqrt(),
                             x.rsqrt(),
                             x.square(),
                             x.sign(),
                             x.relu(),
                             x.leakyRelu(),
                             x.elu(),
                             x.sigmoid(),
                             x.tanh(),
                             x.softplus(),
                             x.erf(),
                             x.cos(),
                             x.sin(),
                             x.floor(),
                             x.gelu(),
                             x.gelu("tanh"),
                             x.silu(),
                             x.dropout(0.3),
                             batchNorm(x, c, c, s, s),
                             x.convert(DType::F64),
                             x + s,
                             x - c,
                             x * w.sum({0}),
                             x / 2,
                             x.pow(2.0),
                             x.maximum(x),
                             x.minimum(x),
                             x.greater(x),
                             x.equal(x),
                             select(x.greater(0.0), x, x),
                             x.matmul(w),
                             x.transpose(),
                             x.reshape({6}),
                             x.broadcastTo({4, 2, 3}),
                             x.pad({0, 1, 2, 0}, -1.5),
                             x.slice({1, 0}, {2, 3}, {1, 2}),
                             concat({x, x, x}, -1),
                             image.conv2d(kernel, {.padding = {1, 1}}),
                             image.maxPool2d({2, 2}),
                             image.avgPool2d({3, 3}, {1, 1}, {1, 1}, false),
                             x.sum(),
                             x.mean(),
                             x.max(),
                             x.min({1}, true),
                             x.prod({-1}),
                             x.softmax(),
                             x.causalSoftmax(),
                             x.logSoftmax(),
                             layerNorm(x, c, c),
                             w.gather(idx),
                             idx.oneHot(3),
                             nn::softmaxCrossEntropy(x, idx),
                             nn::sigmoidCrossEntropy(x, x.sigmoid()),
                             nn::mseLoss(x, x),
                             nn::l1Loss(x, x)};
  ASSERT_FALSE(g.failed()) << g.error()->message;
  std::set<OpKind> seen;
  for (ir::Node *n : g.irGraph())
    seen.insert(n->op());
  // dropout_train is what the training step makes of dropout
  // (ModeSpecialization.h); users write dropout.
  seen.insert(OpKind::DropoutTrain);
  for (int k = 0; k < ir::kNumOps; ++k)
    EXPECT_TRUE(seen.count(OpKind(k)))
        << "no API path builds '" << ir::opName(OpKind(k)) << "'";
}

} // namespace
} // namespace voskhod
