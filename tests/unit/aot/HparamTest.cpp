//===- tests/unit/aot/HparamTest.cpp - hyperparameters set at run time ----===//
///
/// An update rule's scalar settings are run-time values of the step
/// (support/Hyperparameters.h). A model compiled with settings A, then
/// given settings B at run time, must train exactly as the model compiled
/// with B: the same losses and parameters to the bit, on the JIT, the AOT
/// object and the float64 interpreter, for every update rule and every
/// hyperparameter it has, on fresh random batches. The comparison also runs
/// without the run-time change, and must then differ, so it cannot pass by
/// ignoring what was set. Unknown names are refused with the list of known
/// ones, and a checkpoint keeps what was set.
///
//===----------------------------------------------------------------------===//
#include "AotTestSupport.h"

#include "compiler/training/Initialize.h"
#include "compiler/training/InterpreterTrainer.h"
#include "support/Hyperparameters.h"

#include "runtime/aot/AotInternal.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

namespace voskhod::aot::test {
namespace {

/// A small classifier whose `minimize` clause is `using RULE`.
std::string classifier(const std::string &rule) {
  return R"(graph @hp {
  %x = input f32[8, 6]
  %y = input i32[8]
  %w1 = param f32[6, 16] init = he_normal
  %b1 = param f32[16] init = normal(0, 0.1)
  %w2 = param f32[16, 4] init = xavier_uniform
  %b2 = param f32[4] init = zeros
  %h = tanh (add (matmul %x, %w1), %b1)
  %loss = softmax_cross_entropy (add (matmul %h, %w2), %b2), %y
  minimize %loss using )" +
         rule + R"(
  return %loss
}
)";
}

using Settings = std::map<std::string, double>;

/// One update rule: its fixed part (boolean settings), the values the
/// reference model is compiled with, and the different values the other
/// model is compiled with and then told the reference's at run time.
struct RuleCase {
  std::string name, fixed;
  Settings wanted, compiled;
};

/// `NAME {FIXED, setting = value, ...}`, and a clipping clause for the
/// settings named max_norm or clip_value.
std::string ruleText(const RuleCase &c, const Settings &values) {
  std::string text = c.name + " {" + c.fixed, clip;
  for (const auto &[name, value] : values) {
    char number[64];
    std::snprintf(number, sizeof number, "%.17g", value);
    if (name == "max_norm" || name == "clip_value")
      clip = std::string(name == "max_norm" ? " clip_grad_norm {"
                                            : " clip_grad_value {") +
             name + " = " + number + "}";
    else
      text += (text.back() == '{' ? "" : ", ") + name + " = " + number;
  }
  return text + "}" + clip;
}

const RuleCase kCases[] = {
    {"sgd",
     "nesterov = false",
     {{"lr", 0.05},
      {"momentum", 0.9},
      {"dampening", 0.1},
      {"weight_decay", 0.01}},
     {{"lr", 0.3},
      {"momentum", 0.5},
      {"dampening", 0.4},
      {"weight_decay", 0.2}}},
    {"sgd",
     "nesterov = true",
     {{"lr", 0.05}, {"momentum", 0.7}},
     {{"lr", 0.01}, {"momentum", 0.95}}},
    {"adagrad",
     "",
     {{"lr", 0.1}, {"lr_decay", 0.01}, {"weight_decay", 0.02}, {"eps", 1e-6}},
     {{"lr", 0.02}, {"lr_decay", 0.3}, {"weight_decay", 0.5}, {"eps", 1e-3}}},
    {"rmsprop",
     "centered = true",
     {{"lr", 0.01},
      {"alpha", 0.9},
      {"eps", 1e-6},
      {"weight_decay", 0.01},
      {"momentum", 0.5}},
     {{"lr", 0.001},
      {"alpha", 0.6},
      {"eps", 1e-2},
      {"weight_decay", 0.3},
      {"momentum", 0.1}}},
    {"adam",
     "amsgrad = true",
     {{"lr", 0.01},
      {"beta1", 0.8},
      {"beta2", 0.95},
      {"eps", 1e-7},
      {"weight_decay", 0.01}},
     {{"lr", 0.2},
      {"beta1", 0.5},
      {"beta2", 0.7},
      {"eps", 1e-3},
      {"weight_decay", 0.3}}},
    {"adamw",
     "",
     {{"lr", 0.003},
      {"beta1", 0.85},
      {"beta2", 0.99},
      {"eps", 1e-8},
      {"weight_decay", 0.05}},
     {{"lr", 0.1},
      {"beta1", 0.3},
      {"beta2", 0.5},
      {"eps", 1e-2},
      {"weight_decay", 0.7}}},
    // The clipping limits are hyperparameters too.
    {"sgd",
     "",
     {{"lr", 0.05}, {"momentum", 0.5}, {"max_norm", 0.7}},
     {{"lr", 0.1}, {"momentum", 0.8}, {"max_norm", 3.0}}},
    {"adam",
     "",
     {{"lr", 0.01},
      {"beta1", 0.9},
      {"beta2", 0.99},
      {"eps", 1e-8},
      {"clip_value", 0.02}},
     {{"lr", 0.05},
      {"beta1", 0.6},
      {"beta2", 0.9},
      {"eps", 1e-4},
      {"clip_value", 0.5}}},
};

