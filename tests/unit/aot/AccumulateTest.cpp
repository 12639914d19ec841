//===- tests/unit/aot/AccumulateTest.cpp - accumulate = k, compiled -------===//
///
/// A step with gradient accumulation, compiled: the AOT object and the JIT
/// (on one and two threads) give the same losses and parameters to the bit
/// on fresh random batches, both report that every third step updated and
/// the others did not, and the parameters change on exactly those steps.
/// The float64 equality with a large batch is GradAccumulationTest's.
///
//===----------------------------------------------------------------------===//
#include "AotTestSupport.h"

#include <cstring>

namespace voskhod::aot::test {
namespace {

constexpr int kAccumulate = 3;
constexpr int kSteps = 4 * kAccumulate;
constexpr uint64_t kSeed = 7;

const char *kModel = R"(graph @acc {
  %x = input f32[8, 6]
  %y = input i32[8]
  %w1 = param f32[6, 16] init = he_normal
  %b1 = param f32[16] init = normal(0, 0.1)
  %w2 = param f32[16, 4] init = xavier_uniform
  %h = tanh (add (matmul %x, %w1), %b1)
  %loss = softmax_cross_entropy (matmul %h, %w2), %y
  minimize %loss using adamw {lr = 0.01} clip_grad_norm {max_norm = 0.5} accumulate = 3
  return %loss
}
)";

using StepUpdated = int (*)(void *, int *);

struct AccumulationRun {
  std::vector<double> losses;
  std::vector<int> updated;
  std::vector<std::vector<std::vector<uint8_t>>> params; // after each step
};

AccumulationRun runAot(const AotLibrary &lib, const Model &model) {
  AotHandle h(lib, "m", kSeed);
  auto stepUpdated = lib.function<StepUpdated>("m", "step_updated");
  AccumulationRun run;
  for (int i = 0; i < kSteps; ++i) {
    run.losses.push_back(
        h.trainStep(stepInputs(model, lib.api(), kSeed, uint64_t(i))));
    int updated = -1;
    EXPECT_EQ(stepUpdated(h.state(), &updated), Ok) << h.lastError();
    run.updated.push_back(updated);
    run.params.push_back(h.params());
  }
  EXPECT_EQ(stepUpdated(h.state(), nullptr), ArgumentError);
  EXPECT_NE(h.lastError().find("null"), std::string::npos) << h.lastError();
  EXPECT_EQ(stepUpdated(nullptr, nullptr), ArgumentError);
  return run;
}

AccumulationRun runJit(const AotLibrary &lib, const Model &model, int threads) {
  std::unique_ptr<rt::Executable> jit = compileJit(model, kSeed, threads);
  AccumulationRun run;
  for (int i = 0; i < kSteps; ++i) {
    feedJit(*jit, lib.api(), stepInputs(model, lib.api(), kSeed, uint64_t(i)));
    EXPECT_TRUE(jit->step());
    run.losses.push_back(*jit->loss());
    run.updated.push_back(*jit->stepUpdated() ? 1 : 0);
    std::vector<std::vector<uint8_t>> params;
    for (int p : lib.api().params)
      params.push_back(jitBytes(*jit, lib.api().tensors[size_t(p)].name));
    run.params.push_back(std::move(params));
  }
  return run;
}

TEST(AotAccumulate, UpdatesEveryKthStepAlikeEverywhere) {
  Model model = modelFromText(kModel, "acc.vg");
  ASSERT_TRUE(model.step);
  auto lib = AotLibrary::build(model, "m", freshDirectory("acc"));
  ASSERT_TRUE(lib);

  AccumulationRun aot = runAot(*lib, model);
  std::vector<std::vector<uint8_t>> initial =
      AotHandle(*lib, "m", kSeed).params();
  for (int i = 0; i < kSteps; ++i) {
    bool updates = (i + 1) % kAccumulate == 0;
    EXPECT_EQ(aot.updated[size_t(i)], updates ? 1 : 0) << "step " << i;
    const auto &before = i == 0 ? initial : aot.params[size_t(i - 1)];
    EXPECT_EQ(aot.params[size_t(i)] != before, updates) << "step " << i;
  }
  for (int threads : {1, 2}) {
    AccumulationRun jit = runJit(*lib, model, threads);
    EXPECT_EQ(jit.updated, aot.updated) << threads << " threads";
    EXPECT_EQ(std::memcmp(jit.losses.data(), aot.losses.data(),
                          sizeof(double) * kSteps),
              0)
        << threads << " threads";
    EXPECT_EQ(jit.params, aot.params) << threads << " threads";
  }
}

/// A checkpoint taken between updates keeps the gradient sums and the
/// micro-batch count: a handle that loads it goes on exactly as the
/// uninterrupted one, down to the bits of every later loss and parameter.
TEST(AotAccumulate, CheckpointMidAccumulationResumesExactly) {
  Model model = modelFromText(kModel, "acc.vg");
  ASSERT_TRUE(model.step);
  auto lib = AotLibrary::build(model, "m", freshDirectory("acc"));
  ASSERT_TRUE(lib);
  AccumulationRun whole = runAot(*lib, model);

  const int stop = kAccumulate + 1; // one micro-batch into an accumulation
  std::string path = freshDirectory("acc") + "/mid.safetensors";
  {
    AotHandle first(*lib, "m", kSeed);
    for (int i = 0; i < stop; ++i)
      first.trainStep(stepInputs(model, lib->api(), kSeed, uint64_t(i)));
    ASSERT_EQ(first.save(path), Ok) << first.lastError();
  }
  AotHandle resumed(*lib, "m", kSeed + 1);
  ASSERT_EQ(resumed.load(path), Ok) << resumed.lastError();
  auto stepUpdated = lib->function<StepUpdated>("m", "step_updated");
  for (int i = stop; i < kSteps; ++i) {
    double loss =
        resumed.trainStep(stepInputs(model, lib->api(), kSeed, uint64_t(i)));
    EXPECT_EQ(std::memcmp(&loss, &whole.losses[size_t(i)], sizeof loss), 0)
        << "step " << i;
    int updated = -1;
    EXPECT_EQ(stepUpdated(resumed.state(), &updated), Ok);
    EXPECT_EQ(updated, whole.updated[size_t(i)]) << "step " << i;
  }
  EXPECT_EQ(resumed.params(), whole.params.back());
}

TEST(AotAccumulate, StepWithoutAccumulationAlwaysUpdates) {
  std::string plain = kModel;
  plain.erase(plain.find(" accumulate = 3"), 15);
  Model model = modelFromText(plain, "plain.vg");
  ASSERT_TRUE(model.step);
  auto lib = AotLibrary::build(model, "m", freshDirectory("acc"));
  ASSERT_TRUE(lib);
  AotHandle h(*lib, "m", kSeed);
  auto stepUpdated = lib->function<StepUpdated>("m", "step_updated");
  h.trainStep(stepInputs(model, lib->api(), kSeed, 0));
  int updated = -1;
  EXPECT_EQ(stepUpdated(h.state(), &updated), Ok);
  EXPECT_EQ(updated, 1);
}

} // namespace
} // namespace voskhod::aot::test
