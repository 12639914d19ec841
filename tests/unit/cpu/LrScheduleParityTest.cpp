//===- tests/unit/cpu/LrScheduleParityTest.cpp - schedules match PyTorch --===//
///
/// Replays tests/data/lr_schedules/<case>.json, written in float64 by
/// bench/reference/lr_schedules.py: an 8 → 16 (tanh) → 4 MLP with MSE loss
/// trained 300 steps by torch.optim under a torch.optim.lr_scheduler
/// (warm-up + cosine, multi-step, step with clip_grad_norm_, one-cycle with
/// clip_grad_value_). The same minimize clause, initial values and batches
/// must give every step's loss and the final params to 1e-9 relative in the
/// float64 interpreter, and every loss to 1e-4 relative + 1e-6 absolute in
/// f32 on the LLVM CPU backend.
///
//===----------------------------------------------------------------------===//
#include "../training/TestGraphs.h"

#include "compiler/codegen/llvm/CpuBackend.h"
#include "compiler/passes/Pipeline.h"
#include "compiler/training/Initialize.h"
#include "compiler/training/InterpreterTrainer.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace voskhod {
namespace {
using nlohmann::json;
using training::testing::parse;
using training::testing::readFile;

const std::string kDataDir = VOSKHOD_SOURCE_DIR "/tests/data/lr_schedules";

json load(const std::string &name) {
  json run = json::parse(readFile(kDataDir + "/" + name + ".json"), nullptr,
                         /*allow_exceptions=*/false);
  EXPECT_FALSE(run.is_discarded()) << "bad json for " << name;
  return run;
}

/// The generator's model with its minimize clause, in `dtype`.
std::string model(const json &run, const std::string &dtype) {
  std::string d = dtype;
  return "graph @mlp {\n"
         "  %x = input " +
         d +
         "[4, 8]\n"
         "  %t = input " +
         d +
         "[4, 4]\n"
         "  %w1 = param " +
         d +
         "[8, 16] init = zeros\n"
         "  %b1 = param " +
         d +
         "[16] init = zeros\n"
         "  %w2 = param " +
         d +
         "[16, 4] init = zeros\n"
         "  %b2 = param " +
         d +
         "[4] init = zeros\n"
         "  %h = tanh (add (matmul %x, %w1), %b1)\n"
         "  %y = add (matmul %h, %w2), %b2\n"
         "  %loss = mse_loss %y, %t\n"
         "  minimize %loss " +
         run["minimize"].get<std::string>() +
         "\n"
         "  return %y\n"
         "}\n";
}

/// Rows (batch·step + i) mod rows of the data set `key` (row width `width`).
std::vector<double> batchOf(const json &run, const char *key, int width,
                            uint64_t step) {
  int rows = run["rows"].get<int>(), batch = run["batch"].get<int>();
  std::vector<double> out;
  for (int i = 0; i < batch; ++i) {
    int row = int((step * batch + i) % rows);
    for (int j = 0; j < width; ++j)
      out.push_back(run[key][row * width + j].get<double>());
  }
  return out;
}

class LrScheduleParity : public ::testing::TestWithParam<const char *> {};

TEST_P(LrScheduleParity, InterpreterMatchesPyTorch) {
  json run = load(GetParam());
  auto forward = parse(model(run, "f64"));
  ASSERT_TRUE(forward);
  auto step = training::testing::trainStep(*forward);
  ASSERT_TRUE(step);
  ir::LeafValues state = training::initialState(*step, 0);
  for (ir::Node *p : step->params()) {
    const json &values = run["initial"][p->name()];
    ASSERT_EQ(values.size(), state[p].data.size()) << p->name();
    for (size_t i = 0; i < values.size(); ++i)
      state[p].data[i] = values[i].get<double>();
  }
  training::InterpreterTrainer trainer(*step, std::move(state));
  const json &losses = run["losses"];
  for (uint64_t t = 0; t < losses.size(); ++t) {
    ir::LeafValues batch;
    for (ir::Node *in : step->inputs()) {
      ir::HostTensor v(in->type());
      v.data = batchOf(run, in->name().c_str(), in->name() == "x" ? 8 : 4, t);
      batch.emplace(in, std::move(v));
    }
    Expected<double> loss = trainer.runStep(batch);
    ASSERT_TRUE(loss) << loss.message();
    double want = losses[t].get<double>();
    ASSERT_LE(std::abs(*loss - want), 1e-9 * std::abs(want))
        << GetParam() << " step " << t << ": voskhod " << *loss << ", PyTorch "
        << want;
  }
  for (ir::Node *p : step->params()) {
    const json &want = run["final"][p->name()];
    const std::vector<double> &got = trainer.state().at(p).data;
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i)
      EXPECT_LE(std::abs(got[i] - want[i].get<double>()),
                1e-9 * std::abs(want[i].get<double>()) + 1e-12)
          << p->name() << "[" << i << "]";
  }
}

/// Copies float64 values into an f32 tensor of the executable.
void fill(rt::Executable &exe, const std::string &name,
          const std::vector<double> &values) {
  ASSERT_GE(exe.find(name), 0) << name;
  auto *data = static_cast<float *>(exe.data(name));
  for (size_t i = 0; i < values.size(); ++i)
    data[i] = float(values[i]);
}

TEST_P(LrScheduleParity, CpuF32TracksPyTorch) {
  json run = load(GetParam());
  auto forward = parse(model(run, "f32"));
  ASSERT_TRUE(forward);
  auto step = training::testing::trainStep(*forward);
  ASSERT_TRUE(step);
  ir::DiagnosticEngine diags;
  ASSERT_TRUE(passes::runSimplifyPipeline(*step, diags));
  auto program = kernel::lowerModel(step.get(), nullptr);
  ASSERT_TRUE(program) << program.message();
  auto exe = cpu::compileForCpu(*program);
  ASSERT_TRUE(exe) << exe.message();
  (*exe)->initialize(0);
  for (const ir::Node *p : step->params())
    fill(**exe, p->name(),
         run["initial"][p->name()].get<std::vector<double>>());
  const json &losses = run["losses"];
  for (uint64_t t = 0; t < losses.size(); ++t) {
    fill(**exe, "x", batchOf(run, "x", 8, t));
    fill(**exe, "t", batchOf(run, "t", 4, t));
    ASSERT_TRUE((*exe)->step());
    auto loss = (*exe)->loss();
    ASSERT_TRUE(loss) << loss.message();
    double want = losses[t].get<double>();
    EXPECT_LE(std::abs(*loss - want), 1e-4 * std::abs(want) + 1e-6)
        << GetParam() << " step " << t << ": voskhod f32 " << *loss
        << ", PyTorch f64 " << want;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LrScheduleParity,
    ::testing::Values("adamw_warmup_cosine", "sgd_multistep",
                      "sgd_clip_norm_step", "adam_clip_value_one_cycle"),
    [](const ::testing::TestParamInfo<const char *> &info) {
      return std::string(info.param);
    });

} // namespace
} // namespace voskhod
