//===- tests/unit/training/BatchNormTest.cpp - batch norm's two forms -----===//
///
/// batch_norm's training form (batch statistics, running statistics updated
/// with the unbiased variance) and evaluation form (running statistics)
/// against a float64 reference written here, on random data of rank 2 and
/// rank 4, and against PyTorch's BatchNorm2d (tests/data/batch_norm, from
/// bench/reference/batch_norm.py); its gradients by finite differences through
/// the training form; and the forward entry after a few interpreted steps
/// reading the updated running statistics.
///
//===----------------------------------------------------------------------===//
#include "TestGraphs.h"

#include "compiler/autodiff/GradCheck.h"
#include "compiler/interpreter/Interpreter.h"
#include "compiler/ir/Verifier.h"
#include "compiler/training/Initialize.h"
#include "compiler/training/InterpreterTrainer.h"
#include "compiler/training/ModeSpecialization.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <random>
#include <sstream>

namespace voskhod::training {
namespace {
using namespace ir;

constexpr double kMomentum = 0.3, kEps = 1e-3;
/// Central differences with a step of 1e-6 carry about 1e-10 of rounding
/// noise, so the smaller gradient elements show relative errors near 1e-6
/// (tests/unit/autodiff/GradCase.h); a wrong rule is off by order 1.
constexpr double kGradTolerance = 1e-5;

/// A graph of one batch_norm on x of `shape` (channels on axis 1), f64, with
/// a mean-squared loss against a random target so that every gradient is
/// non-trivial.
std::string batchNormGraph(const std::vector<int64_t> &shape) {
  std::string text = R"(graph @bn {
  %x = param f64[DIMS] init = normal(0, 1)
  %t = input f64[DIMS]
  %gamma = param f64[C] init = ones
  %beta = param f64[C] init = zeros
  %rm = state f64[C] init = zeros
  %rv = state f64[C] init = ones
  %y = batch_norm %x, %gamma, %beta, %rm, %rv {momentum = 0.3, eps = 0.001}
  %loss = mse_loss %y, %t
  minimize %loss using sgd {lr = 0.1}
  return %y
}
)";
  std::string dims;
  for (int64_t d : shape)
    dims += (dims.empty() ? "" : ", ") + std::to_string(d);
  for (size_t at; (at = text.find("DIMS")) != std::string::npos;)
    text.replace(at, 4, dims);
  for (size_t at; (at = text.find("[C]")) != std::string::npos;)
    text.replace(at, 3, "[" + std::to_string(shape[1]) + "]");
  return text;
}

/// Every leaf random (never zeros); running_var positive.
LeafValues randomLeaves(const Graph &g, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> value(-2, 2), positive(0.2, 3);
  LeafValues leaves;
  for (Node *n : g) {
    if (!n->hasTrait(OpTrait::Leaf) || n->is(OpKind::Const))
      continue;
    HostTensor t(n->type());
    for (double &v : t.data)
      v = n->name() == "rv" ? positive(rng) : value(rng);
    leaves[n] = std::move(t);
  }
  return leaves;
}

/// The float64 reference: per channel c, the mean and biased variance over
/// every element of x whose axis-1 index is c.
struct Reference {
  std::vector<double> y, mean, biasedVar, runningMean, runningVar;
};

