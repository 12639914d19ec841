//===- tests/unit/cuda/ExecutionTest.cpp - GPU results vs the interpreter -===//
///
/// Runs every op case, every pattern and several training steps of every
/// training model on the GPU and compares them with the float64
/// interpreter (f32: 1e-5 elementwise, 1e-4 through reductions and GEMMs,
/// K up to 1500). Then: a step replayed from a CUDA graph equals the same
/// step launched kernel by kernel, bit for bit; two runs from the same
/// start give the same bits; host-resident and device-resident training
/// agree. Every test skips, with the driver's reason, where there is no GPU.
///
//===----------------------------------------------------------------------===//
#include "CudaTestUtil.h"
#include "ModelCases.h"

#include <cstring>

namespace voskhod::cuda::test {
namespace {

class CudaOps : public ::testing::TestWithParam<ModelCase> {};

TEST_P(CudaOps, MatchesInterpreter) {
  SKIP_WITHOUT_GPU();
  checkForward(GetParam().text, GetParam().tolerance);
}

TEST_P(CudaOps, NanAndInfinitiesMatchInterpreter) {
  SKIP_WITHOUT_GPU();
  if (!GetParam().specials)
    GTEST_SKIP() << "the interpreter has no value for NaN here";
  checkForward(GetParam().text, GetParam().tolerance, /*seed=*/7, CudaOptions{},
               /*specials=*/true);
}

INSTANTIATE_TEST_SUITE_P(Ops, CudaOps, ::testing::ValuesIn(opCases()),
                         [](const auto &info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Patterns, CudaOps, ::testing::ValuesIn(patternCases()),
                         [](const auto &info) { return info.param.name; });

class CudaTraining : public ::testing::TestWithParam<ModelCase> {};

TEST_P(CudaTraining, MatchesInterpreter) {
  SKIP_WITHOUT_GPU();
  auto losses =
      checkTraining(GetParam().text, 3, GetParam().tolerance, /*seed=*/11);
  EXPECT_EQ(losses.size(), 3u);
}

INSTANTIATE_TEST_SUITE_P(Models, CudaTraining,
                         ::testing::ValuesIn(trainingCases()),
                         [](const auto &info) { return info.param.name; });

/// Losses and final params of `steps` steps of the benchmark MLP.
struct TrainingRun {
  std::vector<double> losses;
  std::vector<double> w1, b3;
};

TrainingRun trainMlp(CudaOptions options, int steps) {
  TrainingRun run;
  auto fwd = parse(kBenchMlp);
  auto step = trainStep(*fwd);
  auto exe = compileGraphs(step.get(), nullptr, options);
  EXPECT_TRUE(exe) << exe.message();
  if (!exe)
    return run;
  (*exe)->initialize(5);
  for (int s = 0; s < steps; ++s) {
    for (auto &[node, value] : training::randomInputs(*step, 5, uint64_t(s)))
      put(**exe, node->name(), value);
    Status ran = (*exe)->step();
    EXPECT_TRUE(ran) << ran.message();
    run.losses.push_back(*(*exe)->loss());
  }
  if (auto *cuda = dynamic_cast<CudaExecutable *>(exe->get())) {
    EXPECT_TRUE(cuda->syncToHost());
  }
  run.w1 = get(**exe, "w1");
  run.b3 = get(**exe, "b3");
  return run;
}

TEST(CudaExecution, GraphReplayEqualsKernelLaunches) {
  SKIP_WITHOUT_GPU();
  CudaOptions graph, eager;
  eager.useGraph = false;
  TrainingRun a = trainMlp(graph, 5), b = trainMlp(eager, 5);
  EXPECT_EQ(a.losses, b.losses);
  EXPECT_EQ(a.w1, b.w1);
  EXPECT_EQ(a.b3, b.b3);
  ASSERT_EQ(a.losses.size(), 5u);
  EXPECT_LT(a.losses.back(), a.losses.front() + 1.0);
}

TEST(CudaExecution, DeviceResidentTrainingMatchesHostSync) {
  SKIP_WITHOUT_GPU();
  CudaOptions all, resident;
  resident.sync = HostSync::Inputs;
  TrainingRun a = trainMlp(all, 4), b = trainMlp(resident, 4);
  EXPECT_EQ(a.losses, b.losses);
  EXPECT_EQ(a.w1, b.w1);
}

TEST(CudaExecution, ForwardAndStepShareParams) {
  SKIP_WITHOUT_GPU();
  auto fwd = parse(kClassifier);
  auto step = trainStep(*fwd);
  auto exe = compileGraphs(step.get(), fwd.get());
  ASSERT_TRUE(exe) << exe.message();
  (*exe)->initialize(3);
  auto inputs = training::randomInputs(*step, 3);
  for (auto &[node, value] : inputs)
    put(**exe, node->name(), value);
  ASSERT_TRUE((*exe)->forward());
  std::vector<double> before = get(**exe, "lg");
  ASSERT_TRUE((*exe)->step());
  ASSERT_TRUE((*exe)->forward());
  EXPECT_NE(get(**exe, "lg"), before);
}

TEST(CudaExecution, NoDeviceIsAClearError) {
  if (noDeviceReason().empty())
    GTEST_SKIP() << "a GPU is present";
  auto fwd = parse(kClassifier);
  auto exe = compileGraphs(nullptr, fwd.get());
  ASSERT_FALSE(exe);
  EXPECT_NE(exe.message().find("CUDA"), std::string::npos) << exe.message();
}

} // namespace
} // namespace voskhod::cuda::test