constexpr int kSteps = 12;
constexpr uint64_t kSeed = 21;

uint64_t bitsOf(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits;
}

std::vector<uint64_t> bitsOf(const std::vector<double> &losses) {
  std::vector<uint64_t> bits;
  for (double v : losses)
    bits.push_back(bitsOf(v));
  return bits;
}

/// What a run ends with: every step's loss and every parameter's bytes (for
/// the interpreter, its float64 values' bits).
struct TrainingRun {
  std::vector<uint64_t> losses;
  std::vector<std::vector<uint8_t>> params;
  bool operator==(const TrainingRun &) const = default;
};

TrainingRun runAot(const AotLibrary &lib, const Model &model,
                   const Settings *set) {
  AotHandle h(lib, "m", kSeed);
  if (set)
    for (const auto &[name, value] : *set)
      EXPECT_EQ(h.setHparam(name, value), Ok) << h.lastError();
  std::vector<double> losses;
  for (int i = 0; i < kSteps; ++i)
    losses.push_back(
        h.trainStep(stepInputs(model, lib.api(), kSeed, uint64_t(i))));
  return {bitsOf(losses), h.params()};
}

TrainingRun runJit(const AotLibrary &lib, const Model &model,
                   const Settings *set) {
  std::unique_ptr<rt::Executable> jit = compileJit(model, kSeed, 2);
  if (set)
    for (const auto &[name, value] : *set)
      EXPECT_TRUE(jit->setHparam(name, value));
  std::vector<double> losses;
  for (int i = 0; i < kSteps; ++i) {
    feedJit(*jit, lib.api(), stepInputs(model, lib.api(), kSeed, uint64_t(i)));
    EXPECT_TRUE(jit->step());
    losses.push_back(*jit->loss());
  }
  TrainingRun run{bitsOf(losses), {}};
  for (int i : lib.api().params)
    run.params.push_back(jitBytes(*jit, lib.api().tensors[size_t(i)].name));
  return run;
}

TrainingRun runInterpreter(const Model &model, const Settings *set) {
  const ir::Graph &step = *model.step;
  training::InterpreterTrainer trainer(step,
                                       training::initialState(step, kSeed));
  if (set)
    for (const auto &[name, value] : *set)
      EXPECT_TRUE(trainer.setHparam(name, value));
  auto losses = trainer.run(kSteps, training::randomBatches(step, kSeed));
  EXPECT_TRUE(losses) << losses.message();
  TrainingRun run{losses ? bitsOf(*losses) : std::vector<uint64_t>{}, {}};
  for (const ir::Node *p : step.params()) {
    const std::vector<double> &v = trainer.state().at(p).data;
    std::vector<uint8_t> bytes(v.size() * sizeof(double));
    std::memcpy(bytes.data(), v.data(), bytes.size());
    run.params.push_back(std::move(bytes));
  }
  return run;
}

class HparamCase : public ::testing::TestWithParam<RuleCase> {};

