//===- tests/unit/aot/DropoutTest.cpp - dropout's masks everywhere --------===//
///
/// Dropout's masks are a function of (seed, step, node, element) only
/// (support/Philox.h), so they must be the same in the float64 interpreter,
/// the JIT at one and two threads and the AOT object, and after a checkpoint
/// is loaded into a handle made from another seed. The model exposes each
/// step's mask exactly: its loss is the sum of dropout(w) and SGD with lr = 1
/// moves w by the mask times 1/(1-p), so an element of w changed iff it was
/// kept, by exactly the scale. The forward entry applies no dropout.
///
//===----------------------------------------------------------------------===//
#include "AotTestSupport.h"

#include "compiler/training/Initialize.h"
#include "compiler/training/InterpreterTrainer.h"

#include <cmath>
#include <cstring>

namespace voskhod::aot::test {
namespace {

constexpr int kRows = 250, kCols = 400, kElements = kRows * kCols;
constexpr int kSteps = 3;
constexpr uint64_t kSeed = 1234;

std::string model(double p) {
  char text[512];
  std::snprintf(text, sizeof text, R"(graph @drop {
  %%w = param f32[%d, %d] init = ones
  %%d = dropout %%w {p = %.17g}
  %%loss = reduce_sum %%d
  minimize %%loss using sgd {lr = 1}
  return %%d
}
)",
                kRows, kCols, p);
  return text;
}

std::vector<float> floats(const std::vector<uint8_t> &bytes) {
  std::vector<float> v(bytes.size() / sizeof(float));
  std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
  return v;
}

/// Which elements changed between two values of w: the kept ones.
std::vector<bool> kept(const std::vector<double> &before,
                       const std::vector<double> &after) {
  std::vector<bool> k(before.size());
  for (size_t i = 0; i < before.size(); ++i)
    k[i] = after[i] != before[i];
  return k;
}

std::vector<double> widen(const std::vector<uint8_t> &bytes) {
  std::vector<float> f = floats(bytes);
  return std::vector<double>(f.begin(), f.end());
}

/// w after each of `steps` steps (w before the first included).
using Trajectory = std::vector<std::vector<double>>;

Trajectory runJit(const Model &m, int threads) {
  std::unique_ptr<rt::Executable> exe = compileJit(m, kSeed, threads);
  Trajectory t{widen(jitBytes(*exe, "w"))};
  for (int s = 0; s < kSteps; ++s) {
    EXPECT_TRUE(exe->step());
    t.push_back(widen(jitBytes(*exe, "w")));
  }
  return t;
}

Trajectory runInterpreter(const Model &m) {
  const ir::Graph &step = *m.step;
  training::InterpreterTrainer trainer(step,
                                       training::initialState(step, kSeed));
  const ir::Node *w = step.findByName("w");
  Trajectory t{trainer.state().at(w).data};
  for (int s = 0; s < kSteps; ++s) {
    auto loss = trainer.runStep({});
    EXPECT_TRUE(loss) << loss.message();
    t.push_back(trainer.state().at(w).data);
  }
  return t;
}

Trajectory runAot(const AotLibrary &lib, uint64_t seed, int steps = kSteps) {
  AotHandle h(lib, "m", seed);
  Trajectory t{widen(h.param("w"))};
  for (int s = 0; s < steps; ++s) {
    h.trainStep({});
    t.push_back(widen(h.param("w")));
  }
  return t;
}

std::vector<std::vector<bool>> masks(const Trajectory &t) {
  std::vector<std::vector<bool>> m;
  for (size_t s = 0; s + 1 < t.size(); ++s)
    m.push_back(kept(t[s], t[s + 1]));
  return m;
}

const Model &halfModel() {
  static Model m = modelFromText(model(0.5), "drop.vg");
  return m;
}

TEST(Dropout, KeepRateAndScale) {
  for (double p : {0.5, 0.2, 0.9}) {
    Model m = modelFromText(model(p), "drop.vg");
    ASSERT_TRUE(m.step);
    Trajectory t = runJit(m, 1);
    // One step from w = 1: kept elements are 1 - 1/(1-p), exactly as f32
    // computes it, dropped ones stay 1.
    float scale = float(1 / (1 - p)), keptValue = 1.0f - scale;
    int64_t count = 0;
    for (int i = 0; i < kElements; ++i) {
      float v = float(t[1][size_t(i)]);
      ASSERT_TRUE(v == 1.0f || v == keptValue) << "p " << p << " at " << i;
      count += v == keptValue;
    }
    double n = kElements, mean = n * (1 - p),
           sigma = std::sqrt(n * p * (1 - p));
    EXPECT_LE(std::abs(double(count) - mean), 5 * sigma)
        << "p " << p << ": kept " << count << " of " << kElements;
  }
}

TEST(Dropout, NoDropoutAndOneDropsAll) {
  Model none = modelFromText(model(0), "drop.vg");
  Model all = modelFromText(model(1), "drop.vg");
  ASSERT_TRUE(none.step && all.step);
  Trajectory kept = runInterpreter(none), dropped = runInterpreter(all);
  for (double v : kept[1])
    ASSERT_EQ(v, 0.0); // 1 - 1, every element kept
  for (double v : dropped[1])
    ASSERT_EQ(v, 1.0); // every element dropped, w unchanged
}

