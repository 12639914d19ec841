//===- tests/unit/cpu/TrainingTest.cpp - whole steps vs the interpreter ---===//
///
/// Compiled training steps (forward, backward and update in one call)
/// against the interpreter for several steps: the seed classifier with SGD
/// and weight decay, an MLP with Adam, momentum with Nesterov, and a
/// regression; then bitwise determinism across 1, 2 and 4 threads and
/// across compilations, and agreement of params initialised by the
/// Executable with the interpreter's.
///
//===----------------------------------------------------------------------===//
#include "CpuTestUtil.h"

#include "runtime/ThreadPool.h"

#include <cstring>

namespace voskhod::cpu::test {
namespace {

const char *kClassifier = R"(
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
)";

std::string mlp(const std::string &optimizer) {
  return R"(
graph @mlp {
  %x  = input f32[16, 67]
  %y  = input i32[16]
  %w1 = param f32[67, 48] init = he_uniform
  %b1 = param f32[48]     init = uniform(-0.1, 0.1)
  %w2 = param f32[48, 33] init = he_uniform
  %b2 = param f32[33]     init = uniform(-0.1, 0.1)
  %w3 = param f32[33, 10] init = xavier_normal
  %b3 = param f32[10]     init = zeros
  %h1 = relu (add (matmul %x, %w1), %b1)
  %h2 = tanh (add (matmul %h1, %w2), %b2)
  %lg = add (matmul %h2, %w3), %b3
  %loss = softmax_cross_entropy %lg, %y
  minimize %loss using )" +
         optimizer + R"(
  return %lg
}
)";
}

TEST(Training, ClassifierSgd) {
  auto losses = checkTraining(kClassifier, 5, 1e-5);
  EXPECT_EQ(losses.size(), 5u);
}

TEST(Training, MlpAdam) {
  // A small eps keeps Adam's first steps (m / sqrt(v) = sign(g)) from
  // amplifying the last bits of gradients that nearly cancel.
  checkTraining(mlp("adam {lr = 0.01, eps = 0.001}"), 4, 1e-4);
}

TEST(Training, MlpNesterovMomentum) {
  checkTraining(mlp("sgd {lr = 0.05, momentum = 0.9, nesterov = true}"), 4,
                1e-4);
}

TEST(Training, MlpAdamWAndRmsprop) {
  checkTraining(mlp("adamw {lr = 0.01, weight_decay = 0.1, eps = 0.001}"), 3,
                1e-4);
  checkTraining(
      mlp("rmsprop {lr = 0.01, momentum = 0.5, centered = true, eps = 0.01}"),
      3, 1e-4);
}

TEST(Training, RegressionWithPenalty) {
  checkTraining(R"(
graph @regression {
  %x = input f32[9, 5]
  %t = input f32[9, 2]
  %w = param f32[5, 2] init = normal(0, 0.5)
  %b = param f32[2] init = constant(0.1)
  %p = add (matmul %x, %w), %b
  %loss = add (l1_loss %p, %t), (mul (reduce_sum (abs %w)), 0.5)
  minimize %loss using adagrad {lr = 0.1}
  return %p
}
)",
                4, 1e-4);
}

/// Params after `steps` steps from the initial values on `threads` threads.
std::vector<std::vector<float>> trainedParams(rt::Executable &exe,
                                              const ir::Graph &step,
                                              int threads, int steps) {
  exe.setThreads(threads);
  exe.initialize(11);
  for (const rt::TensorInfo &t : exe.tensors())
    if (t.role == rt::TensorRole::State)
      std::memset(exe.data(t.name), 0, size_t(t.bytes()));
  for (int s = 0; s < steps; ++s) {
    for (auto &[node, value] : training::randomInputs(step, 11, uint64_t(s)))
      put(exe, node->name(), value);
    EXPECT_TRUE(exe.step());
  }
  std::vector<std::vector<float>> out;
  for (const ir::Update &u : step.updates()) {
    const float *p = exe.dataAs<float>(u.target->name());
    out.emplace_back(p, p + u.target->type().numElements());
  }
  return out;
}

