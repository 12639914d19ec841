//===- tests/unit/cpu/TransformerParityTest.cpp - a block against PyTorch -===//
///
/// The transformer block of tests/data/transformer/block.vg (embeddings,
/// layer norm, causal two-head attention through batched matmuls, a GELU
/// MLP, cross entropy at every position) trained with AdamW for 50 steps
/// from PyTorch's initial values on PyTorch's token batches, against the
/// losses and final parameters PyTorch 2.x computed in float64 (block.json,
/// written by bench/reference/transformer.py): the interpreter in float64
/// to 1e-9 relative, the CPU backend in float32 to 1e-4 relative plus 1e-6
/// absolute.
///
//===----------------------------------------------------------------------===//
#include "CpuTestUtil.h"
#include "TorchReference.h"

#include "compiler/training/Initialize.h"
#include "compiler/training/ModeSpecialization.h"

namespace voskhod::cpu::test {
namespace {

using nlohmann::json;

const json &reference() {
  static const json ref = json::parse(
      readText(VOSKHOD_SOURCE_DIR "/tests/data/transformer/block.json"));
  return ref;
}

std::string modelText(const char *dtype) {
  std::string text =
      readText(VOSKHOD_SOURCE_DIR "/tests/data/transformer/block.vg");
  for (size_t p = 0; (p = text.find("f64[", p)) != std::string::npos; p += 3)
    text.replace(p, 3, dtype);
  return text;
}

/// The step's initial leaves with PyTorch's parameters.
ir::LeafValues startingValues(const ir::Graph &step) {
  ir::LeafValues leaves = training::initialState(step, 1);
  for (auto &[name, v] : reference()["init"].items()) {
    const ir::Node *n = step.findByName(name);
    EXPECT_NE(n, nullptr) << name;
    if (n)
      leaves[n] = ir::HostTensor(n->type(), values(v));
  }
  return leaves;
}

void setBatch(const ir::Graph &g, ir::LeafValues &leaves, const json &batch) {
  for (const char *name : {"x", "y"}) {
    const ir::Node *n = g.findByName(name);
    leaves[n] = ir::HostTensor(n->type(), values(batch[name]));
  }
}

TEST(TransformerParity, InterpreterMatchesTorchInFloat64) {
  auto forward = parse(modelText("f64"));
  ASSERT_TRUE(forward);
  auto step = trainStep(*forward);
  ASSERT_TRUE(step);
  ir::LeafValues leaves = startingValues(*step);
  const json &steps = reference()["steps"];
  std::vector<double> losses = values(reference()["losses"]);
  ASSERT_EQ(steps.size(), losses.size());
  for (size_t s = 0; s < steps.size(); ++s) {
    setBatch(*step, leaves, steps[s]);
    auto eval = ir::evaluate(*step, leaves);
    ASSERT_TRUE(eval) << eval.message();
    expectClose({eval->value(step->results()[0]).data[0]}, {losses[s]}, 1e-9, 0,
                "loss at step " + std::to_string(s));
    leaves = ir::nextLeafValues(*step, *eval, leaves);
  }
  for (auto &[name, v] : reference()["final"].items())
    expectClose(leaves.at(step->findByName(name)).data, values(v), 1e-8, 1e-12,
                "final " + name);
}

TEST(TransformerParity, CpuMatchesTorchInFloat32) {
  constexpr double kRel = 1e-4, kAbs = 1e-6;
  std::string text = modelText("f32");
  auto forward = parse(text), lowered = parse(text);
  ASSERT_TRUE(forward && lowered);
  auto step = trainStep(*forward);
  ASSERT_TRUE(step);
  // The forward entry lowers the graph's composites as the step does.
  training::specializeForMode(*lowered, training::Mode::Eval);
  auto exe = compileGraphs(step.get(), lowered.get());
  ASSERT_TRUE(exe) << exe.message();
  for (auto &[node, value] : startingValues(*step))
    put(**exe, node->name(), value);
  const json &steps = reference()["steps"];
  std::vector<double> losses = values(reference()["losses"]);
  for (size_t s = 0; s < steps.size(); ++s) {
    ir::LeafValues batch;
    setBatch(*step, batch, steps[s]);
    for (auto &[node, value] : batch)
      put(**exe, node->name(), value);
    Status ran = (*exe)->step();
    ASSERT_TRUE(ran) << ran.message();
    auto loss = (*exe)->loss();
    ASSERT_TRUE(loss) << loss.message();
    expectClose({*loss}, {losses[s]}, kRel, kAbs,
                "loss at step " + std::to_string(s));
  }
}

} // namespace
} // namespace voskhod::cpu::test