Reference reference(const Shape &shape, const std::vector<double> &x,
                    const std::vector<double> &gamma,
                    const std::vector<double> &beta,
                    const std::vector<double> &rm,
                    const std::vector<double> &rv, bool train) {
  int64_t channels = shape[1], inner = 1;
  for (size_t d = 2; d < shape.size(); ++d)
    inner *= shape[d];
  auto channelOf = [&](size_t i) {
    return size_t((int64_t(i) / inner) % channels);
  };
  size_t count = x.size() / size_t(channels);
  Reference r;
  r.mean.assign(size_t(channels), 0);
  r.biasedVar.assign(size_t(channels), 0);
  for (size_t i = 0; i < x.size(); ++i)
    r.mean[channelOf(i)] += x[i] / double(count);
  for (size_t i = 0; i < x.size(); ++i) {
    double d = x[i] - r.mean[channelOf(i)];
    r.biasedVar[channelOf(i)] += d * d / double(count);
  }
  for (size_t c = 0; c < size_t(channels); ++c) {
    r.runningMean.push_back((1 - kMomentum) * rm[c] + kMomentum * r.mean[c]);
    double unbiased = r.biasedVar[c] * double(count) / double(count - 1);
    r.runningVar.push_back((1 - kMomentum) * rv[c] + kMomentum * unbiased);
  }
  for (size_t i = 0; i < x.size(); ++i) {
    size_t c = channelOf(i);
    double m = train ? r.mean[c] : rm[c], v = train ? r.biasedVar[c] : rv[c];
    r.y.push_back((x[i] - m) / std::sqrt(v + kEps) * gamma[c] + beta[c]);
  }
  return r;
}

void expectNear(const std::vector<double> &got, const std::vector<double> &want,
                const char *what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], 1e-10 * (1 + std::abs(want[i])))
        << what << " [" << i << "]";
}

const std::vector<double> &valueOf(const LeafValues &leaves, const Graph &g,
                                   const char *name) {
  return leaves.at(g.findByName(name)).data;
}

class BatchNormForms : public ::testing::TestWithParam<std::vector<int64_t>> {};

TEST_P(BatchNormForms, TrainingFormUsesBatchStatisticsAndUpdatesRunningOnes) {
  auto g = testing::parse(batchNormGraph(GetParam()));
  ASSERT_TRUE(g);
  ASSERT_TRUE(specializeForMode(*g, Mode::Train));
  for (const Node *n : *g)
    EXPECT_FALSE(n->is(OpKind::BatchNorm));
  ASSERT_EQ(g->updates().size(), 2u);
  EXPECT_EQ(g->updates()[0].target, g->findByName("rm"));
  EXPECT_EQ(g->updates()[1].target, g->findByName("rv"));
  DiagnosticEngine diags;
  EXPECT_TRUE(verify(*g, diags));
  for (uint32_t seed : {11u, 12u}) {
    LeafValues leaves = randomLeaves(*g, seed);
    auto eval = evaluate(*g, leaves);
    ASSERT_TRUE(eval) << eval.message();
    Reference want =
        reference(g->findByName("x")->shape(), valueOf(leaves, *g, "x"),
                  valueOf(leaves, *g, "gamma"), valueOf(leaves, *g, "beta"),
                  valueOf(leaves, *g, "rm"), valueOf(leaves, *g, "rv"), true);
    expectNear(eval->value(g->results()[0]).data, want.y, "y");
    LeafValues next = nextLeafValues(*g, *eval, leaves);
    expectNear(valueOf(next, *g, "rm"), want.runningMean, "running_mean");
    expectNear(valueOf(next, *g, "rv"), want.runningVar, "running_var");
  }
}

TEST_P(BatchNormForms, EvaluationFormUsesRunningStatistics) {
  auto g = testing::parse(batchNormGraph(GetParam()));
  auto specialised = testing::parse(batchNormGraph(GetParam()));
  ASSERT_TRUE(g && specialised);
  ASSERT_TRUE(specializeForMode(*specialised, Mode::Eval));
  EXPECT_TRUE(specialised->updates().empty());
  for (uint32_t seed : {21u, 22u}) {
    LeafValues leaves = randomLeaves(*g, seed);
    Reference want =
        reference(g->findByName("x")->shape(), valueOf(leaves, *g, "x"),
                  valueOf(leaves, *g, "gamma"), valueOf(leaves, *g, "beta"),
                  valueOf(leaves, *g, "rm"), valueOf(leaves, *g, "rv"), false);
    // Unspecialised, the interpreter runs the evaluation form too.
    auto direct = evaluate(*g, leaves);
    ASSERT_TRUE(direct) << direct.message();
    expectNear(direct->value(g->results()[0]).data, want.y, "unspecialised");
    LeafValues same;
    for (auto &[node, value] : leaves)
      same[specialised->findByName(node->name())] = value;
    auto built = evaluate(*specialised, same);
    ASSERT_TRUE(built) << built.message();
    expectNear(built->value(specialised->results()[0]).data, want.y,
               "evaluation form");
  }
}

