//===- tests/unit/training/ModeSpecializationTest.cpp - train and eval ----===//
///
/// The training step lowers every mode-dependent op to its training form
/// (dropout to dropout_train on the step counter and the run's seed), the
/// forward entry to its evaluation form (dropout to nothing), and masks are
/// keyed by the node's name, so unrelated edits leave them as they were.
///
//===----------------------------------------------------------------------===//
#include "TestGraphs.h"

#include "compiler/interpreter/Interpreter.h"
#include "compiler/training/Initialize.h"
#include "compiler/training/ModeSpecialization.h"
#include "compiler/training/OptimizerSlots.h"

#include <cmath>

namespace voskhod::training {
namespace {
using namespace ir;

const char *kTwoDropouts = R"(graph @mlp {
  %x = input f32[16, 8]
  %y = input i32[16]
  %w1 = param f32[8, 32] init = he_normal
  %w2 = param f32[32, 4] init = xavier_uniform
  %h = dropout (relu (matmul %x, %w1)) {p = 0.3}
  %g = dropout %h
  %loss = softmax_cross_entropy (matmul %g, %w2), %y
  minimize %loss using sgd {lr = 0.1}
  return %g
}
)";

std::vector<const Node *> nodesOf(const Graph &g, OpKind op) {
  std::vector<const Node *> out;
  for (const Node *n : g)
    if (n->is(op))
      out.push_back(n);
  return out;
}

TEST(ModeSpecialization, TrainStepDropsWithTheCounterAndTheSeed) {
  auto forward = testing::parse(kTwoDropouts);
  ASSERT_TRUE(forward);
  auto step = testing::trainStep(*forward);
  ASSERT_TRUE(step);
  EXPECT_TRUE(nodesOf(*step, OpKind::Dropout).empty());
  // Two forward nodes and their two gradients.
  std::vector<const Node *> drops = nodesOf(*step, OpKind::DropoutTrain);
  ASSERT_EQ(drops.size(), 4u);
  const Node *seed = step->findByName(std::string(kDropoutSeedName));
  ASSERT_TRUE(seed && seed->is(OpKind::State));
  EXPECT_EQ(seed->dtype(), DType::I32);
  const Node *counter = step->findByName(std::string(kStepCounterName));
  ASSERT_TRUE(counter);
  for (const Node *d : drops) {
    EXPECT_EQ(d->operand(1)->operand(0), counter);
    EXPECT_EQ(d->operand(2)->operand(0), seed);
  }
  const Node *h = step->findByName("h"), *g = step->findByName("g");
  ASSERT_TRUE(h && g && h->is(OpKind::DropoutTrain) &&
              g->is(OpKind::DropoutTrain));
  EXPECT_EQ(h->attrs().getInt("key"), int64_t(dropoutKey("h")));
  EXPECT_EQ(g->attrs().getInt("key"), int64_t(dropoutKey("g")));
  EXPECT_NE(dropoutKey("h"), dropoutKey("g"));
  EXPECT_EQ(h->attrs().getFloat("p"), 0.3);
  EXPECT_EQ(g->attrs().getFloat("p"), 0.5);
}

TEST(ModeSpecialization, KeysIgnoreUnrelatedNodes) {
  std::string edited = kTwoDropouts;
  edited.replace(edited.find("  %h ="), 0,
                 "  %unrelated = tanh (matmul %x, %w1)\n");
  edited.replace(edited.find("return %g"), 9, "return %g, %unrelated");
  auto a = testing::parse(kTwoDropouts), b = testing::parse(edited);
  ASSERT_TRUE(a && b);
  auto sa = testing::trainStep(*a), sb = testing::trainStep(*b);
  ASSERT_TRUE(sa && sb);
  for (const char *name : {"h", "g"})
    EXPECT_EQ(sa->findByName(name)->attrs().getInt("key"),
              sb->findByName(name)->attrs().getInt("key"))
        << name;
}

TEST(ModeSpecialization, EvalIsTheGraphWithoutDropout) {
  auto forward = testing::parse(kTwoDropouts);
  auto without = testing::parse(R"(graph @mlp {
  %x = input f32[16, 8]
  %y = input i32[16]
  %w1 = param f32[8, 32] init = he_normal
  %w2 = param f32[32, 4] init = xavier_uniform
  %g = relu (matmul %x, %w1)
  return %g
}
)");
  ASSERT_TRUE(forward && without);
  forward->minimize().reset();
  EXPECT_TRUE(specializeForMode(*forward, Mode::Eval));
  for (const Node *n : *forward)
    EXPECT_FALSE(n->hasTrait(OpTrait::ModeDependent));
  EXPECT_FALSE(specializeForMode(*forward, Mode::Eval)) << "nothing left";
  for (uint64_t seed : {3u, 4u}) {
    LeafValues a = initialLeafValues(*forward, seed);
    LeafValues b = initialLeafValues(*without, seed);
    auto ra = evaluate(*forward, a), rb = evaluate(*without, b);
    ASSERT_TRUE(ra && rb);
    EXPECT_EQ(ra->value(forward->results()[0]).data,
              rb->value(without->results()[0]).data);
  }
}

TEST(ModeSpecialization, SeedIsDrawnFromTheRunSeedAsAnInteger) {
  auto forward = testing::parse(kTwoDropouts);
  auto step = testing::trainStep(*forward);
  ASSERT_TRUE(step);
  const Node *seed = step->findByName(std::string(kDropoutSeedName));
  LeafValues a = initialState(*step, 1), b = initialState(*step, 2);
  double va = a.at(seed).data[0], vb = b.at(seed).data[0];
  EXPECT_NE(va, vb);
  for (double v : {va, vb}) {
    EXPECT_EQ(v, std::trunc(v));
    EXPECT_GE(v, 0);
    EXPECT_LT(v, 2147483648.0);
  }
}

TEST(ModeSpecialization, ReservedSeedNameIsRefused) {
  std::string clash = kTwoDropouts;
  clash.replace(clash.find("  %h ="), 0,
                "  %dropout.seed = tanh (matmul %x, %w1)\n");
  auto forward = testing::parse(clash);
  ASSERT_TRUE(forward);
  DiagnosticEngine diags;
  EXPECT_FALSE(buildTrainStep(*forward, diags));
  EXPECT_TRUE(diags.hasErrors());
}

} // namespace
} // namespace voskhod::training
