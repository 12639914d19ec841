//===- tests/unit/kernel/FusionTest.cpp - fusion decisions ----------------===//
#include "KernelTestUtil.h"

#include "compiler/kernel/KernelPrinter.h"
#include "compiler/kernel/Lowering.h"

#include <algorithm>

namespace voskhod::kernel::test {
namespace {

KernelProgram lower(const ir::Graph &g) {
  auto p = lowerToKernels(g);
  EXPECT_TRUE(p) << p.message();
  return p ? p.take() : KernelProgram{};
}

int bufferNamed(const KernelProgram &p, const std::string &name) {
  for (const Buffer &b : p.buffers)
    if (b.name == name)
      return b.id;
  ADD_FAILURE() << "no buffer " << name;
  return -1;
}

/// Kernels writing the storage of buffer `name`.
std::vector<const Kernel *> writersOf(const KernelProgram &p,
                                      const std::string &name) {
  int id = bufferNamed(p, name);
  std::vector<const Kernel *> out;
  for (const Kernel &k : p.kernels)
    for (int w : k.writes)
      if (id >= 0 && p.storageOf(w) == p.storageOf(id)) {
        out.push_back(&k);
        break;
      }
  return out;
}

bool fuses(const Kernel &k, const std::string &op) {
  return std::any_of(k.fused.begin(), k.fused.end(),
                     [&](const FusedOp &f) { return f.op == op; });
}

TEST(Fusion, ClassifierStepUpdatesInPlaceInsideProducts) {
  auto fwd = parse(kClassifier);
  ASSERT_TRUE(fwd);
  auto step = trainStep(*fwd);
  ASSERT_TRUE(step);
  KernelProgram p = lower(*step);
  for (const char *param : {"w1", "w2", "w3", "b1", "b2", "b3"}) {
    auto writers = writersOf(p, param);
    ASSERT_EQ(writers.size(), 1u) << param;
    // The update is the epilogue of the kernel computing the gradient.
    EXPECT_NE(writers[0]->kind, KernelKind::Loop) << param;
    EXPECT_TRUE(fuses(*writers[0], "sub")) << param;
  }
  for (const Buffer &b : p.buffers)
    if (b.kind == BufferKind::Temp && b.name.find(".next") != std::string::npos)
      EXPECT_GE(b.aliasOf, 0) << b.name << " is not written in place";
  // The forward layer's bias add and ReLU ride on the next product's
  // prologue: no loop kernel materialises h1.
  for (const Kernel &k : p.kernels)
    EXPECT_FALSE(k.kind == KernelKind::Loop && fuses(k, "relu"));
}

TEST(Fusion, AdamUpdateIsOneLoopKernel) {
  auto fwd = parse(R"(
graph @g {
  %x = input f32[8, 5]
  %w = param f32[5] init = normal(0, 1)
  %loss = reduce_mean (square (mul %x, %w))
  minimize %loss using adam {lr = 0.01}
  return %loss
}
)");
  ASSERT_TRUE(fwd);
  auto step = trainStep(*fwd);
  ASSERT_TRUE(step);
  KernelProgram p = lower(*step);
  auto w = writersOf(p, "w");
  auto m = writersOf(p, "w.exp_avg");
  auto v = writersOf(p, "w.exp_avg_sq");
  ASSERT_EQ(w.size(), 1u);
  ASSERT_EQ(m.size(), 1u);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(w[0], m[0]);
  EXPECT_EQ(w[0], v[0]);
  // All three in place: no copies.
  for (const Kernel &k : p.kernels)
    EXPECT_FALSE(k.fused.size() == 1 && k.fused[0].op == "copy") << k.name;
}

TEST(Fusion, ExpensiveProducerIsNotRecomputed) {
  auto g = parse(R"(
graph @g {
  %x = input f32[64]
  %e = exp (log (add (abs %x), 1))
  %r = add (broadcast %e {shape = [32, 64]}), 1
  %s = mul %e, 2
  return %r, %s
}
)");
  ASSERT_TRUE(g);
  KernelProgram p = lower(*g);
  int exps = 0;
  for (const Kernel &k : p.kernels)
    exps += fuses(k, "exp");
  EXPECT_EQ(exps, 1);
  // A cheap producer is recomputed instead of stored.
  auto h = parse(R"(
graph @h {
  %x = input f32[64]
  %e = neg %x
  %r = add (broadcast %e {shape = [32, 64]}), 1
  %s = mul %e, 2
  return %r, %s
}
)");
  ASSERT_TRUE(h);
  KernelProgram q = lower(*h);
  int negs = 0;
  for (const Kernel &k : q.kernels)
    negs += fuses(k, "neg");
  EXPECT_EQ(negs, 2);
}

TEST(Fusion, SoftmaxIsOneReductionKernel) {
  auto g = parse(R"(
graph @g {
  %x = input f32[4, 7]
  %r = softmax (mul %x, 2)
  return %r
}
)");
  ASSERT_TRUE(g);
  KernelProgram p = lower(*g);
  ASSERT_EQ(p.kernels.size(), 1u);
  EXPECT_EQ(p.kernels[0].kind, KernelKind::Reduction);
  ASSERT_EQ(p.kernels[0].phases.size(), 3u);
  EXPECT_EQ(p.kernels[0].phases[0].kind, PhaseKind::Fold);
  EXPECT_EQ(p.kernels[0].phases[0].combine, ScalarOp::Max);
  EXPECT_EQ(p.kernels[0].phases[2].kind, PhaseKind::Map);
}

TEST(Fusion, TransposesAreStrides) {
  auto g = parse(R"(
graph @g {
  %a = input f32[6, 4]
  %b = input f32[6, 5]
  %r = matmul (transpose %a), %b
  %s = add (transpose %r), 1
  return %s
}
)");
  ASSERT_TRUE(g);
  KernelProgram p = lower(*g);
  // The transposes fold into how the product and the loop read: no copy.
  ASSERT_EQ(p.kernels.size(), 2u);
  EXPECT_EQ(p.kernels[0].kind, KernelKind::Contraction);
  ASSERT_EQ(p.kernels[0].a.accesses.size(), 1u);
  EXPECT_EQ(p.kernels[0].a.accesses[0].strides, (std::vector<int64_t>{1, 4}));
  ASSERT_EQ(p.kernels[1].body.accesses.size(), 1u);
  EXPECT_EQ(p.kernels[1].body.accesses[0].strides,
            (std::vector<int64_t>{1, 5}));
}

TEST(Fusion, Deterministic) {
  auto fwd = parse(kClassifier);
  ASSERT_TRUE(fwd);
  auto step = trainStep(*fwd);
  ASSERT_TRUE(step);
  std::string a = printKernels(lower(*step));
  std::string b = printKernels(lower(*step));
  EXPECT_EQ(a, b);
  EXPECT_NE(a.find("contraction"), std::string::npos);
}

} // namespace
} // namespace voskhod::kernel::test