TEST_P(BatchNormForms, TrainingFormGradientsMatchFiniteDifferences) {
  auto g = testing::parse(batchNormGraph(GetParam()));
  ASSERT_TRUE(g);
  ASSERT_TRUE(specializeForMode(*g, Mode::Train));
  auto errors = autodiff::checkGradients(*g, randomLeaves(*g, 31));
  ASSERT_TRUE(errors) << errors.message();
  ASSERT_EQ(errors->size(), 3u); // x, gamma, beta
  for (const autodiff::ParamGradError &e : *errors)
    EXPECT_LT(e.maxRelError, kGradTolerance) << e.param;
}

TEST_P(BatchNormForms, UnspecialisedGradientsMatchFiniteDifferences) {
  // The rule a graph never specialised meets: the evaluation form's.
  auto g = testing::parse(batchNormGraph(GetParam()));
  ASSERT_TRUE(g);
  auto errors = autodiff::checkGradients(*g, randomLeaves(*g, 32));
  ASSERT_TRUE(errors) << errors.message();
  for (const autodiff::ParamGradError &e : *errors)
    EXPECT_LT(e.maxRelError, kGradTolerance) << e.param;
}

INSTANTIATE_TEST_SUITE_P(Ranks, BatchNormForms,
                         ::testing::Values(std::vector<int64_t>{6, 3},
                                           std::vector<int64_t>{3, 4, 2, 3}));

TEST(BatchNorm, ForwardEntryReadsTheRunningStatisticsTheStepsUpdated) {
  auto forward = testing::parse(batchNormGraph({4, 3, 2, 2}));
  ASSERT_TRUE(forward);
  auto step = testing::trainStep(*forward);
  ASSERT_TRUE(step);
  const Node *rm = step->findByName("rm"), *rv = step->findByName("rv");
  int updated = 0;
  for (const Update &u : step->updates())
    updated += u.target == rm || u.target == rv;
  EXPECT_EQ(updated, 2) << "the specialisation's updates reach the step";

  InterpreterTrainer trainer(*step, initialState(*step, 5));
  auto losses = trainer.run(4, randomBatches(*step, 6));
  ASSERT_TRUE(losses) << losses.message();
  std::vector<double> runningMean = trainer.state().at(rm).data,
                      runningVar = trainer.state().at(rv).data;
  EXPECT_NE(runningMean, std::vector<double>(3, 0.0)) << "never updated";

  forward->minimize().reset();
  specializeForMode(*forward, Mode::Eval);
  LeafValues leaves = randomLeaves(*forward, 41);
  for (auto &[node, value] : trainer.state())
    if (const Node *same = forward->findByName(node->name()))
      if (same->hasTrait(OpTrait::Stateful))
        leaves[same] = value;
  auto eval = evaluate(*forward, leaves);
  ASSERT_TRUE(eval) << eval.message();
  Reference want = reference(
      forward->findByName("x")->shape(), valueOf(leaves, *forward, "x"),
      valueOf(leaves, *forward, "gamma"), valueOf(leaves, *forward, "beta"),
      runningMean, runningVar, false);
  expectNear(eval->value(forward->results()[0]).data, want.y, "forward");
}

