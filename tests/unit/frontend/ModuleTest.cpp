//===- tests/unit/frontend/ModuleTest.cpp - nn modules and their names ----===//
///
/// Parameter naming (local, hierarchical, positional in Sequential) and
/// order, lazy creation, custom modules with a forward, the layers' shapes and
/// inits, and the penalties' values against a direct computation in the
/// interpreter.
///
//===----------------------------------------------------------------------===//
#include "frontend/Frontend.h"

#include "compiler/interpreter/Interpreter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace voskhod {
namespace {

std::vector<std::string> names(nn::Module &m) {
  std::vector<std::string> out;
  for (const nn::NamedParameter &p : m.namedParameters())
    out.push_back(p.name);
  return out;
}

std::vector<std::string> nodeNames(const std::vector<Tensor> &ts) {
  std::vector<std::string> out;
  for (const Tensor &t : ts)
    out.push_back(t.name());
  return out;
}

/// Creates its parameters lazily, as the built-in layers do.
class Block : public nn::Module {
public:
  Block(Graph &g, int64_t width)
      : graph(&g), width(width), fc(g, width, width, {.bias = false}) {}
  Tensor forward(const Tensor &x) override { return x + fc(x).tanh() * scale; }
  Graph *graph;
  int64_t width;
  nn::Linear fc;
  Tensor scale;

protected:
  void createParameters() override {
    registerModule("fc", fc);
    scale = registerParameter(*graph, "scale", f32({width}), init::ones());
  }
};

class Net : public nn::Module {
public:
  explicit Net(Graph &g)
      : fc1(g, 4, 8, {.weightInit = init::xavierNormal()}), block(g, 8),
        fc2(g, 8, 3) {
    registerModule("fc1", fc1);
    registerModule("block", block);
    registerModule("fc2", fc2);
  }
  static constexpr int kForwardLine = __LINE__ + 1;
  Tensor forward(const Tensor &x) override { return fc2(block(fc1(x).relu())); }
  nn::Linear fc1;
  Block block;
  nn::Linear fc2;
};

TEST(FrontendModule, LinearParametersAndShapes) {
  Graph g("t");
  nn::Linear fc(g, 3, 5);
  EXPECT_EQ(names(fc), (std::vector<std::string>{"weight", "bias"}));
  EXPECT_EQ(fc.weight().type().str(), "f32[3, 5]");
  EXPECT_EQ(fc.bias().type().str(), "f32[5]");
  EXPECT_EQ(fc.weight().node()->init().kind, InitKind::HeUniform);
  EXPECT_EQ(fc.bias().node()->init().kind, InitKind::Zeros);
  EXPECT_EQ(fc.parameter("bias").node(), fc.bias().node());
  EXPECT_FALSE(fc.parameter("nope").valid());

  Tensor x = g.input("x", f32({7, 3}));
  Tensor y = fc(x);
  EXPECT_EQ(y.type().str(), "f32[7, 5]");
  EXPECT_EQ(y.node()->op(), ir::OpKind::Add);

  nn::Linear noBias(g, 5, 2, {.bias = false, .dtype = ir::DType::F64});
  EXPECT_EQ(names(noBias), std::vector<std::string>{"weight"});
  EXPECT_FALSE(noBias.bias().valid());
  // Standalone modules do not collide: the second gets a suffix.
  EXPECT_EQ(noBias.weight().name(), "weight_1");
  EXPECT_EQ(noBias.weight().dtype(), ir::DType::F64);
  EXPECT_EQ(noBias(g.input("z", f64({1, 5}))).node()->op(), ir::OpKind::Matmul);
  EXPECT_FALSE(g.failed());
}

/// Layers passed to one call are constructed in an order C++ leaves open;
/// their parameters are still created in layer order.
TEST(FrontendModule, LinearCreatesParametersWhenRegisteredOrUsed) {
  Graph g("t");
  nn::Linear a(g, 2, 3), b(g, 3, 4);
  EXPECT_EQ(g.irGraph().size(), 0u);
  nn::Sequential model(nn::Linear(g, 4, 5), nn::Linear(g, 5, 6),
                       nn::Linear(g, 6, 7));
  std::vector<std::string> order;
  for (ir::Node *p : g.irGraph().params())
    order.push_back(p->name() + ":" + p->type().str());
  EXPECT_EQ(order,
            (std::vector<std::string>{"0.weight:f32[4, 5]", "0.bias:f32[5]",
                                      "1.weight:f32[5, 6]", "1.bias:f32[6]",
                                      "2.weight:f32[6, 7]", "2.bias:f32[7]"}));
  b(g.input("x", f32({1, 3})));
  EXPECT_EQ(b.weight().name(), "weight");
  EXPECT_EQ(a.weight().name(), "weight_1");
  EXPECT_FALSE(g.failed());
}

TEST(FrontendModule, CustomModuleNamesAreHierarchicalInRegistrationOrder) {
  Graph g("t");
  Net net(g);
  std::vector<std::string> expected = {"fc1.weight",      "fc1.bias",
                                       "block.fc.weight", "block.scale",
                                       "fc2.weight",      "fc2.bias"};
  EXPECT_EQ(names(net), expected);
  EXPECT_EQ(nodeNames(net.parameters()), expected);
  // Children keep their own relative names.
  EXPECT_EQ(names(net.block), (std::vector<std::string>{"fc.weight", "scale"}));
  EXPECT_EQ(net.parameter("block.scale").node(), net.block.scale.node());
  EXPECT_EQ(net.fc1.weight().node()->init().kind, InitKind::XavierNormal);
  // The graph holds exactly these params, in creation order.
  std::vector<std::string> graphOrder;
  for (ir::Node *p : g.irGraph().params())
    graphOrder.push_back(p->name());
  EXPECT_EQ(graphOrder, expected);

  Tensor x = g.input("x", f32({2, 4}));
  Tensor y = net(x).named("y");
  EXPECT_EQ(y.type().str(), "f32[2, 3]");
  g.returns({y});
  auto built = g.build();
  ASSERT_TRUE(built) << built.message();
}

TEST(FrontendModule, ModulesNestAndMove) {
  Graph g("t");
  nn::Sequential inner(nn::Linear(g, 2, 2), nn::Tanh());
  nn::Sequential outer;
  outer.add(std::move(inner));
  outer.add(Net(g)).fc2.bias().named("last_bias");
  outer.add(nn::Softplus());
  EXPECT_EQ(outer.size(), 3u);
  std::vector<std::string> expected = {
      "0.0.weight",        "0.0.bias",      "1.fc1.weight", "1.fc1.bias",
      "1.block.fc.weight", "1.block.scale", "1.fc2.weight", "1.fc2.bias"};
  EXPECT_EQ(names(outer), expected);
  // The node is renamed, the module's name for it stays positional.
  EXPECT_EQ(outer.parameters().back().name(), "last_bias");
  // Net's fc1 takes 4 features, not the 2 it is given: the error points at
  // the user's line inside Net::forward, not at library code.
  Tensor y = outer(g.input("x", f32({1, 2})));
  EXPECT_FALSE(y.valid());
  ASSERT_TRUE(g.failed());
  EXPECT_EQ(g.error()->loc.line, uint32_t(Net::kForwardLine));
}

TEST(FrontendModule, SequentialNamesByPositionAndTraces) {
  Graph g("t");
  Tensor x = g.input("x", f32({4, 3}));
  nn::Sequential model(nn::Linear(g, 3, 6), nn::LeakyReLU(0.1),
                       nn::Linear(g, 6, 6), nn::ELU(), nn::Linear(g, 6, 2),
                       nn::Sigmoid());
  EXPECT_EQ(names(model),
            (std::vector<std::string>{"0.weight", "0.bias", "2.weight",
                                      "2.bias", "4.weight", "4.bias"}));
  size_t leaves = g.irGraph().size();
  std::vector<Tensor> outs = model.trace(x);
  ASSERT_EQ(outs.size(), 6u);
  std::vector<ir::OpKind> ops = {ir::OpKind::Add, ir::OpKind::LeakyRelu,
                                 ir::OpKind::Add, ir::OpKind::Elu,
                                 ir::OpKind::Add, ir::OpKind::Sigmoid};
  for (size_t i = 0; i < outs.size(); ++i)
    EXPECT_EQ(outs[i].node()->op(), ops[i]) << i;
  EXPECT_EQ(outs[1].node()->attrs().getFloat("alpha"), 0.1);
  EXPECT_EQ(outs.back().type().str(), "f32[4, 2]");
  // forward builds the same chain again.
  size_t traced = g.irGraph().size();
  Tensor y = model(x);
  EXPECT_EQ(y.type().str(), "f32[4, 2]");
  EXPECT_EQ(g.irGraph().size() - traced, traced - leaves);
  EXPECT_FALSE(g.failed());
}

TEST(FrontendModule, DropoutIsOneNodeWithItsProbability) {
  Graph g("t");
  Tensor x = g.input("x", f32({4, 3}));
  nn::Dropout half, fifth(0.2);
  Tensor a = half(x), b = fifth(x), c = x.dropout(0.7);
  EXPECT_EQ(a.node()->op(), ir::OpKind::Dropout);
  EXPECT_EQ(a.node()->attrs().getFloat("p"), 0.5) << "PyTorch's default";
  EXPECT_EQ(b.node()->attrs().getFloat("p"), 0.2);
  EXPECT_EQ(c.node()->attrs().getFloat("p"), 0.7);
  EXPECT_EQ(c.type().str(), "f32[4, 3]");
  EXPECT_FALSE(g.failed());
  int line = __LINE__ + 1;
  Tensor bad = x.dropout(1.5);
  EXPECT_FALSE(bad.valid());
  ASSERT_TRUE(g.failed());
  EXPECT_EQ(g.error()->loc.line, uint32_t(line));
}

TEST(FrontendModule, ModuleWithoutForwardReportsWhenCalled) {
  struct Bare : nn::Module {};
  Graph g("t");
  Tensor x = g.input("x", f32({2}));
  Bare bare;
  int line = __LINE__ + 1;
  Tensor y = bare(x);
  EXPECT_FALSE(y.valid());
  ASSERT_TRUE(g.failed());
  EXPECT_EQ(g.error()->loc.line, uint32_t(line));
  EXPECT_NE(g.error()->message.find("forward"), std::string::npos);
}

TEST(FrontendModule, RegisteringTwiceUnderOneNameIsAnError) {
  struct Twice : nn::Module {
    Twice(Graph &g) : a(g, 2, 2), b(g, 2, 2) {
      registerModule("fc", a);
      registerModule("fc", b);
    }
    nn::Linear a, b;
  };
  Graph g("t");
  Twice twice(g);
  ASSERT_TRUE(g.failed());
  EXPECT_NE(g.error()->message.find("'fc.weight' is already used"),
            std::string::npos);
}

/// λ·Σ|w| and λ·Σw² evaluated by the interpreter on random parameters.
TEST(FrontendModule, PenaltiesComputeTheirFormulas) {
  Graph g("t");
  Tensor a = g.param("a", f64({3, 4}), init::zeros());
  Tensor b = g.param("b", f64({5}), init::zeros());
  Tensor l1 = nn::l1Penalty({a, b}, 0.3).named("l1");
  Tensor l2 = nn::l2Penalty({a, b}, 0.7).named("l2");
  EXPECT_EQ(l1.type().str(), "f64[]");
  g.returns({l1, l2});
  auto built = g.build();
  ASSERT_TRUE(built) << built.message();
  const ir::Graph &graph = **built;

  std::mt19937_64 rng(20240611);
  std::normal_distribution<double> normal(0.0, 1.5);
  ir::LeafValues leaves;
  double sumAbs = 0, sumSq = 0;
  for (ir::Node *p : graph.params()) {
    ir::HostTensor t(p->type());
    for (double &v : t.data) {
      v = normal(rng);
      sumAbs += std::abs(v);
      sumSq += v * v;
    }
    leaves[p] = std::move(t);
  }
  auto eval = ir::evaluate(graph, leaves);
  ASSERT_TRUE(eval) << eval.message();
  EXPECT_NEAR(eval->value(graph.results()[0]).data[0], 0.3 * sumAbs, 1e-12);
  EXPECT_NEAR(eval->value(graph.results()[1]).data[0], 0.7 * sumSq, 1e-12);
}

} // namespace
} // namespace voskhod
