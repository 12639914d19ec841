//===- tests/unit/training/GradAccumulationTest.cpp - accumulate = k ------===//
///
/// Gradient accumulation in float64 on the interpreter: k micro-batch steps
/// of batch B update the parameters as one step of batch k·B does, through
/// Adam's bias corrections, weight decay and clipping, and the steps in
/// between change nothing but the gradient sums.
///
//===----------------------------------------------------------------------===//
#include "TestGraphs.h"

#include "compiler/training/Initialize.h"
#include "compiler/training/InterpreterTrainer.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace voskhod::training {
namespace {
using namespace ir;

constexpr int64_t kMicro = 4; // micro-batch size B
constexpr int64_t kSteps = 4; // k
constexpr int kUpdates = 50;

/// Update rules the equality is checked through: SGD is not invariant to
/// the gradient's scale, so a wrong mean fails it; AdamW's bias corrections
/// count updates, not micro-batches; clipping sees the mean gradient.
const char *kRules[] = {
    "sgd {lr = 0.05, momentum = 0.9, dampening = 0.1, weight_decay = 0.01} "
    "clip_grad_norm {max_norm = 5.0}",
    "adamw {lr = 0.01, weight_decay = 0.05} clip_grad_value {clip_value = "
    "0.05}",
};

/// A tanh MLP with a mean loss and batch `rows`, trained by `rule`;
/// `clause` ends the minimize statement.
std::string mlp(int64_t rows, const std::string &rule,
                const std::string &clause) {
  std::string r = std::to_string(rows);
  return R"(graph @mlp {
  %x = input f64[)" +
         r + R"(, 5]
  %t = input f64[)" +
         r + R"(, 3]
  %w1 = param f64[5, 7] init = xavier_uniform
  %b1 = param f64[7] init = uniform(-0.1, 0.1)
  %w2 = param f64[7, 3] init = xavier_uniform
  %h = tanh (add (matmul %x, %w1), %b1)
  %loss = mse_loss (matmul %h, %w2), %t
  minimize %loss using )" +
         rule + clause + R"(
  return %loss
})";
}

/// Row `i` of the data: fresh normal features and a target that depends on
/// them, the same for both runs.
struct Data {
  std::vector<double> x, t;
  explicit Data(int64_t rows) {
    std::mt19937_64 gen(20261207);
    std::normal_distribution<double> normal;
    for (int64_t i = 0; i < rows; ++i) {
      double s = 0;
      for (int j = 0; j < 5; ++j) {
        x.push_back(normal(gen));
        s += x.back() * (j + 1) * 0.2;
      }
      for (int j = 0; j < 3; ++j)
        t.push_back(std::sin(s + j) + 0.1 * normal(gen));
    }
  }
  LeafValues batch(const Graph &step, int64_t first, int64_t rows) const {
    LeafValues out;
    Node *xs = step.findByName("x");
    Node *ts = step.findByName("t");
    out.emplace(xs, HostTensor(xs->type(), {x.begin() + first * 5,
                                            x.begin() + (first + rows) * 5}));
    out.emplace(ts, HostTensor(ts->type(), {t.begin() + first * 3,
                                            t.begin() + (first + rows) * 3}));
    return out;
  }
};

double maxRelativeDifference(const std::vector<double> &a,
                             const std::vector<double> &b) {
  double diff = 0, scale = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::abs(a[i] - b[i]));
    scale = std::max(scale, std::abs(b[i]));
  }
  return diff / scale;
}

