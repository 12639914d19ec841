//===- tests/unit/cpu/ScheduleTableTest.cpp - the table-driven entry ------===//
///
/// Programs above CpuOptions::maxInlineKernels run their kernels from a
/// constant table through shared launch functions (KernelRenderer.h). Here
/// every program takes that path (maxInlineKernels = 0) and must train as
/// the interpreter does, give the same losses as the straight-line entry,
/// and stop at the faulting kernel under --check-numerics.
///
//===----------------------------------------------------------------------===//
#include "CpuTestUtil.h"

#include "runtime/ThreadPool.h"

namespace voskhod::cpu::test {
namespace {

CpuOptions tableOptions() {
  CpuOptions o;
  o.maxInlineKernels = 0;
  return o;
}

/// A residual MLP whose layers repeat (so launches are shared), a bias
/// broadcast, tanh, an Adam update (optimiser state in place) and a loss
/// mean over the batch (a reduction with a total).
const char *kDeep = R"(
graph @deep {
  %x  = input f32[6, 12]
  %y  = input i32[6]
  %w0 = param f32[12, 12] init = he_normal
  %w1 = param f32[12, 12] init = he_normal
  %w2 = param f32[12, 12] init = he_normal
  %w3 = param f32[12, 12] init = he_normal
  %b  = param f32[12] init = uniform(-0.1, 0.1)
  %wo = param f32[12, 5] init = xavier_uniform
  %h0 = add %x,  (relu (matmul %x,  %w0))
  %h1 = add %h0, (relu (matmul %h0, %w1))
  %h2 = add %h1, (relu (matmul %h1, %w2))
  %h3 = tanh (add (add %h2, (relu (matmul %h2, %w3))), %b)
  %lg = matmul %h3, %wo
  %loss = softmax_cross_entropy %lg, %y
  minimize %loss using adam {lr = 0.01, eps = 0.001}
  return %lg
}
)";

/// Squared error with an L1 penalty: scalar constants, abs, a scalar
/// reduction.
const char *kRegression = R"(
graph @regression {
  %x = input f32[9, 5]
  %t = input f32[9, 2]
  %w = param f32[5, 2] init = normal(0, 0.5)
  %b = param f32[2] init = constant(0.1)
  %p = add (matmul %x, %w), %b
  %loss = add (mse_loss %p, %t), (mul (reduce_sum (abs %w)), 0.05)
  minimize %loss using rmsprop {lr = 0.01, eps = 0.01}
  return %p
}
)";

/// A constant tensor read by two kernels: an argument from the table's
/// constants.
const char *kConstant = R"(
graph @scaled {
  %x = input f32[4, 3]
  %t = input f32[4, 3]
  %c = const f32[3] [0.5, -1.25, 2]
  %w = param f32[3, 3] init = normal(0, 0.5)
  %p = mul (matmul %x, %w), %c
  %loss = mse_loss %p, %t
  minimize %loss using sgd {lr = 0.1}
  return %p
}
)";

TEST(ScheduleTable, TrainsLikeTheInterpreter) {
  checkTraining(kDeep, 4, 1e-4, 7, tableOptions());
  checkTraining(kRegression, 4, 1e-4, 3, tableOptions());
  checkTraining(kConstant, 4, 1e-4, 5, tableOptions());
}

TEST(ScheduleTable, ForwardLikeTheInterpreter) {
  checkForward(kDeep, 1e-5, 5, tableOptions());
}

TEST(ScheduleTable, SameLossesAsTheStraightLineEntry) {
  auto table = checkTraining(kDeep, 3, 1e-4, 9, tableOptions());
  auto inlined = checkTraining(kDeep, 3, 1e-4, 9, CpuOptions{});
  ASSERT_EQ(table.size(), inlined.size());
  for (size_t i = 0; i < table.size(); ++i)
    EXPECT_EQ(table[i], inlined[i]) << "step " << i;
}

TEST(ScheduleTable, CheckNumericsStopsAtTheFaultingKernel) {
  const char *text = R"(
graph @nanny {
  %x = input f32[4, 3]
  %y = input i32[4]
  %w = param f32[3, 2] init = he_normal
  %h = log (sub %x, 10.0)
  %lg = matmul %h, %w
  %loss = softmax_cross_entropy %lg, %y
  minimize %loss using sgd {lr = 0.1}
  return %lg
}
)";
  auto g = parse(text);
  auto step = trainStep(*g);
  for (size_t limit : {size_t(0), size_t(256)}) {
    CpuOptions o;
    o.maxInlineKernels = limit;
    o.checkNumerics = true;
    auto exe = compileGraphs(step.get(), nullptr, o);
    ASSERT_TRUE(exe) << exe.status().message();
    (*exe)->initialize(1);
    for (auto &[node, value] : training::randomInputs(*step, 1, 0))
      put(**exe, node->name(), value);
    Status s = (*exe)->step();
    ASSERT_FALSE(s) << "limit " << limit;
    EXPECT_NE(s.message().find("log %h"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("wrote nan to %h[0]"), std::string::npos)
        << s.message();
  }
}

} // namespace
} // namespace voskhod::cpu::test
