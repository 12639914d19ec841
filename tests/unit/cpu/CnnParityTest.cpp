//===- tests/unit/cpu/CnnParityTest.cpp - a small CNN against PyTorch -----===//
///
/// The CNN of tests/data/cnn/small_cnn.vg (conv, batch norm, ReLU and max
/// pool twice, then a linear layer and cross entropy) trained for 50 steps
/// from PyTorch's initial values on PyTorch's batches, with SGD + momentum
/// and with Adam, against the losses, eval-mode logits and running
/// statistics PyTorch 2.x computed in float64 (small_cnn.json, written by
/// bench/reference/cnn.py): the interpreter in float64 to 1e-9 relative, the
/// CPU backend in float32 to 1e-4 relative plus 1e-6 absolute. Training
/// mode is the step (batch statistics); evaluation mode is the forward entry
/// on the running statistics after steps 1, 10 and 50.
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
      readText(VOSKHOD_SOURCE_DIR "/tests/data/cnn/small_cnn.json"));
  return ref;
}

/// The model's text for one run: its minimize clause, in `dtype`.
std::string modelText(const json &run, const char *dtype) {
  std::string text =
      readText(VOSKHOD_SOURCE_DIR "/tests/data/cnn/small_cnn.vg");
  const std::string sgd =
      "minimize %loss using sgd {lr = 0.05, momentum = 0.9}";
  size_t at = text.find(sgd);
  EXPECT_NE(at, std::string::npos);
  text.replace(at, sgd.size(), run["minimize"].get<std::string>());
  for (size_t p = 0; (p = text.find("f64[", p)) != std::string::npos; p += 3)
    text.replace(p, 3, dtype);
  return text;
}

/// The step's initial leaves with PyTorch's params and running statistics.
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
  const ir::Node *x = g.findByName("x"), *y = g.findByName("y");
  leaves[x] = ir::HostTensor(x->type(), values(batch["x"]));
  leaves[y] = ir::HostTensor(y->type(), values(batch["labels"]));
}

class CnnParity : public ::testing::TestWithParam<int> {
protected:
  const json &run() const { return reference()["runs"][size_t(GetParam())]; }
  /// The evaluation checkpoint after `steps` steps, or null.
  const json *evalAfter(int steps) const {
    for (const json &e : run()["eval"])
      if (e["after_step"].get<int>() == steps)
        return &e;
    return nullptr;
  }
};

TEST_P(CnnParity, InterpreterMatchesTorchInFloat64) {
  constexpr double kRel = 1e-9;
  auto forward = parse(modelText(run(), "f64"));
  ASSERT_TRUE(forward);
  auto step = trainStep(*forward);
  ASSERT_TRUE(step);
  ir::LeafValues leaves = startingValues(*step);
  const json &steps = reference()["steps"];
  std::vector<double> losses = values(run()["losses"]);
  ASSERT_EQ(steps.size(), losses.size());
  for (size_t s = 0; s < steps.size(); ++s) {
    setBatch(*step, leaves, steps[s]);
    auto eval = ir::evaluate(*step, leaves);
    ASSERT_TRUE(eval) << eval.message();
    expectClose({eval->value(step->results()[0]).data[0]}, {losses[s]}, kRel, 0,
                "loss at step " + std::to_string(s));
    leaves = ir::nextLeafValues(*step, *eval, leaves);
    if (const json *e = evalAfter(int(s) + 1)) {
      // The forward graph as written: batch norm's evaluation form.
      ir::LeafValues fl;
      for (const ir::Node *n : *forward)
        if (n->is(ir::OpKind::Param) || n->is(ir::OpKind::State))
          fl[n] = leaves.at(step->findByName(n->name()));
      fl[forward->findByName("x")] = ir::HostTensor(
          forward->findByName("x")->type(), values(reference()["x_eval"]));
      fl[forward->findByName("y")] = ir::HostTensor(
          forward->findByName("y")->type(), values(steps[0]["labels"]));
      auto fe = ir::evaluate(*forward, fl);
      ASSERT_TRUE(fe) << fe.message();
      std::string when = " after step " + std::to_string(s + 1);
      expectClose(fe->value(forward->results()[0]).data, values((*e)["logits"]),
                  kRel, 0, "eval logits" + when);
      for (const char *stat : {"rm1", "rv1", "rm2", "rv2"})
        expectClose(leaves.at(step->findByName(stat)).data, values((*e)[stat]),
                    kRel, 0, std::string(stat) + when);
    }
  }
  for (auto &[name, v] : run()["final_params"].items())
    expectClose(leaves.at(step->findByName(name)).data, values(v), 1e-8, 1e-12,
                "final " + name);
}

TEST_P(CnnParity, CpuMatchesTorchInFloat32) {
  constexpr double kRel = 1e-4, kAbs = 1e-6;
  std::string text = modelText(run(), "f32");
  auto forward = parse(text), lowered = parse(text);
  ASSERT_TRUE(forward && lowered);
  auto step = trainStep(*forward);
  ASSERT_TRUE(step);
  training::specializeForMode(*lowered, training::Mode::Eval);
  auto exe = compileGraphs(step.get(), lowered.get());
  ASSERT_TRUE(exe) << exe.message();
  for (auto &[node, value] : startingValues(*step))
    put(**exe, node->name(), value);
  const json &steps = reference()["steps"];
  std::vector<double> losses = values(run()["losses"]);
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
    if (const json *e = evalAfter(int(s) + 1)) {
      put(**exe, "x",
          ir::HostTensor(step->findByName("x")->type(),
                         values(reference()["x_eval"])));
      Status fwd = (*exe)->forward();
      ASSERT_TRUE(fwd) << fwd.message();
      std::string when = " after step " + std::to_string(s + 1);
      expectClose(get(**exe, "logits"), values((*e)["logits"]), kRel, kAbs,
                  "eval logits" + when);
      for (const char *stat : {"rm1", "rv1", "rm2", "rv2"})
        expectClose(get(**exe, stat), values((*e)[stat]), kRel, kAbs,
                    std::string(stat) + when);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Runs, CnnParity, ::testing::Values(0, 1), [](const auto &info) {
      return reference()["runs"][size_t(info.param)]["optimizer"]
          .get<std::string>();
    });

} // namespace
} // namespace voskhod::cpu::test