TEST_P(HparamCase, SetAtRunTimeTrainsAsCompiledWithIt) {
  const RuleCase &c = GetParam();
  Model wanted = modelFromText(classifier(ruleText(c, c.wanted)), "wanted.vg");
  Model other =
      modelFromText(classifier(ruleText(c, c.compiled)), "compiled.vg");
  ASSERT_TRUE(wanted.step && other.step);
  auto wantedLib = AotLibrary::build(wanted, "m", freshDirectory("hp"));
  auto otherLib = AotLibrary::build(other, "m", freshDirectory("hp"));
  ASSERT_TRUE(wantedLib && otherLib);

  // Every setting of the case is a hyperparameter of the step.
  std::unique_ptr<rt::Executable> probe = compileJit(other, kSeed, 1);
  std::vector<std::string> names = probe->hparamNames();
  EXPECT_EQ(names.size(), c.compiled.size());
  for (const auto &[name, value] : c.compiled) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
    EXPECT_EQ(*probe->hparam(name), double(float(value))) << name;
  }

  TrainingRun aot = runAot(*wantedLib, wanted, nullptr);
  EXPECT_EQ(runAot(*otherLib, other, &c.wanted), aot) << "AOT object";
  EXPECT_NE(runAot(*otherLib, other, nullptr), aot) << "AOT, nothing set";

  TrainingRun jit = runJit(*wantedLib, wanted, nullptr);
  EXPECT_EQ(runJit(*otherLib, other, &c.wanted), jit) << "JIT";
  EXPECT_NE(runJit(*otherLib, other, nullptr), jit) << "JIT, nothing set";
  EXPECT_EQ(jit, aot) << "the JIT and the AOT object agree";

  TrainingRun interp = runInterpreter(wanted, nullptr);
  EXPECT_EQ(runInterpreter(other, &c.wanted), interp) << "interpreter";
  EXPECT_NE(runInterpreter(other, nullptr), interp)
      << "interpreter, nothing set";
}

INSTANTIATE_TEST_SUITE_P(EveryRule, HparamCase, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<RuleCase> &info) {
                           return info.param.name + std::to_string(info.index);
                         });

TEST(AotHparams, PrefixMatchesTheCompilers) {
  EXPECT_EQ(std::string_view(VKAOT_HPARAM_PREFIX), kHparamPrefix);
}

TEST(AotHparams, UnknownNamesAndBadValuesAreRefused) {
  Model m = modelFromText(classifier("adam {lr = 0.01}"), "adam.vg");
  auto lib = AotLibrary::build(m, "m", freshDirectory("hp"));
  ASSERT_TRUE(lib);
  AotHandle h(*lib, "m", 1);
  double v = -1;
  ASSERT_EQ(h.hparam("lr", &v), Ok);
  EXPECT_EQ(v, double(0.01f));
  // A zero weight decay builds no term, so it is no hyperparameter.
  EXPECT_EQ(h.setHparam("weight_decay", 0.1), NotFound);
  EXPECT_EQ(h.lastError(), "set_hparam: no hyperparameter 'weight_decay' in "
                           "model 'm' (its hyperparameters: lr, beta1, "
                           "beta2, eps)");
  EXPECT_EQ(h.hparam("momentum", &v), NotFound);
  EXPECT_EQ(h.setHparam("lr", -0.5), ArgumentError);
  EXPECT_NE(h.lastError().find("finite non-negative"), std::string::npos);
  EXPECT_EQ(h.hparam("lr", nullptr), ArgumentError);
  ASSERT_EQ(h.hparam("lr", &v), Ok);
  EXPECT_EQ(v, double(0.01f)) << "a refused value changes nothing";

  std::unique_ptr<rt::Executable> jit = compileJit(m, 1, 1);
  Status s = jit->setHparam("weight_decay", 0.1);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "no hyperparameter 'weight_decay' in this step (its "
                         "hyperparameters: lr, beta1, beta2, eps)");
  EXPECT_FALSE(jit->setHparam("lr", std::nan("")));
  EXPECT_FALSE(jit->hparam("rho"));
}

TEST(AotHparams, CheckpointsKeepWhatWasSet) {
  Model m =
      modelFromText(classifier("sgd {lr = 0.01, momentum = 0.9}"), "sgd.vg");
  auto lib = AotLibrary::build(m, "m", freshDirectory("hp"));
  ASSERT_TRUE(lib);
  std::string path = freshDirectory("hp") + "/sgd.safetensors";
  {
    AotHandle h(*lib, "m", 1);
    ASSERT_EQ(h.setHparam("lr", 0.125), Ok);
    ASSERT_EQ(h.setHparam("momentum", 0.25), Ok);
    ASSERT_EQ(h.save(path), Ok) << h.lastError();
  }
  AotHandle h(*lib, "m", 1);
  double v = 0;
  ASSERT_EQ(h.hparam("lr", &v), Ok);
  EXPECT_EQ(v, double(0.01f));
  ASSERT_EQ(h.load(path), Ok) << h.lastError();
  ASSERT_EQ(h.hparam("lr", &v), Ok);
  EXPECT_EQ(v, 0.125);
  ASSERT_EQ(h.hparam("momentum", &v), Ok);
  EXPECT_EQ(v, 0.25);
}

} // namespace
} // namespace voskhod::aot::test
