//===- tests/unit/training/TrainStepTest.cpp - the step graph's form ------===//
///
/// What buildTrainStep produces besides the update arithmetic (checked in
/// OptimizerTest.cpp): the graph's interface (name, result, updates, state
/// leaves and how they start), its text round trip, the dtypes of the
/// optimiser arithmetic, and the diagnostics for graphs it cannot train.
///
//===----------------------------------------------------------------------===//
#include "TestGraphs.h"

#include "compiler/ir/Verifier.h"
#include "compiler/text/Printer.h"
#include "compiler/training/Initialize.h"

#include <tuple>

namespace voskhod::training {
namespace {
using namespace ir;

const std::string kClassifier =
    testing::readFile(VOSKHOD_SOURCE_DIR "/examples/classifier.vg");

std::string withOptimizer(const std::string &model, const std::string &opt) {
  std::string text = model;
  size_t at = text.find("using ") + 6;
  size_t end = text.find('\n', at);
  return text.replace(at, end - at, opt);
}

/// The target names of the step's updates, in order.
std::vector<std::string> updateTargets(const Graph &g) {
  std::vector<std::string> names;
  for (const Update &u : g.updates())
    names.push_back(u.target->name());
  return names;
}

TEST(TrainStep, InterfaceOfTheSeedClassifier) {
  auto forward = testing::parse(kClassifier);
  auto step = testing::trainStep(*forward);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->name(), "classifier.step");
  EXPECT_FALSE(step->minimize());
  ASSERT_EQ(step->results().size(), 1u);
  EXPECT_EQ(step->results()[0]->name(), "loss");
  // Plain SGD keeps no slots: the new states are the step counter and the
  // run-time hyperparameters its settings need, scalars in the params'
  // dtype that start at the graph's values.
  ASSERT_EQ(step->states().size(), 3u);
  Node *counter = step->states()[0];
  EXPECT_EQ(counter->name(), "step");
  EXPECT_EQ(counter->type(), (TensorType{DType::F32, {}}));
  for (auto [i, name, value] :
       {std::tuple{1, "hparam.lr", 0.01}, {2, "hparam.weight_decay", 0.05}}) {
    Node *h = step->states()[size_t(i)];
    EXPECT_EQ(h->name(), name);
    EXPECT_EQ(h->type(), (TensorType{DType::F32, {}}));
    EXPECT_EQ(h->init(), (InitSpec{InitKind::Constant, value}));
  }
  EXPECT_EQ(
      updateTargets(*step),
      (std::vector<std::string>{"w1", "b1", "w2", "b2", "w3", "b3", "step"}));
  for (const Update &u : step->updates())
    EXPECT_EQ(u.value->name(), u.target->name() + ".next");
  // Leaves come first, as in the forward graph.
  for (size_t i = 0; i < 9; ++i)
    EXPECT_TRUE(step->node(i)->hasTrait(OpTrait::Leaf) &&
                !step->node(i)->is(OpKind::Const))
        << i;
  DiagnosticEngine diags;
  EXPECT_TRUE(verify(*step, diags));
}

TEST(TrainStep, PrintsAndParsesBack) {
  auto forward = testing::parse(
      withOptimizer(kClassifier, "adam {amsgrad = true, weight_decay = 0.1}"));
  auto step = testing::trainStep(*forward);
  ASSERT_TRUE(step);
  std::string text = printGraph(*step);
  auto reparsed = testing::parse(text, "step.vg");
  ASSERT_TRUE(reparsed);
  EXPECT_EQ(printGraph(*reparsed), text);
  EXPECT_EQ(reparsed->updates().size(), step->updates().size());
}

TEST(TrainStep, SlotsAreNamedAndStartAsPyTorchStarts) {
  auto forward = testing::parse(
      withOptimizer(kClassifier, "adagrad {initial_accumulator_value = 0.25}"));
  auto step = testing::trainStep(*forward);
  ASSERT_TRUE(step);
  LeafValues values = initialState(*step, /*seed=*/3);
  for (Node *p : step->params()) {
    Node *sum = step->findByName(p->name() + ".sum");
    ASSERT_TRUE(sum && sum->is(OpKind::State)) << p->name();
    EXPECT_EQ(sum->type(), p->type());
    for (double v : values.at(sum).data)
      EXPECT_EQ(v, 0.25);
  }
  EXPECT_EQ(values.at(step->findByName("step")).data, std::vector<double>{0.0});

  auto adam = testing::trainStep(
      *testing::parse(withOptimizer(kClassifier, "adam {}")));
  ASSERT_TRUE(adam);
  EXPECT_TRUE(adam->findByName("w2.exp_avg"));
  EXPECT_TRUE(adam->findByName("w2.exp_avg_sq"));
  EXPECT_FALSE(adam->findByName("w2.max_exp_avg_sq"));
  // The counter, lr, beta1, beta2, eps, and two slots per param.
  EXPECT_EQ(adam->states().size(), 1u + 4 + 6 * 2);
}

TEST(TrainStep, OptimizerArithmeticStaysInTheParamDType) {
  auto countConverts = [](const Graph &g) {
    int n = 0;
    for (Node *node : g)
      n += node->is(OpKind::Convert);
    return n;
  };
  auto f32 = testing::trainStep(
      *testing::parse(withOptimizer(kClassifier, "adam {}")));
  ASSERT_TRUE(f32);
  EXPECT_EQ(countConverts(*f32), 0);
  std::string f64Text = kClassifier;
  for (size_t at; (at = f64Text.find("f32")) != std::string::npos;)
    f64Text.replace(at, 3, "f64");
  auto f64 =
      testing::trainStep(*testing::parse(withOptimizer(f64Text, "adam {}")));
  ASSERT_TRUE(f64);
  // The f32 step counter is converted once, then shared by every param.
  EXPECT_EQ(countConverts(*f64), 1);
  // Only the counter and its increment are f32.
  Node *counterNext = f64->findByName("step.next");
  ASSERT_TRUE(counterNext);
  for (Node *n : *f64)
    if (n->dtype() == DType::F32)
      EXPECT_TRUE(n->name() == "step" || n == counterNext ||
                  n == counterNext->operand(1))
          << describeNode(n);
}

TEST(TrainStep, KeepsTheForwardGraphsOwnUpdates) {
  auto forward = testing::parse(R"(graph @counted {
  %x = input f32[4]
  %w = param f32[4] init = ones
  %seen = state f32[] init = zeros
  %loss = reduce_sum (mul %x, %w)
  %seen2 = add %seen, 1
  minimize %loss using sgd {lr = 0.1}
  update %seen = %seen2
  return %loss
})");
  auto step = testing::trainStep(*forward);
  ASSERT_TRUE(step);
  EXPECT_EQ(updateTargets(*step),
            (std::vector<std::string>{"seen", "w", "step"}));
}

