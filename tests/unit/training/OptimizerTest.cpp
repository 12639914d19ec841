//===- tests/unit/training/OptimizerTest.cpp - updates vs the textbook ----===//
///
/// Every optimiser and every variant its settings select, run for several
/// steps of buildTrainStep's graph in the interpreter on fresh random
/// gradients, against the textbook update written as loops
/// (TextbookOptimizers.h). The loss is Σ c·p + ½Σ p² with a random input c
/// per step, so the gradient c + p depends on the parameter and errors in
/// the update feed back into later steps. Cases with gradient clipping clip
/// the textbook gradients the way PyTorch's clip_grad_norm_ and
/// clip_grad_value_ do before the update.
///
//===----------------------------------------------------------------------===//
#include "TestGraphs.h"
#include "TextbookOptimizers.h"

#include "compiler/training/Initialize.h"
#include "compiler/training/InterpreterTrainer.h"
#include "compiler/training/OptimizerSlots.h"

#include <random>

namespace voskhod::training {
namespace {
using namespace ir;
using testing::TextbookSettings;
using testing::TextbookState;

std::string quadraticModel(const std::string &optimizer) {
  return R"(graph @quadratic {
  %c = input f64[3, 4]
  %d = input f64[5]
  %p = param f64[3, 4] init = normal(0, 1)
  %q = param f64[5] init = uniform(-1, 1)
  %lp = add (reduce_sum (mul %c, %p)), (mul (reduce_sum (square %p)), 0.5)
  %lq = add (reduce_sum (mul %d, %q)), (mul (reduce_sum (square %q)), 0.5)
  %loss = add %lp, %lq
  minimize %loss using )" +
         optimizer + R"(
  return %loss
})";
}

TextbookSettings textbookSettings(const Minimize &m) {
  TextbookSettings s{std::string(optimizerName(m.optimizer)), {}};
  for (const auto &[name, value] : m.settings.items())
    s.values[name] = std::holds_alternative<bool>(value)
                         ? double(std::get<bool>(value))
                         : std::get<double>(value);
  return s;
}

void expectNear(const std::vector<double> &got, const std::vector<double> &want,
                const std::string &what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], 1e-12 * (1 + std::abs(want[i])))
        << what << "[" << i << "]";
}

class OptimizerTest : public ::testing::TestWithParam<const char *> {};

TEST_P(OptimizerTest, StepsMatchTextbookFormula) {
  auto forward = testing::parse(quadraticModel(GetParam()));
  ASSERT_TRUE(forward);
  auto step = testing::trainStep(*forward);
  ASSERT_TRUE(step);
  TextbookSettings settings = textbookSettings(*forward->minimize());

  LeafValues initial = initialState(*step, /*seed=*/11);
  InterpreterTrainer trainer(*step, initial);
  const char *paramNames[] = {"p", "q"};
  const char *inputNames[] = {"c", "d"};
  std::map<std::string, TextbookState> reference;
  for (const char *name : paramNames)
    reference[name].param = initial.at(step->findByName(name)).data;

  std::mt19937_64 rng(1234);
  std::normal_distribution<double> normal;
  for (int t = 1; t <= 5; ++t) {
    LeafValues batch;
    double expectedLoss = 0;
    std::vector<std::vector<double>> grads(2);
    for (int k = 0; k < 2; ++k) {
      Node *in = step->findByName(inputNames[k]);
      HostTensor c(in->type());
      for (double &v : c.data)
        v = normal(rng);
      TextbookState &ref = reference[paramNames[k]];
      std::vector<double> &grad = grads[size_t(k)];
      grad.resize(c.data.size());
      for (size_t i = 0; i < grad.size(); ++i) {
        grad[i] = c.data[i] + ref.param[i];
        expectedLoss +=
            c.data[i] * ref.param[i] + 0.5 * ref.param[i] * ref.param[i];
      }
      batch.emplace(in, std::move(c));
    }
    if (const auto &clip = forward->minimize()->clip)
      testing::textbookClip(*clip, grads);
    for (int k = 0; k < 2; ++k)
      testing::textbookStep(settings, reference[paramNames[k]],
                            grads[size_t(k)], t);
    Expected<double> loss = trainer.runStep(batch);
    ASSERT_TRUE(loss) << loss.message();
    EXPECT_NEAR(*loss, expectedLoss, 1e-12 * (1 + std::abs(expectedLoss)));

    for (const auto &[name, ref] : reference) {
      std::string at = name + " after step " + std::to_string(t);
      expectNear(trainer.state().at(step->findByName(name)).data, ref.param,
                 at);
      for (const auto &[slot, values] : ref.slots) {
        Node *leaf = step->findByName(name + "." + slot);
        ASSERT_TRUE(leaf && leaf->is(OpKind::State)) << name << "." << slot;
        expectNear(trainer.state().at(leaf).data, values,
                   name + "." + slot + " after step " + std::to_string(t));
      }
    }
    EXPECT_EQ(trainer.state().at(step->findByName("step")).data,
              std::vector<double>{double(t)});
  }

  // The graph keeps exactly the slots the textbook update uses.
  for (const auto &[name, ref] : reference) {
    size_t slots = 0;
    for (Node *s : step->states())
      if (s->name().rfind(name + ".", 0) == 0)
        ++slots;
    EXPECT_EQ(slots, ref.slots.size()) << name;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Optimizers, OptimizerTest,
    ::testing::Values(
        "sgd {lr = 0.1}", "sgd {lr = 0.1, weight_decay = 0.05}",
        "sgd {lr = 0.1, momentum = 0.9}",
        "sgd {lr = 0.1, momentum = 0.9, dampening = 0.3, weight_decay = 0.01}",
        "sgd {lr = 0.05, momentum = 0.8, nesterov = true, weight_decay = 0.1}",
        "adagrad {}",
        "adagrad {lr = 0.1, lr_decay = 0.05, weight_decay = 0.1, "
        "initial_accumulator_value = 0.2, eps = 1e-6}",
        "rmsprop {}", "rmsprop {momentum = 0.8}",
        "rmsprop {centered = true, weight_decay = 0.1}",
        "rmsprop {lr = 0.02, rho = 0.9, eps = 1e-4, momentum = 0.5, "
        "centered = true}",
        "rmsprop {lr = 0.02, alpha = 0.8, weight_decay = 0.05}", "adam {}",
        "adam {lr = 0.01, beta1 = 0.8, beta2 = 0.99, weight_decay = 0.1}",
        "adam {amsgrad = true, eps = 1e-3}", "adamw {}",
        "adamw {lr = 0.01, weight_decay = 0.5, amsgrad = true}",
        "adamw {lr = 0.02, betas = [0.85, 0.99], eps = 1e-6}",
        // Gradient clipping before the update: by the global 2-norm (1.5 is
        // below the typical norm here, so it scales), by the largest
        // element, by value, and by a norm too large to scale anything.
        "sgd {lr = 0.1, momentum = 0.9} clip_grad_norm {max_norm = 1.5}",
        "adam {lr = 0.01} clip_grad_norm {max_norm = 0.8, norm_type = inf}",
        "adamw {lr = 0.02, weight_decay = 0.1} clip_grad_value "
        "{clip_value = 0.3}",
        "rmsprop {momentum = 0.5} clip_grad_norm {max_norm = 100}"));

} // namespace
} // namespace voskhod::training
