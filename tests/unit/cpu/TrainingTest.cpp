//===- tests/unit/cpu/TrainingTest.cpp - whole steps vs the interpreter ---===//
///
/// Compiled training steps (forward, backward and update in one call)
/// against the interpreter for several steps: the seed classifier with SGD
/// and weight decay, an MLP with Adam, momentum with Nesterov, and a
/// regression, and a model fed NaN and infinities; then bitwise determinism
/// across 1, 2 and 4 threads (an MLP and a CNN) and across compilations,
/// executables with their own thread counts run interleaved and from two
/// threads at once, and agreement of params initialised by the Executable with
/// the interpreter's.
///
//===----------------------------------------------------------------------===//
#include "CpuTestUtil.h"

#include "runtime/ThreadPool.h"
#include "support/Hyperparameters.h"

#include <cstring>
#include <thread>

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

/// silu and reduce_prod's gradients (PyTorch's rule at zeros, with its
/// selects) compiled into a whole step: relu makes some of the two factors
/// of a row exact zeros.
TEST(Training, SiluAndProductGate) {
  checkTraining(R"(
graph @gate {
  %x  = input f32[12, 7]
  %y  = input i32[12]
  %w1 = param f32[7, 9] init = he_uniform
  %w2 = param f32[9, 4] init = xavier_uniform
  %w3 = param f32[7, 2] init = he_uniform
  %h  = silu (matmul %x, %w1)
  %f  = relu (add (matmul %x, %w3), 0.5)
  %g  = reduce_prod (add %f, 0.25) {axes = [1], keepdims = true}
  %z  = reduce_prod %f {axes = [1], keepdims = true}
  %lg = add (mul (matmul %h, %w2), %g), %z
  %loss = softmax_cross_entropy %lg, %y
  minimize %loss using adam {lr = 0.01, eps = 0.001}
  return %lg
}
)",
                4, 1e-4);
}

/// Batched products in a whole step: attention-like scores over heads, a
/// projection by a shared weight, and operands broadcast along batch dims
/// on either side, whose gradients sum over those dims.
const char *kBatched = R"(
graph @batched {
  %x  = input f32[4, 6, 8]
  %y  = input i32[24]
  %wq = param f32[2, 8, 5] init = normal(0, 0.4)
  %wk = param f32[1, 8, 5] init = normal(0, 0.4)
  %wo = param f32[8, 3]    init = xavier_uniform
  %xs = reshape %x {shape = [4, 1, 6, 8]}
  %q  = matmul %xs, %wq
  %k  = matmul %xs, %wk
  %a  = softmax (matmul %q, %k {transpose_b = true})
  %h  = matmul %a, %xs
  %lg = reshape (matmul (reduce_mean %h {axes = [1]}), %wo) {shape = [24, 3]}
  %loss = softmax_cross_entropy %lg, %y
  minimize %loss using adam {lr = 0.01, eps = 0.001}
  return %lg
}
)";

TEST(Training, BatchedProducts) { checkTraining(kBatched, 4, 1e-4); }

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

TEST(Training, NanAndInfinitiesInInputs) {
  // NaN and infinities among %x and %t: every loss, param and state must be
  // NaN, infinite or finite where the interpreter's is. Each weight meets
  // one x and one t, so a NaN spreads only along its own element and, by
  // the row max, its row; a max or min that dropped a NaN of %t would leave
  // finite weights where the interpreter has NaN.
  checkTraining(R"(
graph @specials {
  %x = input f32[8, 5]
  %t = input f32[8, 5]
  %w = param f32[8, 5] init = normal(0, 1)
  %h = mul %x, %w
  %a = maximum (relu %h), (minimum %h, %t)
  %m = reduce_max (maximum %t, %h) {axes = [1], keepdims = true}
  %loss = add (reduce_mean (square %a)), (reduce_mean %m)
  minimize %loss using adam {lr = 0.01, eps = 0.001}
  return %a
}
)",
                2, 1e-4, /*seed=*/7, CpuOptions{}, /*specials=*/true);
}

/// Params after `steps` steps from the initial values on `threads` threads.
std::vector<std::vector<float>> trainedParams(rt::Executable &exe,
                                              const ir::Graph &step,
                                              int threads, int steps) {
  exe.setThreads(threads);
  exe.initialize(11);
  // Slots and the counter back to zero; the hyperparameters keep the
  // graph's values.
  for (const rt::TensorInfo &t : exe.tensors())
    if (t.role == rt::TensorRole::State && hparamOfTensor(t.name).empty())
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

/// Big enough that loops and products split over the pool's threads.
const char *kWide = R"(
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
)";

