//===- tests/unit/cpu/WindowOpsTest.cpp - conv2d and pooling on the CPU ---===//
///
/// conv2d, max_pool2d and avg_pool2d compiled for the CPU (through their
/// expansions) against the interpreter's direct loops, on random inputs and
/// again with NaN and infinities among them: padded, strided, dilated,
/// grouped, depthwise and 1×1 convolutions, overlapping and padded pools,
/// fused with a bias, batch norm's evaluation form and ReLU; and a small
/// CNN's training steps (conv, batch norm, ReLU, max and average pools,
/// linear, cross entropy, SGD with momentum) against the interpreter's.
///
//===----------------------------------------------------------------------===//
#include "CpuTestUtil.h"

namespace voskhod::cpu::test {
namespace {

struct Case {
  const char *name;
  std::string body;
};

std::string graph(const Case &c) {
  return "graph @" + std::string(c.name) + " {\n" + c.body + "\n}\n";
}

class WindowOps : public ::testing::TestWithParam<Case> {};

// f32 sums of up to a few hundred products.
constexpr double kTolerance = 1e-4;

TEST_P(WindowOps, MatchesInterpreter) {
  checkForward(graph(GetParam()), kTolerance);
}

TEST_P(WindowOps, NanAndInfinitiesMatchInterpreter) {
  checkForward(graph(GetParam()), kTolerance, /*seed=*/11, CpuOptions{},
               /*specials=*/true);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, WindowOps,
    ::testing::Values(
        Case{"conv_plain", "  %x = input f32[2, 3, 9, 8]\n"
                           "  %w = input f32[5, 3, 3, 3]\n"
                           "  %y = conv2d %x, %w\n"
                           "  return %y"},
        Case{"conv_padded_strided_dilated",
             "  %x = input f32[2, 4, 11, 10]\n"
             "  %w = input f32[6, 4, 3, 2]\n"
             "  %y = conv2d %x, %w {stride = [2, 1], padding = [1, 0, 2, 1], "
             "dilation = [2, 2]}\n"
             "  return %y"},
        Case{"conv_groups", "  %x = input f32[3, 6, 7, 7]\n"
                            "  %w = input f32[4, 3, 3, 3]\n"
                            "  %y = conv2d %x, %w {padding = [1, 1], "
                            "groups = 2}\n"
                            "  return %y"},
        Case{"conv_depthwise", "  %x = input f32[2, 5, 8, 8]\n"
                               "  %w = input f32[5, 1, 3, 3]\n"
                               "  %y = conv2d %x, %w {stride = [2, 2], "
                               "padding = [1, 1], groups = 5}\n"
                               "  return %y"},
        Case{"conv_1x1", "  %x = input f32[4, 16, 5, 6]\n"
                         "  %w = input f32[8, 16, 1, 1]\n"
                         "  %y = conv2d %x, %w\n"
                         "  return %y"},
        Case{"conv_bias_bn_relu",
             "  %x = input f32[4, 3, 10, 10]\n"
             "  %w = input f32[8, 3, 3, 3]\n"
             "  %b = input f32[8]\n"
             "  %g = input f32[8]\n"
             "  %be = input f32[8]\n"
             "  %m = state f32[8] init = zeros\n"
             "  %v = state f32[8] init = uniform(0.5, 2.0)\n"
             "  %c = add (conv2d %x, %w {padding = [1, 1]}), "
             "(reshape %b {shape = [1, 8, 1, 1]})\n"
             "  %y = relu (batch_norm %c, %g, %be, %m, %v)\n"
             "  return %y"},
        Case{"max_pool", "  %x = input f32[2, 3, 9, 8]\n"
                         "  %y = max_pool2d %x {kernel = [2, 2]}\n"
                         "  %z = max_pool2d %x {kernel = [3, 3], "
                         "stride = [2, 1], padding = [1, 1]}\n"
                         "  return %y, %z"},
        Case{"avg_pool", "  %x = input f32[2, 3, 9, 8]\n"
                         "  %y = avg_pool2d %x {kernel = [3, 2], "
                         "padding = [1, 1]}\n"
                         "  %z = avg_pool2d %x {kernel = [3, 3], "
                         "stride = [2, 2], padding = [1, 1], "
                         "count_include_pad = false}\n"
                         "  return %y, %z"}),
    [](const auto &info) { return std::string(info.param.name); });

const char *kSmallCnn = R"(graph @small_cnn {
  %x = input f32[4, 2, 8, 8]
  %y = input i32[4]
  %w1 = param f32[4, 2, 3, 3] init = he_normal
  %g1 = param f32[4] init = uniform(0.5, 1.5)
  %be1 = param f32[4] init = uniform(-0.1, 0.1)
  %rm1 = state f32[4] init = zeros
  %rv1 = state f32[4] init = ones
  %w2 = param f32[6, 4, 3, 3] init = he_normal
  %w3 = param f32[24, 5] init = he_normal
  %c1 = conv2d %x, %w1 {padding = [1, 1]}
  %p1 = max_pool2d (relu (batch_norm %c1, %g1, %be1, %rm1, %rv1)) {kernel = [2, 2]}
  %p2 = avg_pool2d (relu (conv2d %p1, %w2 {padding = [1, 1]})) {kernel = [2, 2]}
  %b3 = param f32[5] init = uniform(-0.1, 0.1)
  %logits = add (matmul (reshape %p2 {shape = [4, 24]}), %w3), %b3
  %loss = softmax_cross_entropy %logits, %y
  minimize %loss using sgd {lr = 0.05, momentum = 0.9}
  return %logits
}
)";

TEST(WindowOpsTraining, SmallCnnStepsMatchInterpreter) {
  std::vector<double> losses = checkTraining(kSmallCnn, 5, 1e-4);
  ASSERT_EQ(losses.size(), 5u);
}

} // namespace
} // namespace voskhod::cpu::test
