//===- tests/unit/kernel/ScaleTest.cpp - a deep graph through the planner -===//
///
/// A deep residual MLP (bench/compile/make_graph.py's model, trained with
/// Adam, whose three updates per param give the planner the most merging
/// to do) of about 20k forward nodes goes through the training step, the
/// simplifier, fusion, lowering and the memory plan. Quadratic work in any of
/// them would make this test take minutes; rather than time it, the test checks
/// the work the fusion planner counts and the structure of what comes out.
///
//===----------------------------------------------------------------------===//
#include "KernelTestUtil.h"

#include "compiler/ir/Verifier.h"
#include "compiler/kernel/FusionPlanner.h"
#include "compiler/kernel/Lowering.h"
#include "compiler/passes/Pipeline.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <string>

namespace voskhod::kernel::test {
namespace {

/// make_graph.py LAYERS with `optimizer`: four forward nodes per layer.
std::string deepResidualMlp(int layers, const std::string &optimizer) {
  std::string text = "graph @deep {\n  %x = input f32[8, 16]\n"
                     "  %y = input i32[8]\n";
  std::string prev = "%x";
  for (int i = 0; i < layers; ++i) {
    std::string w = "%w" + std::to_string(i), h = "%h" + std::to_string(i);
    text += "  " + w + " = param f32[16, 16] init = he_normal\n";
    text += "  " + h + " = add " + prev + ", (relu (matmul " + prev + ", " + w +
            "))\n";
    prev = h;
  }
  text += "  %wo = param f32[16, 4] init = xavier_uniform\n";
  text += "  %lg = matmul " + prev + ", %wo\n";
  text += "  %loss = softmax_cross_entropy %lg, %y\n";
  text += "  minimize %loss using " + optimizer + "\n";
  text += "  return %lg\n}\n";
  return text;
}

TEST(Scale, DeepTrainingStepPlansInNearLinearWork) {
  constexpr int kLayers = 5000;
  auto fwd = parse(deepResidualMlp(kLayers, "adam {lr = 0.001}"));
  ASSERT_TRUE(fwd);
  ASSERT_GE(fwd->size(), size_t(4 * kLayers));
  auto step = trainStep(*fwd);
  ASSERT_TRUE(step);
  ir::DiagnosticEngine diags;
  ASSERT_TRUE(passes::runSimplifyPipeline(*step, diags));
  ASSERT_TRUE(ir::verify(*step, diags));
  EXPECT_EQ(step->params().size(), size_t(kLayers + 1));
  // Every param and its two moments, and the step counter.
  EXPECT_EQ(step->updates().size(), size_t(3 * (kLayers + 1) + 1));

  std::vector<const ir::Node *> roots(step->results().begin(),
                                      step->results().end());
  for (const ir::Update &u : step->updates())
    roots.push_back(u.value);
  FusionPlan plan = planFusion(*step, roots);
  ASSERT_FALSE(plan.groups.empty());
  // Each merge's searches visit a few groups near the two being merged,
  // not every group before them.
  EXPECT_LE(plan.mergeSearchSteps, int64_t(8 * step->size()))
      << "the merge step's searches grow faster than the graph";
  for (size_t i = 0; i < plan.deps.size(); ++i)
    for (int d : plan.deps[i])
      ASSERT_LT(d, int(plan.groups.size()));

  auto program = lowerToKernels(*step);
  ASSERT_TRUE(program) << program.message();
  const KernelProgram &p = *program;
  ASSERT_FALSE(p.kernels.empty());
  // Every param is updated: in place, or by a copy.
  size_t params = 0;
  for (const Buffer &b : p.buffers)
    params += b.kind == BufferKind::Param;
  EXPECT_EQ(params, size_t(kLayers + 1));

  // The placements, swept in order of first use, never share bytes with a
  // placement still live (checked against the live set, not all pairs).
  const MemoryPlan &m = p.memory;
  std::vector<const Placement *> order;
  for (const Placement &pl : m.placements)
    order.push_back(&pl);
  std::sort(order.begin(), order.end(),
            [](const Placement *a, const Placement *b) {
              return a->firstKernel < b->firstKernel;
            });
  std::multimap<int, const Placement *> live; // by last kernel
  std::map<int64_t, int64_t> bytesInUse;      // offset -> end
  for (const Placement *pl : order) {
    while (!live.empty() && live.begin()->first < pl->firstKernel) {
      bytesInUse.erase(live.begin()->second->offset);
      live.erase(live.begin());
    }
    EXPECT_LE(pl->offset + pl->bytes, m.arenaBytes);
    auto next = bytesInUse.lower_bound(pl->offset);
    if (next != bytesInUse.end()) {
      EXPECT_LE(pl->offset + pl->bytes, next->first)
          << p.buffers[pl->buffer].name;
    }
    if (next != bytesInUse.begin()) {
      EXPECT_LE(std::prev(next)->second, pl->offset)
          << p.buffers[pl->buffer].name;
    }
    bytesInUse.emplace(pl->offset, pl->offset + pl->bytes);
    live.emplace(pl->lastKernel, pl);
  }
  EXPECT_LE(m.arenaBytes, m.sumTempBytes);
}

} // namespace
} // namespace voskhod::kernel::test
