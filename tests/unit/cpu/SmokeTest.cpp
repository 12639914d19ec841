#include "CpuTestUtil.h"
namespace voskhod::cpu::test {
TEST(Smoke, Elementwise) {
  checkForward(R"(
graph @g {
  %x = input f32[37, 19]
  %y = input f32[19]
  %r = mul (add %x, %y), 0.5
  return %r
}
)", 1e-6);
}
}
namespace voskhod::cpu::test {
TEST(Smoke, Classifier) {
  auto losses = checkTraining(R"(
graph @classifier {
  %x  = input f32[2, 3]
  %y  = input i32[2]
  %w1 = param f32[3, 10] init = he_normal
  %b1 = param f32[10]    init = zeros
  %w2 = param f32[10, 20] init = xavier_uniform
  %b2 = param f32[20]    init = zeros
  %w3 = param f32[20, 3] init = xavier_uniform
  %b3 = param f32[3]     init = zeros
  %h1 = relu (add (matmul %x, %w1), %b1)
  %h2 = relu (add (matmul %h1, %w2), %b2)
  %lg = add (matmul %h2, %w3), %b3
  %loss = softmax_cross_entropy %lg, %y
  minimize %loss using sgd {lr = 0.01, weight_decay = 0.05}
  return %lg
}
)", 5, 1e-5);
  EXPECT_EQ(losses.size(), 5u);
}
}
