//===- tests/unit/cpu/ParityTest.cpp - compiled f32 steps track PyTorch ---===//
///
/// The nine PyTorch parity runs of tests/reference (written in float64 by
/// make_parity.py; the interpreter reproduces them to 1e-9) replayed on the
/// LLVM CPU backend in f32: the same initial values and batches for 100
/// steps must give every step's loss to 1e-4 relative.
///
//===----------------------------------------------------------------------===//
#include "../training/TestGraphs.h"

#include "compiler/codegen/llvm/CpuBackend.h"
#include "compiler/passes/Pipeline.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace voskhod {
namespace {
using nlohmann::json;
using training::testing::parse;
using training::testing::readFile;

const std::string kReferenceDir = VOSKHOD_SOURCE_DIR "/tests/reference";

/// Copies float64 values into a tensor of the executable, as its dtype.
void fill(rt::Executable &exe, const std::string &name, const json &values) {
  int index = exe.find(name);
  if (index < 0)
    return; // an input the compiled step does not read
  const rt::TensorInfo &info = exe.tensors()[index];
  ASSERT_EQ(int64_t(values.size()), info.numElements()) << name;
  void *data = exe.data(name);
  for (size_t i = 0; i < values.size(); ++i) {
    double v = values[i].get<double>();
    switch (info.type) {
    case rt::ElementType::F32:
      static_cast<float *>(data)[i] = float(v);
      break;
    case rt::ElementType::F64:
      static_cast<double *>(data)[i] = v;
      break;
    case rt::ElementType::I32:
      static_cast<int32_t *>(data)[i] = int32_t(v);
      break;
    case rt::ElementType::I1:
      static_cast<uint8_t *>(data)[i] = v != 0;
      break;
    }
  }
}

class CpuParityTest : public ::testing::TestWithParam<const char *> {};

TEST_P(CpuParityTest, LossesTrackPyTorchInF32) {
  std::string name = GetParam();
  json run = json::parse(readFile(kReferenceDir + "/data/" + name + ".json"),
                         nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(run.is_discarded()) << "bad json for " << name;
  std::string modelPath =
      kReferenceDir + "/models/" + run["model"].get<std::string>();
  // The reference models are float64; the backend runs them in f32.
  std::string text = readFile(modelPath);
  for (size_t at = text.find("f64"); at != std::string::npos;
       at = text.find("f64", at))
    text.replace(at, 3, "f32");
  auto forward = parse(text, modelPath);
  ASSERT_TRUE(forward);
  auto step = training::testing::trainStep(*forward);
  ASSERT_TRUE(step);
  ir::DiagnosticEngine diags;
  ASSERT_TRUE(passes::runSimplifyPipeline(*step, diags));

  auto program = kernel::lowerModel(step.get(), nullptr);
  ASSERT_TRUE(program) << program.message();
  auto exe = cpu::compileForCpu(*program);
  ASSERT_TRUE(exe) << exe.message();
  (*exe)->initialize(0); // slots and the step counter as the optimiser says
  for (const ir::Node *p : step->params())
    fill(**exe, p->name(), run["initial"][p->name()]["values"]);

  const json &expected = run["losses"];
  for (size_t i = 0; i < expected.size(); ++i) {
    for (const ir::Node *in : step->inputs())
      fill(**exe, in->name(), run["inputs"][in->name()][i]);
    ASSERT_TRUE((*exe)->step());
    auto loss = (*exe)->loss();
    ASSERT_TRUE(loss) << loss.message();
    double want = expected[i].get<double>();
    EXPECT_LE(std::abs(*loss - want), 1e-4 * std::abs(want))
        << name << " step " << i << ": voskhod f32 " << *loss
        << ", PyTorch f64 " << want;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Models, CpuParityTest,
    ::testing::Values("classifier_sgd", "classifier_nesterov",
                      "classifier_adagrad", "classifier_rmsprop",
                      "classifier_adam", "classifier_adamw", "multilabel",
                      "regression_l1", "exp_fit"),
    [](const ::testing::TestParamInfo<const char *> &info) {
      return std::string(info.param);
    });

} // namespace
} // namespace voskhod
