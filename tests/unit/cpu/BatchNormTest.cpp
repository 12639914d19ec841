//===- tests/unit/cpu/BatchNormTest.cpp - batch norm on the CPU JIT -------===//
///
/// The training step of a graph with batch_norm (rank 2 and rank 4), run for
/// a few steps on the CPU JIT in f32 and in the float64 interpreter from the
/// same start: the loss, the params and the running statistics agree after
/// every step. Then the forward entry, compiled with the step as the driver
/// does (the evaluation form), agrees with the interpreter on the running
/// statistics the compiled steps left.
///
//===----------------------------------------------------------------------===//
#include "CpuTestUtil.h"

#include "compiler/training/Initialize.h"
#include "compiler/training/ModeSpecialization.h"

#include <gtest/gtest.h>

namespace voskhod::cpu {
namespace {

const char *kRank2 = R"(graph @bn2 {
  %x = input f32[16, 6]
  %t = input f32[16, 4]
  %w = param f32[6, 4] init = he_normal
  %gamma = param f32[4] init = uniform(0.5, 1.5)
  %beta = param f32[4] init = uniform(-0.5, 0.5)
  %running_mean = state f32[4] init = zeros
  %running_var = state f32[4] init = ones
  %h = batch_norm (matmul %x, %w), %gamma, %beta, %running_mean, %running_var {momentum = 0.2}
  %loss = mse_loss (tanh %h), %t
  minimize %loss using adam {lr = 0.01}
  return %h
}
)";

const char *kRank4 = R"(graph @bn4 {
  %x = input f32[4, 3, 5, 2]
  %t = input f32[4, 3, 5, 2]
  %w = param f32[4, 3, 5, 2] init = uniform(0.5, 1.5)
  %gamma = param f32[3] init = uniform(0.5, 1.5)
  %beta = param f32[3] init = uniform(-0.5, 0.5)
  %running_mean = state f32[3] init = zeros
  %running_var = state f32[3] init = ones
  %h = batch_norm (mul %x, %w), %gamma, %beta, %running_mean, %running_var {eps = 0.01}
  %loss = mse_loss (relu %h), %t
  minimize %loss using sgd {lr = 0.05, momentum = 0.9}
  return %h
}
)";

TEST(BatchNormCpu, TrainingStepsAgreeWithTheInterpreter) {
  for (const char *text : {kRank2, kRank4}) {
    std::vector<double> losses = test::checkTraining(text, 4, 1e-4, 13);
    EXPECT_EQ(losses.size(), 4u) << text;
  }
}

TEST(BatchNormCpu, ForwardEntryReadsTheUpdatedRunningStatistics) {
  for (const char *text : {kRank2, kRank4}) {
    auto g = test::parse(text);
    ASSERT_TRUE(g);
    auto step = test::trainStep(*g);
    ASSERT_TRUE(step);
    auto forward = g->clone();
    forward->minimize().reset();
    training::specializeForMode(*forward, training::Mode::Eval);
    auto exe = test::compileGraphs(step.get(), forward.get());
    ASSERT_TRUE(exe) << exe.message();
    for (auto &[node, value] : training::initialState(*step, 3))
      test::put(**exe, node->name(), value);
    for (uint64_t s = 0; s < 3; ++s) {
      for (auto &[node, value] : training::randomInputs(*step, 3, s))
        test::put(**exe, node->name(), value);
      ASSERT_TRUE((*exe)->step());
    }
    ir::LeafValues leaves = training::randomInputs(*forward, 4, 0);
    for (ir::Node *n : *forward)
      if (n->hasTrait(ir::OpTrait::Stateful))
        leaves[n] = ir::HostTensor(n->type(), test::get(**exe, n->name()));
    EXPECT_NE(leaves.at(forward->findByName("running_var")).data,
              std::vector<double>(
                  size_t(forward->findByName("running_var")->shape()[0]), 1.0))
        << "the steps updated the running variance";
    for (auto &[node, value] : leaves)
      if (node->is(ir::OpKind::Input))
        test::put(**exe, node->name(), value);
    ASSERT_TRUE((*exe)->forward());
    auto eval = ir::evaluate(*forward, leaves);
    ASSERT_TRUE(eval) << eval.message();
    const ir::Node *h = forward->results()[0];
    EXPECT_LE(test::maxError(test::get(**exe, test::resultName(h, 0)),
                             eval->value(h).data),
              1e-4)
        << text;
  }
}

} // namespace
} // namespace voskhod::cpu
