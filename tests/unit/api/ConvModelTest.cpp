//===- tests/unit/api/ConvModelTest.cpp - image layers, compiled ----------===//
///
/// A small convolutional network built from the image layers (nn::Conv2d,
/// BatchNorm2d, MaxPool2d, Flatten, Linear) compiles through the public
/// API and trains: the CPU's losses and predictions agree with the
/// interpreter's, step by step, and the loss falls on a task the network
/// can learn (which channel of a noisy image is brighter).
///
/// The update is SGD, not Adam: the convolution's bias, followed by batch
/// norm, has a gradient of zero in exact arithmetic, and Adam would scale
/// each target's rounding noise in it to whole steps of either sign, so the
/// two targets' parameters would part for reasons that have nothing to do
/// with the layers.
///
//===----------------------------------------------------------------------===//
#include <voskhod/voskhod.h>

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace voskhod;

namespace {

constexpr int64_t kBatch = 8, kChannels = 2, kSide = 6;

void buildConvNet(Graph &g) {
  Tensor x = g.input("x", f32({kBatch, kChannels, kSide, kSide}));
  Tensor y = g.input("y", i32({kBatch}));
  nn::Sequential net(nn::Conv2d(g, kChannels, 4, {3, 3}, {.padding = {1, 1}}),
                     nn::BatchNorm2d(g, 4), nn::ReLU(), nn::MaxPool2d({2, 2}),
                     nn::Flatten(), nn::Linear(g, 4 * 3 * 3, 2));
  Tensor logits = net(x).named("logits");
  g.minimize(nn::softmaxCrossEntropy(logits, y), optim::SGD{.lr = 0.1});
  g.returns({logits});
}

struct Batch {
  std::vector<float> x;
  std::vector<int32_t> y;
};

/// Standard-normal pixels, the label's channel brightened by 0.5.
Batch randomBatch(std::mt19937 &rng) {
  std::normal_distribution<float> normal;
  Batch b;
  for (int64_t n = 0; n < kBatch; ++n) {
    int32_t label = int32_t(rng() % 2);
    b.y.push_back(label);
    for (int64_t c = 0; c < kChannels; ++c)
      for (int64_t p = 0; p < kSide * kSide; ++p)
        b.x.push_back(normal(rng) + (c == label ? 0.5f : 0.0f));
  }
  return b;
}

Inputs feed(const Batch &b) {
  return {{"x", TensorView(b.x, {kBatch, kChannels, kSide, kSide})},
          {"y", TensorView(std::span<const int32_t>(b.y), {kBatch})}};
}

TEST(ConvModel, CpuAgreesWithTheInterpreterAndLearns) {
  if (!targetAvailable(Target::Cpu))
    GTEST_SKIP() << "built without LLVM";
  Graph g("conv");
  buildConvNet(g);
  auto cpu = compile(g, {.optimize = false});
  auto interp = compile(g, {.target = Target::Interpreter});
  ASSERT_TRUE(cpu) << cpu.message();
  ASSERT_TRUE(interp) << interp.message();

  std::mt19937 rng(11);
  std::vector<double> losses;
  for (int step = 0; step < 5; ++step) {
    Batch batch = randomBatch(rng);
    auto a = cpu->trainStep(feed(batch)), b = interp->trainStep(feed(batch));
    ASSERT_TRUE(a && b) << (a ? b.message() : a.message());
    EXPECT_NEAR(*a, *b, 1e-4 * std::max(1.0, std::abs(*b))) << "step " << step;
    losses.push_back(*a);
  }
  // Forward normalises with the running statistics, on both targets.
  Batch batch = randomBatch(rng);
  Inputs x{{"x", TensorView(batch.x, {kBatch, kChannels, kSide, kSide})}};
  auto a = cpu->forward(x), b = interp->forward(x);
  ASSERT_TRUE(a && b) << (a ? b.message() : a.message());
  auto pa = (*a)[0].values<float>(), pb = (*b)[0].values<float>();
  ASSERT_TRUE(pa && pb);
  ASSERT_EQ(pa->size(), size_t(kBatch * 2));
  for (size_t i = 0; i < pa->size(); ++i)
    EXPECT_NEAR((*pa)[i], (*pb)[i], 1e-3) << i;

  for (int step = 5; step < 60; ++step) {
    auto loss = cpu->trainStep(feed(randomBatch(rng)));
    ASSERT_TRUE(loss) << loss.message();
    losses.push_back(*loss);
  }
  double early = (losses[0] + losses[1] + losses[2]) / 3;
  double late = (losses[57] + losses[58] + losses[59]) / 3;
  EXPECT_LT(late, 0.7 * early) << "first " << early << ", last " << late;
}

} // namespace