TEST(Determinism, ThreadCountsAndRuns) {
  auto fwd = parse(kWide);
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

/// Attention-like products with enough batches of enough work that the
/// packed GEMM runs its batches over the pool's threads.
const char *kWideBatched = R"(
graph @wide_batched {
  %x  = input f32[16, 128, 64]
  %y  = input i32[2048]
  %wq = param f32[4, 64, 64] init = normal(0, 0.1)
  %wk = param f32[1, 64, 64] init = normal(0, 0.1)
  %wo = param f32[64, 10]    init = xavier_uniform
  %xs = reshape %x {shape = [16, 1, 128, 64]}
  %q  = matmul %xs, %wq
  %k  = matmul %xs, %wk
  %a  = softmax (matmul %q, %k {transpose_b = true})
  %h  = reduce_mean (matmul %a, %xs) {axes = [1]}
  %lg = reshape (matmul %h, %wo) {shape = [2048, 10]}
  %loss = softmax_cross_entropy %lg, %y
  minimize %loss using adam {lr = 0.01}
  return %lg
}
)";

TEST(Determinism, BatchedProductsOnOneTwoAndFourThreads) {
  auto fwd = parse(kWideBatched);
  ASSERT_TRUE(fwd);
  auto step = trainStep(*fwd);
  ASSERT_TRUE(step);
  int saved = rt::threadCount();
  auto exe = compileGraphs(step.get(), nullptr);
  ASSERT_TRUE(exe) << exe.message();
  auto one = trainedParams(**exe, *step, 1, 3);
  auto two = trainedParams(**exe, *step, 2, 3);
  auto four = trainedParams(**exe, *step, 4, 3);
  rt::setThreadCount(saved);
  ASSERT_FALSE(one.empty());
  for (size_t i = 0; i < one.size(); ++i) {
    ASSERT_EQ(one[i].size(), two[i].size());
    EXPECT_EQ(0, std::memcmp(one[i].data(), two[i].data(), one[i].size() * 4))
        << "update " << i << ", 1 vs 2 threads";
    EXPECT_EQ(0, std::memcmp(one[i].data(), four[i].data(), one[i].size() * 4))
        << "update " << i << ", 1 vs 4 threads";
  }
}

/// A CNN (conv2d, batch norm, ReLU, max and average pools, Adam) whose
/// expanded products and tap maxima split over the pool's threads.
const char *kCnn = R"(
graph @cnn {
  %x  = input f32[32, 3, 16, 16]
  %y  = input i32[32]
  %w1 = param f32[16, 3, 3, 3]  init = he_normal
  %g1 = param f32[16]           init = ones
  %e1 = param f32[16]           init = zeros
  %m1 = state f32[16]           init = zeros
  %v1 = state f32[16]           init = ones
  %w2 = param f32[32, 16, 3, 3] init = he_normal
  %b2 = param f32[32]           init = zeros
  %w3 = param f32[512, 10]      init = he_normal
  %c1 = conv2d %x, %w1 {padding = [1, 1]}
  %p1 = max_pool2d (relu (batch_norm %c1, %g1, %e1, %m1, %v1)) {kernel = [2, 2]}
  %c2 = add (conv2d %p1, %w2 {padding = [1, 1]}), (reshape %b2 {shape = [1, 32, 1, 1]})
  %p2 = avg_pool2d (relu %c2) {kernel = [2, 2]}
  %lg = matmul (reshape %p2 {shape = [32, 512]}), %w3
  %loss = softmax_cross_entropy %lg, %y
  minimize %loss using adam {lr = 0.01}
  return %lg
}
)";

TEST(Determinism, CnnOnOneTwoAndFourThreads) {
  auto fwd = parse(kCnn);
  ASSERT_TRUE(fwd);
  auto step = trainStep(*fwd);
  ASSERT_TRUE(step);
  int saved = rt::threadCount();
  auto exe = compileGraphs(step.get(), nullptr);
  ASSERT_TRUE(exe) << exe.message();
  auto one = trainedParams(**exe, *step, 1, 3);
  auto two = trainedParams(**exe, *step, 2, 3);
  auto four = trainedParams(**exe, *step, 4, 3);
  auto fresh = trainedParams(**exe, *step, 1, 0);
  rt::setThreadCount(saved);
  ASSERT_FALSE(one.empty());
  for (size_t i = 0; i < one.size(); ++i) {
    ASSERT_EQ(one[i].size(), two[i].size());
    EXPECT_EQ(0, std::memcmp(one[i].data(), two[i].data(), one[i].size() * 4))
        << "update " << i << ", 1 vs 2 threads";
    EXPECT_EQ(0, std::memcmp(one[i].data(), four[i].data(), one[i].size() * 4))
        << "update " << i << ", 1 vs 4 threads";
  }
  EXPECT_NE(0, std::memcmp(one[0].data(), fresh[0].data(), one[0].size() * 4))
      << "training moved nothing";
}