TEST(Dropout, MasksAgreeAcrossBackendsAndThreads) {
  const Model &m = halfModel();
  ASSERT_TRUE(m.step);
  auto reference = masks(runInterpreter(m));
  ASSERT_EQ(reference.size(), size_t(kSteps));
  EXPECT_NE(reference[0], reference[1]) << "steps draw different masks";
  EXPECT_NE(reference[1], reference[2]) << "steps draw different masks";
  EXPECT_EQ(masks(runJit(m, 1)), reference) << "JIT, 1 thread";
  EXPECT_EQ(masks(runJit(m, 2)), reference) << "JIT, 2 threads";
  auto lib = AotLibrary::build(m, "m", freshDirectory("dropout"));
  ASSERT_TRUE(lib);
  EXPECT_EQ(masks(runAot(*lib, kSeed)), reference) << "AOT object";
  EXPECT_NE(masks(runAot(*lib, kSeed + 1)), reference)
      << "another run seed, the same object, other masks";
}

TEST(Dropout, ResumedRunDrawsTheSameMasks) {
  const Model &m = halfModel();
  auto lib = AotLibrary::build(m, "m", freshDirectory("dropout-resume"));
  ASSERT_TRUE(lib);
  Trajectory whole = runAot(*lib, kSeed);
  std::string path = freshDirectory("dropout-ckpt") + "/ckpt.safetensors";
  {
    AotHandle first(*lib, "m", kSeed);
    first.trainStep({});
    ASSERT_EQ(first.save(path), Ok) << first.lastError();
  }
  // Another seed: the mask's seed must come from the checkpoint.
  AotHandle resumed(*lib, "m", kSeed + 7);
  ASSERT_EQ(resumed.load(path), Ok) << resumed.lastError();
  for (int s = 1; s < kSteps; ++s) {
    resumed.trainStep({});
    EXPECT_EQ(widen(resumed.param("w")), whole[size_t(s + 1)])
        << "step " << s << " after resuming";
  }
}

TEST(Dropout, ForwardEntryDoesNotDrop) {
  const Model &m = halfModel();
  ASSERT_TRUE(m.forward);
  for (const ir::Node *n : *m.forward)
    EXPECT_FALSE(n->hasTrait(ir::OpTrait::ModeDependent) ||
                 n->is(ir::OpKind::DropoutTrain))
        << "the forward entry drops";
  auto lib = AotLibrary::build(m, "m", freshDirectory("dropout-forward"));
  ASSERT_TRUE(lib);
  AotHandle h(*lib, "m", kSeed);
  h.trainStep({}); // w is no longer all ones
  std::vector<std::vector<uint8_t>> out;
  ASSERT_EQ(h.forward({}, out), Ok) << h.lastError();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], h.param("w")) << "forward returns dropout(w) = w";
}

/// Dropout between two products: its training form fuses into the second
/// product's operand and its gradient into the first's, where the draw is
/// keyed by the element's index through the product's packing.
const char *kMlp = R"(graph @mlp {
  %x = input f32[24, 10]
  %y = input i32[24]
  %w1 = param f32[10, 33] init = he_normal
  %b1 = param f32[33] init = zeros
  %w2 = param f32[33, 5] init = xavier_uniform
  %h = dropout (relu (add (matmul %x, %w1), %b1)) {p = 0.4}
  %loss = softmax_cross_entropy (matmul %h, %w2), %y
  minimize %loss using sgd {lr = 0.1}
  return %loss
}
)";

TEST(Dropout, MlpTrainsAsTheInterpreterDoes) {
  Model m = modelFromText(kMlp, "mlp.vg");
  ASSERT_TRUE(m.step);
  auto lib = AotLibrary::build(m, "m", freshDirectory("dropout-mlp"));
  ASSERT_TRUE(lib);
  constexpr int kMlpSteps = 6;
  training::InterpreterTrainer trainer(*m.step,
                                       training::initialState(*m.step, kSeed));
  auto want = trainer.run(kMlpSteps, training::randomBatches(*m.step, kSeed));
  ASSERT_TRUE(want) << want.message();
  std::unique_ptr<rt::Executable> jit = compileJit(m, kSeed, 2);
  AotHandle h(*lib, "m", kSeed);
  for (int s = 0; s < kMlpSteps; ++s) {
    auto inputs = stepInputs(m, lib->api(), kSeed, uint64_t(s));
    feedJit(*jit, lib->api(), inputs);
    ASSERT_TRUE(jit->step());
    double got = *jit->loss();
    EXPECT_NEAR(got, (*want)[size_t(s)], 1e-4 * std::abs((*want)[size_t(s)]))
        << "step " << s;
    EXPECT_EQ(h.trainStep(inputs), got) << "the AOT object, step " << s;
  }
}

} // namespace
} // namespace voskhod::aot::test
