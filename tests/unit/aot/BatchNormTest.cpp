//===- tests/unit/aot/BatchNormTest.cpp - batch norm, JIT and AOT ---------===//
///
/// A model with batch_norm trained for a few steps in the JIT and in the AOT
/// object from the same seed: the params and the running statistics (state
/// the training form updates) agree bit for bit after every step, and so do
/// the forward entries, which read the running statistics.
///
//===----------------------------------------------------------------------===//
#include "AotTestSupport.h"

namespace voskhod::aot::test {
namespace {

constexpr uint64_t kSeed = 99;

const char *kModel = R"(graph @bn {
  %w = param f32[6, 4, 3, 2] init = normal(0.5, 2)
  %gamma = param f32[4] init = uniform(0.5, 1.5)
  %beta = param f32[4] init = uniform(-0.5, 0.5)
  %running_mean = state f32[4] init = zeros
  %running_var = state f32[4] init = ones
  %h = batch_norm %w, %gamma, %beta, %running_mean, %running_var {momentum = 0.3}
  %loss = reduce_sum (sin %h)
  minimize %loss using sgd {lr = 0.05}
  return %h
}
)";

TEST(BatchNormAot, JitAndObjectAgreeBitForBit) {
  Model m = modelFromText(kModel, "bn.vg");
  ASSERT_TRUE(m.step && m.forward);
  std::unique_ptr<rt::Executable> jit = compileJit(m, kSeed, 1);
  auto lib = AotLibrary::build(m, "m", freshDirectory("batch-norm"));
  ASSERT_TRUE(lib);
  AotHandle h(*lib, "m", kSeed);
  std::vector<uint8_t> startVar = jitBytes(*jit, "running_var");
  for (int s = 0; s < 3; ++s) {
    ASSERT_TRUE(jit->step());
    h.trainStep({});
    for (const char *name : {"w", "gamma", "beta"})
      EXPECT_EQ(h.param(name), jitBytes(*jit, name))
          << name << " after step " << s;
  }
  EXPECT_NE(jitBytes(*jit, "running_var"), startVar) << "never updated";
  // The object's running statistics are not params; its forward entry reads
  // them, so equal outputs mean equal statistics.
  ASSERT_TRUE(jit->forward());
  std::vector<std::vector<uint8_t>> out;
  ASSERT_EQ(h.forward({}, out), Ok) << h.lastError();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], jitBytes(*jit, "h"));
}

} // namespace
} // namespace voskhod::aot::test