void checkAccumulationMatchesLargeBatch(const std::string &rule) {
  SCOPED_TRACE(rule);
  const int64_t large = kMicro * kSteps;
  Data data(large * kUpdates);
  auto accForward = testing::parse(
      mlp(kMicro, rule, " accumulate = " + std::to_string(kSteps)));
  auto bigForward = testing::parse(mlp(large, rule, ""));
  ASSERT_TRUE(accForward && bigForward);
  auto accStep = testing::trainStep(*accForward);
  auto bigStep = testing::trainStep(*bigForward);
  ASSERT_TRUE(accStep && bigStep);

  InterpreterTrainer acc(*accStep, initialState(*accStep, 3));
  InterpreterTrainer big(*bigStep, initialState(*bigStep, 3));
  const Node *micro = accStep->findByName("step.micro");
  ASSERT_TRUE(micro);
  for (int u = 0; u < kUpdates; ++u) {
    ASSERT_TRUE(big.runStep(data.batch(*bigStep, u * large, large)));
    for (int64_t j = 0; j < kSteps; ++j) {
      LeafValues before;
      for (Node *p : accStep->params())
        before.emplace(p, acc.state().at(p));
      ASSERT_TRUE(
          acc.runStep(data.batch(*accStep, u * large + j * kMicro, kMicro)));
      bool updated = j == kSteps - 1;
      EXPECT_EQ(acc.state().at(micro).data[0], updated ? 0 : j + 1);
      if (!updated) {
        for (Node *p : accStep->params())
          EXPECT_EQ(acc.state().at(p).data, before.at(p).data)
              << p->name() << " changed on micro-batch " << j;
      }
    }
  }
  EXPECT_EQ(acc.state().at(accStep->findByName("step")).data[0], kUpdates);
  for (Node *p : accStep->params()) {
    const Node *q = bigStep->findByName(p->name());
    double d =
        maxRelativeDifference(acc.state().at(p).data, big.state().at(q).data);
    EXPECT_LT(d, 1e-12) << p->name();
    // The runs moved the parameter: equal because they trained alike.
    EXPECT_GT(maxRelativeDifference(acc.state().at(p).data,
                                    initialState(*accStep, 3).at(p).data),
              1e-3)
        << p->name();
  }
}

TEST(GradAccumulation, KMicroBatchesUpdateAsOneLargeBatch) {
  for (const char *rule : kRules)
    checkAccumulationMatchesLargeBatch(rule);
}

/// Each micro-batch draws its own dropout masks: the same batch fed to the
/// micro-batches of one accumulation gives different losses, and a rerun
/// gives the same ones.
TEST(GradAccumulation, MicroBatchesDrawTheirOwnDropoutMasks) {
  auto forward = testing::parse(R"(graph @drop {
  %x = input f64[4, 5]
  %t = input f64[4, 3]
  %w = param f64[5, 3] init = xavier_uniform
  %h = dropout %x {p = 0.5}
  %loss = mse_loss (matmul %h, %w), %t
  minimize %loss using sgd {lr = 0.1} accumulate = 3
  return %loss
})");
  ASSERT_TRUE(forward);
  auto step = testing::trainStep(*forward);
  ASSERT_TRUE(step);
  Data data(4);
  LeafValues batch = data.batch(*step, 0, 4);
  auto run = [&] {
    InterpreterTrainer trainer(*step, initialState(*step, 11));
    std::vector<double> losses;
    for (int i = 0; i < 3; ++i)
      losses.push_back(*trainer.runStep(batch));
    return losses;
  };
  std::vector<double> losses = run();
  // The parameters do not change before the third micro-batch, so only the
  // masks can make the first two losses differ.
  EXPECT_NE(losses[0], losses[1]);
  EXPECT_EQ(run(), losses);
}

TEST(GradAccumulation, OneMicroBatchIsNoAccumulation) {
  auto plain = testing::parse(mlp(kMicro, kRules[0], ""));
  auto one = testing::parse(mlp(kMicro, kRules[0], " accumulate = 1"));
  ASSERT_TRUE(plain && one);
  auto plainStep = testing::trainStep(*plain);
  auto oneStep = testing::trainStep(*one);
  ASSERT_TRUE(plainStep && oneStep);
  EXPECT_FALSE(oneStep->findByName("step.micro"));
  EXPECT_EQ(plainStep->size(), oneStep->size());
}

} // namespace
} // namespace voskhod::training