TEST(BatchNorm, MatchesTorchBatchNorm2d) {
  nlohmann::json ref = nlohmann::json::parse(
      testing::readFile(VOSKHOD_SOURCE_DIR "/tests/data/batch_norm/bn2d.json"));
  ASSERT_EQ(ref["momentum"].get<double>(), 0.2);
  ASSERT_EQ(ref["eps"].get<double>(), kEps);
  std::string text = batchNormGraph(ref["shape"].get<std::vector<int64_t>>());
  text.replace(text.find("momentum = 0.3"), 14, "momentum = 0.2");
  auto train = testing::parse(text), eval = testing::parse(text);
  ASSERT_TRUE(train && eval);
  ASSERT_TRUE(specializeForMode(*train, Mode::Train));
  ASSERT_TRUE(specializeForMode(*eval, Mode::Eval));
  auto set = [](const Graph &g, LeafValues &leaves, const char *name,
                const nlohmann::json &values) {
    const Node *n = g.findByName(name);
    leaves[n] = HostTensor(n->type(), values.get<std::vector<double>>());
  };
  LeafValues leaves = randomLeaves(*train, 61);
  set(*train, leaves, "gamma", ref["gamma"]);
  set(*train, leaves, "beta", ref["beta"]);
  set(*train, leaves, "rm", ref["running_mean"]);
  set(*train, leaves, "rv", ref["running_var"]);
  for (const nlohmann::json &call : ref["train"]) {
    set(*train, leaves, "x", call["x"]);
    auto values = evaluate(*train, leaves);
    ASSERT_TRUE(values) << values.message();
    expectNear(values->value(train->results()[0]).data,
               call["y"].get<std::vector<double>>(), "torch y");
    leaves = nextLeafValues(*train, *values, leaves);
    expectNear(valueOf(leaves, *train, "rm"),
               call["running_mean"].get<std::vector<double>>(),
               "torch running_mean");
    expectNear(valueOf(leaves, *train, "rv"),
               call["running_var"].get<std::vector<double>>(),
               "torch running_var");
  }
  LeafValues evalLeaves;
  for (auto &[node, value] : leaves)
    evalLeaves[eval->findByName(node->name())] = value;
  set(*eval, evalLeaves, "x", ref["eval"]["x"]);
  auto values = evaluate(*eval, evalLeaves);
  ASSERT_TRUE(values) << values.message();
  expectNear(values->value(eval->results()[0]).data,
             ref["eval"]["y"].get<std::vector<double>>(), "torch eval y");
}

TEST(BatchNorm, NanInOneChannelStaysInThatChannel) {
  auto g = testing::parse(batchNormGraph({4, 3}));
  ASSERT_TRUE(g);
  ASSERT_TRUE(specializeForMode(*g, Mode::Train));
  LeafValues leaves = randomLeaves(*g, 51);
  leaves.at(g->findByName("x")).data[1] = std::nan(""); // channel 1
  auto eval = evaluate(*g, leaves);
  ASSERT_TRUE(eval) << eval.message();
  const std::vector<double> &y = eval->value(g->results()[0]).data;
  for (size_t i = 0; i < y.size(); ++i)
    EXPECT_EQ(std::isnan(y[i]), i % 3 == 1) << i;
  LeafValues next = nextLeafValues(*g, *eval, leaves);
  EXPECT_TRUE(std::isnan(valueOf(next, *g, "rm")[1]));
  EXPECT_TRUE(std::isnan(valueOf(next, *g, "rv")[1]));
  EXPECT_FALSE(std::isnan(valueOf(next, *g, "rm")[0]));
}

TEST(BatchNorm, TrainingNeedsStateRunningStatistics) {
  std::string text = batchNormGraph({4, 3});
  text.replace(text.find("%rv = state"), 11, "%rv = param");
  auto g = testing::parse(text);
  ASSERT_TRUE(g);
  DiagnosticEngine diags;
  diags.addSource("test.vg", text);
  EXPECT_FALSE(buildTrainStep(*g, diags));
  std::ostringstream os;
  diags.print(os);
  EXPECT_NE(os.str().find("test.vg:8:"), std::string::npos) << os.str();
  EXPECT_NE(os.str().find("running_var must be a 'state' leaf, got %rv"),
            std::string::npos)
      << os.str();
}

} // namespace
} // namespace voskhod::training
