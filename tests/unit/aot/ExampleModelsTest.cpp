//===- tests/unit/aot/ExampleModelsTest.cpp - big examples, JIT and AOT --===//
///
/// examples/fashion_cnn.vg (conv2d, batch norm, max pooling, Adam, batch
/// 128) and examples/char_transformer.vg (embeddings, layer norm, causal
/// attention through batched matmuls, GELU, AdamW, 32 windows of 128
/// tokens) trained in the JIT and in their AOT objects from the same seed on
/// the same batches: 30 losses, the params after them and the forward pass
/// (which reads batch norm's running statistics) agree bit for bit. The
/// composite ops reach both as the same expanded graph, so any difference
/// would come from the object's code or runtime. Trained on 1, 2 and 4
/// threads, each gives the same bits.
///
//===----------------------------------------------------------------------===//
#include "AotTestSupport.h"

#include <cstring>

namespace voskhod::aot::test {
namespace {

constexpr uint64_t kSeed = 17;

class ExampleModels : public ::testing::TestWithParam<const char *> {};

uint64_t bitsOf(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits;
}

/// `draws` random batches of `file`'s step.
std::vector<std::vector<std::vector<uint8_t>>> batches(const char *file,
                                                       int draws) {
  const Model &model = sharedModel(file);
  const cpu::AotInterface &api = sharedLibrary(file).api();
  std::vector<std::vector<std::vector<uint8_t>>> out;
  for (int b = 0; b < draws; ++b)
    out.push_back(stepInputs(model, api, kSeed, uint64_t(b)));
  return out;
}

/// The forward entry's inputs taken from a step's inputs, in its order.
std::vector<std::vector<uint8_t>>
forwardInputs(const cpu::AotInterface &api,
              const std::vector<std::vector<uint8_t>> &batch) {
  std::vector<std::vector<uint8_t>> out;
  for (int i : api.forwardInputs)
    for (size_t k = 0; k < api.stepInputs.size(); ++k)
      if (api.stepInputs[k] == i)
        out.push_back(batch[k]);
  return out;
}

TEST_P(ExampleModels, ThirtyStepsAndForwardBitForBit) {
  const char *file = GetParam();
  const Model &model = sharedModel(file);
  ASSERT_TRUE(model.step && model.forward);
  const AotLibrary &lib = sharedLibrary(file);
  const cpu::AotInterface &api = lib.api();
  rt::Executable &jit = sharedJit(file, kSeed, 2);
  AotHandle aot(lib, "m", kSeed);
  ASSERT_EQ(aot.setThreads(2), 0);
  for (int i : api.params)
    ASSERT_EQ(aot.param(api.tensors[i].name),
              jitBytes(jit, api.tensors[i].name))
        << "initial " << api.tensors[i].name;

  auto inputs = batches(file, 3);
  double first = 0, last = 0;
  for (int i = 0; i < 30; ++i) {
    const auto &batch = inputs[size_t(i % 3)];
    feedJit(jit, api, batch);
    ASSERT_TRUE(jit.step());
    double expected = *jit.loss();
    double got = aot.trainStep(batch);
    ASSERT_EQ(bitsOf(got), bitsOf(expected))
        << "step " << i << ": AOT " << got << ", JIT " << expected;
    (i == 0 ? first : last) = got;
  }
  EXPECT_LT(last, first) << "the loss should fall";
  for (int i : api.params)
    EXPECT_EQ(aot.param(api.tensors[i].name),
              jitBytes(jit, api.tensors[i].name))
        << "parameter " << api.tensors[i].name;

  // The CNN's evaluation runs batch norm on the running statistics, which
  // the object keeps as states: equal logits mean equal statistics too.
  auto batch = stepInputs(model, api, kSeed, 99);
  feedJit(jit, api, batch);
  ASSERT_TRUE(jit.forward());
  std::vector<std::vector<uint8_t>> outputs;
  ASSERT_EQ(aot.forward(forwardInputs(api, batch), outputs), Ok)
      << aot.lastError();
  ASSERT_EQ(outputs.size(), api.forwardOutputs.size());
  for (size_t k = 0; k < outputs.size(); ++k)
    EXPECT_EQ(outputs[k],
              jitBytes(jit, api.tensors[api.forwardOutputs[k]].name));
}

/// Losses and params after a few steps on `threads` threads, JIT and AOT.
struct TrainingRun {
  std::vector<uint64_t> losses;
  std::vector<std::vector<uint8_t>> params;
};

TrainingRun trainJit(const char *file, int threads, int steps) {
  const cpu::AotInterface &api = sharedLibrary(file).api();
  rt::Executable &jit = sharedJit(file, kSeed, threads);
  TrainingRun run;
  auto inputs = batches(file, steps);
  for (const auto &batch : inputs) {
    feedJit(jit, api, batch);
    EXPECT_TRUE(jit.step());
    run.losses.push_back(bitsOf(*jit.loss()));
  }
  for (int i : api.params)
    run.params.push_back(jitBytes(jit, api.tensors[i].name));
  return run;
}

TrainingRun trainAot(const char *file, int threads, int steps) {
  const AotLibrary &lib = sharedLibrary(file);
  AotHandle aot(lib, "m", kSeed);
  EXPECT_EQ(aot.setThreads(threads), 0);
  TrainingRun run;
  for (const auto &batch : batches(file, steps))
    run.losses.push_back(bitsOf(aot.trainStep(batch)));
  for (int i : lib.api().params)
    run.params.push_back(aot.param(lib.api().tensors[i].name));
  return run;
}

TEST_P(ExampleModels, OneTwoAndFourThreadsGiveTheSameBits) {
  constexpr int kSteps = 4;
  const char *file = GetParam();
  TrainingRun jit1 = trainJit(file, 1, kSteps);
  for (int threads : {2, 4}) {
    TrainingRun jit = trainJit(file, threads, kSteps);
    EXPECT_EQ(jit.losses, jit1.losses) << "JIT, " << threads << " threads";
    EXPECT_TRUE(jit.params == jit1.params) << "JIT, " << threads << " threads";
  }
  for (int threads : {1, 2, 4}) {
    TrainingRun aot = trainAot(file, threads, kSteps);
    EXPECT_EQ(aot.losses, jit1.losses) << "AOT, " << threads << " threads";
    EXPECT_TRUE(aot.params == jit1.params) << "AOT, " << threads << " threads";
  }
}

INSTANTIATE_TEST_SUITE_P(Examples, ExampleModels,
                         ::testing::Values("examples/fashion_cnn.vg",
                                           "examples/char_transformer.vg"),
                         [](const auto &info) {
                           std::string name = info.param;
                           return name.substr(9, name.size() -
                                                     12); // examples/NAME.vg
                         });

} // namespace
} // namespace voskhod::aot::test
