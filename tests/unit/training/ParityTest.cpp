//===- tests/unit/training/ParityTest.cpp - losses match PyTorch's --------===//
///
/// Replays tests/reference/data/<case>.json, written by PyTorch in float64
/// (tests/reference/make_parity.py): the same model, initial values,
/// optimiser and batches, trained for 100 steps in voskhod's float64
/// interpreter, must give every step's loss to 1e-9 relative.
///
//===----------------------------------------------------------------------===//
#include "TestGraphs.h"

#include "compiler/training/Initialize.h"
#include "compiler/training/InterpreterTrainer.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace voskhod::training {
namespace {
using namespace ir;
using nlohmann::json;

const std::string kReferenceDir = VOSKHOD_SOURCE_DIR "/tests/reference";

/// `values` as a tensor of `leaf`'s type; fails the test on a size mismatch.
HostTensor tensorFor(const Node *leaf, const json &values) {
  HostTensor t(leaf->type());
  EXPECT_EQ(values.size(), t.data.size()) << "values for %" << leaf->name();
  for (size_t i = 0; i < t.data.size() && i < values.size(); ++i)
    t.data[i] = values[i].get<double>();
  return t;
}

/// The minimize clause's settings agree with the ones PyTorch ran with.
void expectSameSettings(const Graph &forward, const json &run) {
  ASSERT_TRUE(forward.minimize());
  const Minimize &m = *forward.minimize();
  EXPECT_EQ(optimizerName(m.optimizer), run["optimizer"].get<std::string>());
  for (const auto &[given, value] : run["settings"].items()) {
    // The reference files may use an alias (`rho` for RMSProp's `alpha`).
    std::vector<std::string_view> names =
        resolveOptimizerSetting(m.optimizer, given);
    ASSERT_EQ(names.size(), 1u) << "setting " << given;
    const std::string name(names[0]);
    const AttrValue *v = m.settings.find(name);
    ASSERT_TRUE(v) << "setting " << name;
    if (value.is_boolean())
      EXPECT_EQ(std::get<bool>(*v), value.get<bool>()) << name;
    else
      EXPECT_EQ(std::get<double>(*v), value.get<double>()) << name;
  }
}

class ParityTest : public ::testing::TestWithParam<const char *> {};

TEST_P(ParityTest, LossesMatchPyTorch) {
  std::string name = GetParam();
  json run = json::parse(
      testing::readFile(kReferenceDir + "/data/" + name + ".json"), nullptr,
      /*allow_exceptions=*/false);
  ASSERT_FALSE(run.is_discarded()) << "bad json for " << name;
  std::string modelPath =
      kReferenceDir + "/models/" + run["model"].get<std::string>();
  auto forward = testing::parse(testing::readFile(modelPath), modelPath);
  ASSERT_TRUE(forward);
  expectSameSettings(*forward, run);
  auto step = testing::trainStep(*forward);
  ASSERT_TRUE(step);

  // Slots and the step counter start as the optimiser says; params as
  // PyTorch's run did.
  LeafValues state = initialState(*step, /*seed=*/0);
  for (Node *p : step->params()) {
    ASSERT_TRUE(run["initial"].contains(p->name())) << "%" << p->name();
    state[p] = tensorFor(p, run["initial"][p->name()]["values"]);
  }
  const json &inputs = run["inputs"];
  BatchProvider batches = [&](uint64_t index) -> Expected<LeafValues> {
    LeafValues batch;
    for (Node *in : step->inputs())
      batch.emplace(in, tensorFor(in, inputs[in->name()][index]));
    return batch;
  };

  const json &expected = run["losses"];
  InterpreterTrainer trainer(*step, std::move(state));
  Expected<std::vector<double>> losses = trainer.run(expected.size(), batches);
  ASSERT_TRUE(losses) << losses.message();
  ASSERT_EQ(losses->size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    double want = expected[i].get<double>();
    EXPECT_LE(std::abs((*losses)[i] - want), 1e-9 * std::abs(want))
        << name << " step " << i << ": voskhod " << (*losses)[i] << ", PyTorch "
        << want;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Models, ParityTest,
    ::testing::Values("classifier_sgd", "classifier_nesterov",
                      "classifier_adagrad", "classifier_rmsprop",
                      "classifier_adam", "classifier_adamw", "multilabel",
                      "regression_l1", "exp_fit"));

} // namespace
} // namespace voskhod::training