/// One training run on an executable, a step at a time, with its inputs
/// drawn beforehand so that runs on several threads only read shared data.
struct TrainingRun {
  TrainingRun(rt::Executable &exe, const ir::Graph &step, uint64_t seed,
              int steps)
      : exe(exe), step(step), seed(seed) {
    for (int s = 0; s < steps; ++s)
      batches.push_back(training::randomInputs(step, seed, uint64_t(s)));
  }
  void start() {
    exe.initialize(seed);
    for (const rt::TensorInfo &t : exe.tensors())
      if (t.role == rt::TensorRole::State)
        std::memset(exe.data(t.name), 0, size_t(t.bytes()));
  }
  void runStep(size_t s) {
    for (auto &[node, value] : batches[s])
      put(exe, node->name(), value);
    EXPECT_TRUE(exe.step());
  }
  std::vector<std::vector<float>> params() {
    std::vector<std::vector<float>> out;
    for (const ir::Update &u : step.updates()) {
      const float *p = exe.dataAs<float>(u.target->name());
      out.emplace_back(p, p + u.target->type().numElements());
    }
    return out;
  }
  std::vector<std::vector<float>> all() {
    start();
    for (size_t s = 0; s < batches.size(); ++s)
      runStep(s);
    return params();
  }
  rt::Executable &exe;
  const ir::Graph &step;
  uint64_t seed;
  std::vector<ir::LeafValues> batches;
};

bool sameBits(const std::vector<std::vector<float>> &a,
              const std::vector<std::vector<float>> &b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].size() != b[i].size() ||
        std::memcmp(a[i].data(), b[i].data(), a[i].size() * 4) != 0)
      return false;
  return true;
}

TEST(Determinism, ExecutablesKeepTheirOwnPools) {
  auto fwd = parse(kWide);
  ASSERT_TRUE(fwd);
  auto step = trainStep(*fwd);
  ASSERT_TRUE(step);
  // A global count neither executable asks for, to see that no compile
  // changes it.
  int saved = rt::threadCount();
  const int global = 3;
  rt::setThreadCount(global);
  CpuOptions oneThread, twoThreads;
  oneThread.threads = 1;
  twoThreads.threads = 2;
  auto a = compileGraphs(step.get(), nullptr, oneThread);
  ASSERT_TRUE(a) << a.message();
  EXPECT_EQ((*a)->threads(), 1);
  auto b = compileGraphs(step.get(), nullptr, twoThreads);
  ASSERT_TRUE(b) << b.message();
  EXPECT_EQ((*b)->threads(), 2);
  EXPECT_EQ((*a)->threads(), 1) << "compiling b changed a's thread count";
  EXPECT_EQ(rt::threadCount(), global) << "a compile changed the global pool";

  // Each alone, one after the other, from different seeds.
  TrainingRun runA(**a, *step, 21, 4), runB(**b, *step, 22, 4);
  auto aloneA = runA.all(), aloneB = runB.all();
  ASSERT_FALSE(aloneA.empty());
  EXPECT_FALSE(sameBits(aloneA, aloneB)) << "the two runs should differ";

  // Interleaved on one thread, step by step.
  runA.start();
  runB.start();
  for (size_t s = 0; s < runA.batches.size(); ++s) {
    runA.runStep(s);
    runB.runStep(s);
  }
  EXPECT_TRUE(sameBits(runA.params(), aloneA)) << "a, interleaved";
  EXPECT_TRUE(sameBits(runB.params(), aloneB)) << "b, interleaved";

  // From two threads at once, a few times over.
  for (int round = 0; round < 3; ++round) {
    std::vector<std::vector<float>> gotA, gotB;
    std::thread ta([&] { gotA = runA.all(); });
    std::thread tb([&] { gotB = runB.all(); });
    ta.join();
    tb.join();
    EXPECT_TRUE(sameBits(gotA, aloneA)) << "a, concurrent, round " << round;
    EXPECT_TRUE(sameBits(gotB, aloneB)) << "b, concurrent, round " << round;
  }
  EXPECT_EQ((*a)->threads(), 1);
  EXPECT_EQ((*b)->threads(), 2);
  EXPECT_EQ(rt::threadCount(), global);
  rt::setThreadCount(saved);
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
