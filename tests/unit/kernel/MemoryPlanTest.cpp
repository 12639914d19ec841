//===- tests/unit/kernel/MemoryPlanTest.cpp - arena placement -------------===//
#include "KernelTestUtil.h"

#include "compiler/kernel/Lowering.h"
#include "compiler/kernel/MemoryPlan.h"

namespace voskhod::kernel::test {
namespace {

/// No two placements share bytes while live; every arena buffer a kernel
/// touches is placed and live there; the peak is at most the sum.
void checkPlan(const KernelProgram &p) {
  const MemoryPlan &m = p.memory;
  for (size_t i = 0; i < m.placements.size(); ++i) {
    const Placement &a = m.placements[i];
    EXPECT_EQ(a.offset % MemoryPlan::kAlignment, 0);
    EXPECT_LE(a.offset + a.bytes, m.arenaBytes);
    for (size_t j = i + 1; j < m.placements.size(); ++j)
      EXPECT_FALSE(conflicts(a, m.placements[j]))
          << p.buffers[a.buffer].name << " and "
          << p.buffers[m.placements[j].buffer].name;
  }
  for (size_t k = 0; k < p.kernels.size(); ++k) {
    std::vector<int> touched = p.kernels[k].reads;
    touched.insert(touched.end(), p.kernels[k].writes.begin(),
                   p.kernels[k].writes.end());
    for (int b : touched) {
      int s = p.storageOf(b);
      BufferKind kind = p.buffers[s].kind;
      if (kind != BufferKind::Temp && kind != BufferKind::Scratch)
        continue;
      bool placed = false;
      for (const Placement &pl : m.placements)
        placed |= pl.buffer == s && pl.firstKernel <= int(k) &&
                  int(k) <= pl.lastKernel;
      EXPECT_TRUE(placed) << p.buffers[b].name << " in " << p.kernels[k].name;
    }
  }
  EXPECT_LE(m.arenaBytes, m.sumTempBytes);
}

TEST(MemoryPlan, ClassifierStep) {
  auto fwd = parse(kClassifier);
  ASSERT_TRUE(fwd);
  auto step = trainStep(*fwd);
  ASSERT_TRUE(step);
  auto p = lowerToKernels(*step);
  ASSERT_TRUE(p) << p.message();
  checkPlan(*p);
  EXPECT_LT(p->memory.arenaBytes, p->memory.sumTempBytes);
}

TEST(MemoryPlan, DeepChainReusesStorage) {
  // Each exp result is used twice, so each is stored; a chain of them only
  // ever needs two or three live at once.
  std::string text = "graph @chain {\n  %x = input f32[100]\n";
  std::string prev = "%x";
  for (int i = 0; i < 12; ++i) {
    std::string cur = "%e" + std::to_string(i);
    text += "  " + cur + " = exp (mul " + prev + ", " + prev + ")\n";
    prev = cur;
  }
  text += "  return " + prev + "\n}\n";
  auto g = parse(text);
  ASSERT_TRUE(g);
  auto p = lowerToKernels(*g);
  ASSERT_TRUE(p) << p.message();
  checkPlan(*p);
  EXPECT_LE(p->memory.arenaBytes, 3 * 448);
}

TEST(MemoryPlan, AdamStep) {
  auto fwd = parse(R"(
graph @mlp {
  %x  = input f32[16, 67]
  %y  = input i32[16]
  %w1 = param f32[67, 48] init = he_uniform
  %b1 = param f32[48]     init = zeros
  %w2 = param f32[48, 10] init = xavier_normal
  %b2 = param f32[10]     init = zeros
  %h1 = relu (add (matmul %x, %w1), %b1)
  %lg = add (matmul %h1, %w2), %b2
  %loss = softmax_cross_entropy %lg, %y
  minimize %loss using adam {lr = 0.01}
  return %lg
}
)");
  ASSERT_TRUE(fwd);
  auto step = trainStep(*fwd);
  ASSERT_TRUE(step);
  auto p = lowerToKernels(*step);
  ASSERT_TRUE(p) << p.message();
  checkPlan(*p);
}

} // namespace
} // namespace voskhod::kernel::test
