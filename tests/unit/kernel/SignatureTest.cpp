//===- tests/unit/kernel/SignatureTest.cpp - kernels that compute alike ---===//
///
/// Repeated layers give kernels of equal signature, so their number stops
/// growing with depth; anything that changes what a kernel computes (a
/// shape, a constant, an element type) changes its signature; an in-place
/// update passes its buffer once.
///
//===----------------------------------------------------------------------===//
#include "KernelTestUtil.h"

#include "compiler/kernel/KernelSignature.h"
#include "compiler/kernel/Lowering.h"

#include <set>

namespace voskhod::kernel::test {
namespace {

/// A residual MLP of `layers` equal layers, trained with momentum.
std::string deepModel(int layers) {
  std::ostringstream s;
  s << "graph @deep {\n  %x = input f32[4, 8]\n  %y = input i32[4]\n";
  std::string prev = "%x";
  for (int i = 0; i < layers; ++i) {
    s << "  %w" << i << " = param f32[8, 8] init = he_normal\n";
    s << "  %h" << i << " = add " << prev << ", (relu (matmul " << prev
      << ", %w" << i << "))\n";
    prev = "%h" + std::to_string(i);
  }
  s << "  %wo = param f32[8, 3] init = xavier_uniform\n"
    << "  %lg = matmul " << prev << ", %wo\n"
    << "  %loss = softmax_cross_entropy %lg, %y\n"
    << "  minimize %loss using sgd {lr = 0.1, momentum = 0.9}\n"
    << "  return %lg\n}\n";
  return s.str();
}

KernelProgram lowerStep(const std::string &text) {
  auto g = parse(text);
  auto step = trainStep(*g);
  auto p = lowerToKernels(*step);
  EXPECT_TRUE(p) << p.status().message();
  return p.take();
}

size_t distinctSignatures(const KernelProgram &p) {
  std::set<std::string> seen;
  for (const Kernel &k : p.kernels)
    seen.insert(kernelSignature(p, k));
  return seen.size();
}

TEST(KernelSignature, RepeatedLayersShareSignatures) {
  KernelProgram shallow = lowerStep(deepModel(12));
  KernelProgram deep = lowerStep(deepModel(36));
  EXPECT_GT(deep.kernels.size(), shallow.kernels.size() + 48);
  EXPECT_EQ(distinctSignatures(deep), distinctSignatures(shallow));
  EXPECT_LT(distinctSignatures(deep), deep.kernels.size() / 4);
}

TEST(KernelSignature, SignatureIsTheSameInAnotherProgram) {
  // The same layer, lowered in two graphs of other depths, at the same
  // depth from the end of the forward pass.
  KernelProgram a = lowerStep(deepModel(12));
  KernelProgram b = lowerStep(deepModel(13));
  std::set<std::string> inA;
  for (const Kernel &k : a.kernels)
    inA.insert(kernelSignature(a, k));
  for (const Kernel &k : b.kernels)
    EXPECT_TRUE(inA.count(kernelSignature(b, k))) << k.name;
}

/// The signature of the one kernel `text`'s forward graph lowers to.
std::string onlyKernel(const std::string &text) {
  auto g = parse(text);
  auto p = lowerToKernels(*g);
  EXPECT_TRUE(p) << p.status().message();
  EXPECT_EQ(p->kernels.size(), 1u);
  return kernelSignature(*p, p->kernels.front());
}

TEST(KernelSignature, WhatAKernelComputesChangesIt) {
  auto scaled = [](const std::string &type, const std::string &factor) {
    return "graph @g {\n  %a = input " + type + "\n  %r = mul %a, " + factor +
           "\n  return %r\n}\n";
  };
  std::string base = onlyKernel(scaled("f32[4, 5]", "2.0"));
  EXPECT_EQ(base, onlyKernel(scaled("f32[4, 5]", "2.0")));
  EXPECT_NE(base, onlyKernel(scaled("f32[4, 6]", "2.0")));
  EXPECT_NE(base, onlyKernel(scaled("f32[5, 4]", "2.0")));
  EXPECT_NE(base, onlyKernel(scaled("f32[4, 5]", "3.0")));
  EXPECT_NE(base, onlyKernel(scaled("f64[4, 5]", "2.0")));
}

TEST(KernelSignature, InPlaceUpdatePassesItsBufferOnce) {
  KernelProgram p = lowerStep(deepModel(2));
  bool sawUpdate = false;
  for (const Kernel &k : p.kernels) {
    std::vector<int> storages = kernelStorages(p, k);
    std::set<int> distinct(storages.begin(), storages.end());
    EXPECT_EQ(distinct.size(), storages.size()) << k.name;
    for (int w : k.writes)
      if (p.buffers[p.storageOf(w)].kind == BufferKind::Param) {
        sawUpdate = true;
        int reads = 0;
        for (int r : k.reads)
          reads += p.storageOf(r) == p.storageOf(w);
        EXPECT_GE(reads, 1) << k.name << " updates a param it does not read";
      }
  }
  EXPECT_TRUE(sawUpdate);
}

} // namespace
} // namespace voskhod::kernel::test
