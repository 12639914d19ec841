//===- tests/unit/aot/ParityTest.cpp - the AOT object against the JIT -----===//
///
/// An AOT object and the JIT, compiled from the same graphs, given the same
/// seed, thread count and batches, must agree to the bit: initial values of
/// every initialiser (f32 and f64), losses of 100 steps and the parameters
/// after them, for the seed classifier, the MLP benchmark model (784 → 512
/// → 512 → 10, batch 128, Adam), a model with every initialiser, a deep
/// model whose step runs from a schedule table, a float64 regression and
/// batched attention-like products. The thread count must not change the
/// AOT results.
///
//===----------------------------------------------------------------------===//
#include "AotTestSupport.h"

#include <cstring>

namespace voskhod::aot::test {
namespace {

uint64_t bitsOf(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits;
}

/// Trains both for `steps` steps on batches cycling through `batches`
/// draws, and checks losses and final parameters bit for bit.
void expectSameTraining(const std::string &file, uint64_t seed, int threads,
                        int steps, int batches) {
  const Model &model = sharedModel(file);
  ASSERT_TRUE(model.step);
  const AotLibrary &lib = sharedLibrary(file);
  const cpu::AotInterface &api = lib.api();
  rt::Executable &jit = sharedJit(file, seed, threads);
  AotHandle aot(lib, "m", seed);
  ASSERT_EQ(aot.setThreads(threads), 0);

  std::vector<std::vector<std::vector<uint8_t>>> inputs;
  for (int b = 0; b < batches; ++b)
    inputs.push_back(stepInputs(model, api, seed, uint64_t(b)));
  double first = 0, last = 0;
  for (int i = 0; i < steps; ++i) {
    const auto &batch = inputs[size_t(i % batches)];
    feedJit(jit, api, batch);
    ASSERT_TRUE(jit.step());
    double expected = *jit.loss();
    double got = aot.trainStep(batch);
    ASSERT_EQ(bitsOf(got), bitsOf(expected))
        << file << " step " << i << ": AOT " << got << ", JIT " << expected;
    (i == 0 ? first : last) = got;
  }
  EXPECT_LT(last, first) << file << ": the loss should fall";
  for (int i : api.params)
    EXPECT_EQ(aot.param(api.tensors[i].name),
              jitBytes(jit, api.tensors[i].name))
        << file << ": parameter " << api.tensors[i].name;
}

TEST(AotParity, SeedClassifierHundredSteps) {
  expectSameTraining("examples/classifier.vg", 7, 2, 100, 3);
}

TEST(AotParity, MlpBenchmarkModelHundredSteps) {
  expectSameTraining("tests/aot/models/mlp.vg", 11, 2, 100, 2);
}

TEST(AotParity, EveryInitialiserTrained) {
  expectSameTraining("tests/aot/models/inits.vg", 3, 2, 100, 4);
}

TEST(AotParity, DeepModelRunFromTheScheduleTable) {
  expectSameTraining("tests/aot/models/deep.vg", 13, 2, 30, 3);
}

TEST(AotParity, Float64Regression) {
  expectSameTraining("tests/aot/models/regression_f64.vg", 5, 1, 100, 1);
}

TEST(AotParity, BatchedProductsOverThePool) {
  expectSameTraining("tests/aot/models/attention.vg", 17, 2, 10, 2);
}

TEST(AotParity, InitialValuesOfEveryParamAndState) {
  for (const char *file :
       {"tests/aot/models/inits.vg", "tests/aot/models/regression_f64.vg"}) {
    const AotLibrary &lib = sharedLibrary(file);
    for (uint64_t seed : {0ull, 1ull, 0x9e3779b97f4a7c15ull}) {
      rt::Executable &jit = sharedJit(file, seed, 1);
      AotHandle aot(lib, "m", seed);
      int params = 0;
      for (int i : lib.api().params) {
        const std::string &name = lib.api().tensors[i].name;
        std::vector<uint8_t> bytes = aot.param(name);
        ASSERT_FALSE(bytes.empty()) << name;
        EXPECT_EQ(bytes, jitBytes(jit, name)) << file << " " << name;
        ++params;
      }
      EXPECT_EQ(params, aot.paramCount());
    }
  }
}

TEST(AotParity, ThreadCountDoesNotChangeResults) {
  const Model &model = sharedModel("tests/aot/models/inits.vg");
  const AotLibrary &lib = sharedLibrary("tests/aot/models/inits.vg");
  std::vector<std::vector<double>> runs;
  for (int threads : {1, 3, 4}) {
    AotHandle aot(lib, "m", 21);
    ASSERT_EQ(aot.setThreads(threads), 0);
    EXPECT_EQ(aot.threads(), threads);
    std::vector<double> losses;
    for (int i = 0; i < 20; ++i)
      losses.push_back(aot.trainStep(stepInputs(model, lib.api(), 21, i)));
    runs.push_back(losses);
  }
  EXPECT_EQ(runs[0], runs[1]);
  EXPECT_EQ(runs[0], runs[2]);
}

TEST(AotParity, ForwardMatchesJit) {
  const char *file = "examples/classifier.vg";
  const Model &model = sharedModel(file);
  const AotLibrary &lib = sharedLibrary(file);
  const cpu::AotInterface &api = lib.api();
  rt::Executable &jit = sharedJit(file, 9, 2);
  AotHandle aot(lib, "m", 9);
  ASSERT_EQ(aot.setThreads(2), 0);
  for (int i = 0; i < 10; ++i) {
    auto batch = stepInputs(model, api, 9, uint64_t(i));
    feedJit(jit, api, batch);
    ASSERT_TRUE(jit.step());
    aot.trainStep(batch);
  }
  auto batch = stepInputs(model, api, 9, 99);
  feedJit(jit, api, batch);
  ASSERT_TRUE(jit.forward());
  // The forward entry reads only the inputs it needs, in its own order.
  std::vector<std::vector<uint8_t>> forwardInputs;
  for (int i : api.forwardInputs)
    for (size_t k = 0; k < api.stepInputs.size(); ++k)
      if (api.stepInputs[k] == i)
        forwardInputs.push_back(batch[k]);
  ASSERT_EQ(forwardInputs.size(), api.forwardInputs.size());
  std::vector<std::vector<uint8_t>> outputs;
  ASSERT_EQ(aot.forward(forwardInputs, outputs), 0);
  ASSERT_EQ(outputs.size(), api.forwardOutputs.size());
  for (size_t k = 0; k < outputs.size(); ++k)
    EXPECT_EQ(outputs[k],
              jitBytes(jit, api.tensors[api.forwardOutputs[k]].name));
}

} // namespace
} // namespace voskhod::aot::test