TEST(Determinism, CodeGeneratedInPartsOrWhole) {
  // A module large enough to have its code generated in parts.
  auto fwd = parse(R"(
graph @deep {
  %x  = input f32[64, 196]
  %y  = input i32[64]
  %w1 = param f32[196, 128] init = he_uniform
  %b1 = param f32[128]      init = zeros
  %w2 = param f32[128, 64]  init = he_uniform
  %b2 = param f32[64]       init = zeros
  %w3 = param f32[64, 10]   init = xavier_uniform
  %b3 = param f32[10]       init = zeros
  %h1 = relu (add (matmul %x, %w1), %b1)
  %h2 = tanh (add (matmul %h1, %w2), %b2)
  %lg = add (matmul %h2, %w3), %b3
  %loss = softmax_cross_entropy %lg, %y
  minimize %loss using adam {lr = 0.01}
  return %lg
}
)");
  ASSERT_TRUE(fwd);
  auto step = trainStep(*fwd);
  ASSERT_TRUE(step);
  int saved = rt::threadCount();
  CpuOptions whole, parts;
  whole.compileThreads = 1;
  parts.compileThreads = 3;
  auto a = compileGraphs(step.get(), nullptr, whole);
  auto b = compileGraphs(step.get(), nullptr, parts);
  ASSERT_TRUE(a) << a.message();
  ASSERT_TRUE(b) << b.message();
  auto one = trainedParams(**a, *step, 2, 3);
  auto three = trainedParams(**b, *step, 2, 3);
  rt::setThreadCount(saved);
  ASSERT_EQ(one.size(), three.size());
  for (size_t i = 0; i < one.size(); ++i)
    EXPECT_EQ(0, std::memcmp(one[i].data(), three[i].data(), one[i].size() * 4))
        << "update " << i;
  // Not trivially equal: training moved the parameters.
  auto fresh = trainedParams(**a, *step, 2, 0);
  EXPECT_NE(0, std::memcmp(one[0].data(), fresh[0].data(), one[0].size() * 4));
}

TEST(Determinism, ThreadCountsAndRuns) {
  // Big enough that loops and products split over the pool.
  auto fwd = parse(R"(
graph @wide {
  %x  = input f32[128, 200]
  %y  = input i32[128]
  %w1 = param f32[200, 300] init = he_uniform
  %b1 = param f32[300]      init = zeros
  %w2 = param f32[300, 10]  init = xavier_uniform
  %b2 = param f32[10]       init = zeros
  %h1 = relu (add (matmul %x, %w1), %b1)
  %lg = add (matmul %h1, %w2), %b2
  %loss = softmax_cross_entropy %lg, %y
  minimize %loss using adam {lr = 0.01}
  return %lg
}
)");
  ASSERT_TRUE(fwd);
  auto step = trainStep(*fwd);
  ASSERT_TRUE(step);
  int saved = rt::threadCount();
  auto first = compileGraphs(step.get(), nullptr);
  auto second = compileGraphs(step.get(), nullptr);
  ASSERT_TRUE(first) << first.message();
  ASSERT_TRUE(second) << second.message();
  auto one = trainedParams(**first, *step, 1, 3);
  auto two = trainedParams(**first, *step, 2, 3);
  auto four = trainedParams(**first, *step, 4, 3);
  auto again = trainedParams(**second, *step, 4, 3);
  rt::setThreadCount(saved);
  ASSERT_FALSE(one.empty());
  for (size_t i = 0; i < one.size(); ++i) {
    ASSERT_EQ(one[i].size(), two[i].size());
    EXPECT_EQ(0, std::memcmp(one[i].data(), two[i].data(), one[i].size() * 4))
        << "update " << i << ", 1 vs 2 threads";
    EXPECT_EQ(0, std::memcmp(one[i].data(), four[i].data(), one[i].size() * 4))
        << "update " << i << ", 1 vs 4 threads";
    EXPECT_EQ(0,
              std::memcmp(four[i].data(), again[i].data(), one[i].size() * 4))
        << "update " << i << ", two compilations";
  }
}

TEST(Executable, InitializesLikeTheInterpreter) {
  auto fwd = parse(kClassifier);
  ASSERT_TRUE(fwd);
  auto step = trainStep(*fwd);
  ASSERT_TRUE(step);
  auto exe = compileGraphs(step.get(), fwd.get());
  ASSERT_TRUE(exe) << exe.message();
  (*exe)->initialize(5);
  ir::LeafValues want = training::initialState(*step, 5);
  for (auto &[node, value] : want)
    EXPECT_EQ(maxError(get(**exe, node->name()), value.data), 0.0)
        << node->name();
  // Both entries share the params: inference after a step sees the update.
  for (auto &[node, value] : training::randomInputs(*step, 5))
    put(**exe, node->name(), value);
  ASSERT_TRUE((*exe)->step());
  ASSERT_TRUE((*exe)->forward());
  ir::LeafValues leaves = training::initialState(*fwd, 5);
  for (auto &[node, value] : training::randomInputs(*fwd, 5))
    leaves[node] = value;
  for (ir::Node *p : fwd->params())
    leaves[p].data = get(**exe, p->name());
  auto eval = ir::evaluate(*fwd, leaves);
  ASSERT_TRUE(eval) << eval.message();
  EXPECT_LE(maxError(get(**exe, "lg"), eval->value(fwd->results()[0]).data),
            1e-5);
}

TEST(Executable, ReportsBadNamesAndSizes) {
  auto fwd = parse(kClassifier);
  ASSERT_TRUE(fwd);
  auto exe = compileGraphs(nullptr, fwd.get());
  ASSERT_TRUE(exe) << exe.message();
  float buf[4];
  EXPECT_FALSE((*exe)->copyIn("nope", buf, 16));
  EXPECT_FALSE((*exe)->copyIn("x", buf, 16));
  EXPECT_FALSE((*exe)->step());
  EXPECT_FALSE((*exe)->loss());
}

} // namespace
} // namespace voskhod::cpu::test