TEST(TrainStep, ParamTheLossIgnoresIsNotTrained) {
  auto forward = testing::parse(R"(graph @partial {
  %x = input f32[4]
  %w = param f32[4] init = ones
  %unused = param f32[4] init = ones
  %loss = reduce_sum (mul %x, %w)
  minimize %loss using adam {}
  return %loss
})");
  DiagnosticEngine diags;
  auto step = buildTrainStep(*forward, diags);
  ASSERT_TRUE(step);
  EXPECT_FALSE(diags.hasErrors());
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].severity, Severity::Warning);
  EXPECT_EQ(diags.diagnostics()[0].message,
            "parameter %unused does not affect the loss and is not trained");
  EXPECT_EQ(diags.diagnostics()[0].loc.line, 4u);
  EXPECT_EQ(
      updateTargets(*step),
      (std::vector<std::string>{"w", "w.exp_avg", "w.exp_avg_sq", "step"}));
  EXPECT_FALSE(step->findByName("unused.exp_avg"));
}

/// The one error buildTrainStep reports for `text`.
Diagnostic trainError(const std::string &text) {
  auto forward = testing::parse(text);
  DiagnosticEngine diags;
  EXPECT_FALSE(buildTrainStep(*forward, diags));
  EXPECT_EQ(diags.errorCount(), 1u);
  return diags.diagnostics().empty() ? Diagnostic{}
                                     : diags.diagnostics().back();
}

TEST(TrainStep, RejectsGraphsItCannotTrain) {
  Diagnostic d = trainError(R"(graph @inference {
  %x = input f32[2]
  %w = param f32[2]
  %y = mul %x, %w
  return %y
})");
  EXPECT_EQ(d.message,
            "graph @inference has no 'minimize' clause: there is nothing to "
            "train");

  d = trainError(withOptimizer(kClassifier, "sgd {nesterov = true}"));
  EXPECT_EQ(d.message,
            "sgd with nesterov = true needs momentum > 0 and dampening = 0");
  EXPECT_EQ(d.loc.line, 15u);

  d = trainError(withOptimizer(kClassifier, "adam {beta2 = 1}"));
  EXPECT_EQ(d.message, "adam needs beta2 < 1, got 1.0");

  d = trainError(R"(graph @clash {
  %x = input f32[2]
  %w = param f32[2]
  %w.exp_avg = mul %x, %w
  %loss = reduce_sum %w.exp_avg
  minimize %loss using adam {}
  return %loss
})");
  EXPECT_EQ(d.message, "'%w.exp_avg' is reserved for the state of optimizer "
                       "'adam'; rename this value");
  EXPECT_EQ(d.loc.line, 4u);

  d = trainError(R"(graph @clash {
  %step = input f32[2]
  %w = param f32[2]
  %loss = reduce_sum (mul %step, %w)
  minimize %loss using sgd {}
  return %loss
})");
  EXPECT_EQ(d.message, "'%step' is reserved for the training step's "
                       "counter; rename this value");
  EXPECT_EQ(d.loc.line, 2u);

  d = trainError(R"(graph @constant {
  %x = input f32[2]
  %w = param f32[2]
  %loss = reduce_sum %x
  minimize %loss using sgd {}
  return %loss
})");
  EXPECT_EQ(d.message, "nothing to train: the loss depends on no param");

  d = trainError(R"(graph @assigned {
  %x = input f32[2]
  %w = param f32[2]
  %loss = reduce_sum (mul %x, %w)
  minimize %loss using sgd {}
  update %w = %x
  return %loss
})");
  EXPECT_EQ(d.message,
            "%w is assigned by an 'update' but is trained by the optimizer");
  EXPECT_EQ(d.loc.line, 3u);
}

} // namespace
} // namespace voskhod::training
