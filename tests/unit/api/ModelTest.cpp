//===- tests/unit/api/ModelTest.cpp - the public API, used and misused ----===//
///
/// voskhod::compile and the Model it returns, through <voskhod/voskhod.h>
/// only: training lowers the loss, parameters read and write by name, a
/// checkpoint round-trips, the graph prints and parses back, and every
/// misuse (wrong input name, shape or dtype, a step before initialisation,
/// another model's checkpoint, a model outliving its Graph) is an error
/// message rather than a crash.
///
//===----------------------------------------------------------------------===//
#include <voskhod/voskhod.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

using namespace voskhod;

namespace {

constexpr int64_t kBatch = 8, kIn = 3;

/// y = x·w + b, fitted by SGD on mean squared error.
void buildRegression(Graph &g) {
  Tensor x = g.input("x", f32({kBatch, kIn}));
  Tensor y = g.input("y", f32({kBatch, 1}));
  Tensor w = g.param("w", f32({kIn, 1}), init::xavierUniform());
  Tensor b = g.param("b", f32({1}), init::zeros());
  Tensor prediction = (x.matmul(w) + b).named("prediction");
  g.minimize(nn::mseLoss(prediction, y), optim::SGD{.lr = 0.1});
  g.returns({prediction});
}

/// The CPU where this build has it; the interpreter in builds without LLVM
/// (the sanitizer build), so that the checks of a Model's arguments, which
/// do not depend on the target, run there too.
CompileOptions testOptions(CompileOptions options = {}) {
  if (options.target == Target::Cpu && !targetAvailable(Target::Cpu))
    options.target = Target::Interpreter;
  options.optimize = false; // tiny: compile fast
  return options;
}

Expected<Model> compileRegression(CompileOptions options = {}) {
  Graph g("regression");
  buildRegression(g);
  return compile(g, testOptions(options));
}

/// A fresh random batch whose targets follow a fixed linear rule.
struct Batch {
  std::vector<float> x, y;
};
Batch randomBatch(std::mt19937 &rng) {
  std::normal_distribution<float> normal;
  Batch batch;
  for (int64_t i = 0; i < kBatch; ++i) {
    float target = 0.5f;
    for (int64_t j = 0; j < kIn; ++j) {
      batch.x.push_back(normal(rng));
      target += float(j + 1) * batch.x.back();
    }
    batch.y.push_back(target);
  }
  return batch;
}

Inputs feed(const Batch &b) {
  return {{"x", TensorView(b.x, {kBatch, kIn})},
          {"y", TensorView(b.y, {kBatch, 1})}};
}

std::string scratchPath(const std::string &name) {
  return (std::filesystem::temp_directory_path() /
          ("voskhod-api-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

/// The learning rate set at run time gives, bit for bit, the losses of the
/// graph written with it; an unknown name is an error that lists the known.
TEST(Model, HyperparametersAreSetWithoutRecompiling) {
  auto compileWithLr = [](double lr) {
    Graph g("regression");
    Tensor x = g.input("x", f32({kBatch, kIn}));
    Tensor y = g.input("y", f32({kBatch, 1}));
    Tensor w = g.param("w", f32({kIn, 1}), init::xavierUniform());
    Tensor prediction = x.matmul(w).named("prediction");
    g.minimize(nn::mseLoss(prediction, y), optim::SGD{.lr = lr});
    g.returns({prediction});
    return compile(g, testOptions());
  };
  auto set = compileWithLr(0.1), written = compileWithLr(0.03);
  ASSERT_TRUE(set) << set.message();
  ASSERT_TRUE(written) << written.message();
  set->initialize(5);
  written->initialize(5);
  EXPECT_EQ(set->hparamNames(), std::vector<std::string>{"lr"});
  ASSERT_TRUE(set->setHparam("lr", 0.03));
  EXPECT_EQ(*set->hparam("lr"), double(0.03f));
  Status unknown = set->setHparam("momentum", 0.9);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.message().find("lr"), std::string::npos)
      << unknown.message();
  std::mt19937 rng(8);
  for (int step = 0; step < 5; ++step) {
    Batch b = randomBatch(rng);
    auto a = set->trainStep(feed(b)), c = written->trainStep(feed(b));
    ASSERT_TRUE(a && c);
    EXPECT_EQ(*a, *c) << "step " << step;
  }
}

/// With accumulateGradients(3) every third step updates, and reports so;
/// the two between leave the parameters as they were.
TEST(Model, AccumulatingStepsReportWhenTheyUpdate) {
  Graph g("regression");
  buildRegression(g);
  g.accumulateGradients(3);
  auto model = compile(g, testOptions());
  ASSERT_TRUE(model) << model.message();
  model->initialize(2);
  std::mt19937 rng(3);
  for (int step = 0; step < 6; ++step) {
    auto before = model->parameter("w");
    ASSERT_TRUE(before);
    ASSERT_TRUE(model->trainStep(feed(randomBatch(rng))));
    bool updates = step % 3 == 2;
    auto updated = model->stepUpdated();
    ASSERT_TRUE(updated) << updated.message();
    EXPECT_EQ(*updated, updates) << "step " << step;
    auto after = model->parameter("w");
    EXPECT_EQ(*after->values<float>() != *before->values<float>(), updates)
        << "step " << step;
  }
  Graph bad("bad");
  bad.accumulateGradients(2);
  auto refused = bad.build();
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.message().find("needs a 'minimize'"), std::string::npos)
      << refused.message();
}

TEST(Model, TrainingLowersTheLoss) {
  auto model = compileRegression();
  ASSERT_TRUE(model) << model.message();
  std::mt19937 rng(7);
  auto first = model->trainStep(feed(randomBatch(rng)));
  ASSERT_TRUE(first) << first.message();
  double last = *first;
  for (int i = 0; i < 200; ++i) {
    auto loss = model->trainStep(feed(randomBatch(rng)));
    ASSERT_TRUE(loss) << loss.message();
    last = *loss;
  }
  EXPECT_LT(last, 0.01 * *first);
  auto w = model->parameter("w");
  ASSERT_TRUE(w) << w.message();
  auto values = w->values<float>();
  ASSERT_TRUE(values) << values.message();
  for (int64_t j = 0; j < kIn; ++j)
    EXPECT_NEAR((*values)[size_t(j)], float(j + 1), 0.05);
}

/// `fit` matches data to the model as `voskhod train` does: 2×3 images (as
/// an IDX file holds them) feed an input [4, 1, 2, 3] and are standardised
/// per channel; images of another shape are an error naming both.
TEST(Model, FitTakesImagesWithTheirShape) {
  Graph g("images");
  Tensor x = g.input("x", f32({4, 1, 2, 3}));
  Tensor y = g.input("y", i32({4}));
  Tensor w = g.param("w", f32({6, 2}), init::xavierUniform());
  Tensor logits = x.reshape({4, 6}).matmul(w).named("logits");
  g.minimize(nn::softmaxCrossEntropy(logits, y), optim::SGD{.lr = 0.1});
  g.returns({logits});
  auto model = compile(g, testOptions());
  ASSERT_TRUE(model) << model.message();
  rt::Dataset images;
  images.source = "images.idx";
  images.labelSource = "labels.idx";
  images.numFeatures = 6;
  images.exampleShape = {2, 3};
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0, 2);
  for (int64_t r = 0; r < 8; ++r)
    for (int64_t j = 0; j < 6; ++j)
      images.features.push_back(float(5 + 3 * j) + normal(rng));
  images.classes = {0, 1, 0, 1, 0, 1, 0, 1};
  rt::TrainerOptions options;
  options.epochs = 1;
  options.progressStyle = rt::ProgressReporter::Style::Quiet;
  rt::DataSplits data{.train = images};
  auto report = model->fit(data, options);
  ASSERT_TRUE(report) << report.message();
  EXPECT_EQ(report->stepsDone, 2);
  // One mean for the channel: the pixel of lowest offset stays below it.
  double first = 0, all = 0;
  for (int64_t r = 0; r < 8; ++r) {
    first += data.train.features[size_t(r * 6)] / 8.0;
    for (int64_t j = 0; j < 6; ++j)
      all += data.train.features[size_t(r * 6 + j)] / 48.0;
  }
  EXPECT_NEAR(all, 0.0, 1e-5);
  EXPECT_LT(first, -0.5);

  rt::DataSplits transposed{.train = images};
  transposed.train.exampleShape = {3, 2};
  auto refused = model->fit(transposed, options);
  ASSERT_FALSE(refused);
  for (const char *part : {"images.idx", "[1, 3, 2]", "[4, 1, 2, 3]"})
    EXPECT_NE(refused.message().find(part), std::string::npos)
        << refused.message();
}

TEST(Model, DescribesItsTensors) {
  auto model = compileRegression();
  ASSERT_TRUE(model) << model.message();
  EXPECT_EQ(model->name(), "regression");
  ASSERT_EQ(model->inputs().size(), 2u);
  ASSERT_EQ(model->forwardInputs().size(), 1u); // the labels are not needed
  EXPECT_EQ(model->forwardInputs()[0].name, "x");
  ASSERT_EQ(model->parameters().size(), 2u);
  EXPECT_EQ(model->parameters()[0].shape, (std::vector<int64_t>{kIn, 1}));
  ASSERT_EQ(model->outputs().size(), 1u);
  EXPECT_EQ(model->outputs()[0].shape, (std::vector<int64_t>{kBatch, 1}));
}

TEST(Model, ForwardUsesWrittenParameters) {
  auto model = compileRegression();
  ASSERT_TRUE(model) << model.message();
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> uniform(-2, 2);
  std::vector<float> w{uniform(rng), uniform(rng), uniform(rng)},
      b{uniform(rng)};
  ASSERT_TRUE(model->setParameter("w", TensorView(w, {kIn, 1})));
  ASSERT_TRUE(model->setParameter("b", TensorView(b, {1})));
  Batch batch = randomBatch(rng);
  auto out = model->forward({{"x", TensorView(batch.x, {kBatch, kIn})}});
  ASSERT_TRUE(out) << out.message();
  ASSERT_EQ(out->size(), 1u);
  auto predictions = (*out)[0].values<float>();
  ASSERT_TRUE(predictions) << predictions.message();
  for (int64_t i = 0; i < kBatch; ++i) {
    float expected = b[0];
    for (int64_t j = 0; j < kIn; ++j)
      expected += batch.x[size_t(i * kIn + j)] * w[size_t(j)];
    EXPECT_NEAR((*predictions)[size_t(i)], expected, 1e-5);
  }
}

TEST(Model, SaveAndLoadRoundTrip) {
  auto model = compileRegression();
  ASSERT_TRUE(model) << model.message();
  std::mt19937 rng(11);
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(model->trainStep(feed(randomBatch(rng))));
  std::string path = scratchPath("roundtrip.safetensors");
  ASSERT_TRUE(model->save(path));

  auto restored = compileRegression({.initialize = false});
  ASSERT_TRUE(restored) << restored.message();
  Status loaded = restored->load(path);
  ASSERT_TRUE(loaded) << loaded.message();
  std::filesystem::remove(path);
  for (const char *name : {"w", "b"}) {
    auto a = model->parameter(name), b = restored->parameter(name);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->bytes, b->bytes) << name;
  }
  // Both continue identically.
  Batch batch = randomBatch(rng);
  auto l1 = model->trainStep(feed(batch)),
       l2 = restored->trainStep(feed(batch));
  ASSERT_TRUE(l1 && l2);
  EXPECT_EQ(*l1, *l2);
}

TEST(Model, GraphTextRoundTrips) {
  Graph g("regression");
  buildRegression(g);
  auto text = toText(g);
  ASSERT_TRUE(text) << text.message();
  auto parsed = parseGraph(*text, "regression.vg");
  ASSERT_TRUE(parsed) << parsed.message();
  EXPECT_EQ(toText(**parsed), *text);
  auto model = compile(**parsed, testOptions());
  ASSERT_TRUE(model) << model.message();

  auto bad = parseGraph("graph @g { %x = input f32[2 }", "bad.vg");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.message().find("bad.vg:1:"), std::string::npos)
      << bad.message();
}

TEST(ModelMisuse, UnknownOrMissingInput) {
  auto model = compileRegression();
  ASSERT_TRUE(model) << model.message();
  std::mt19937 rng(1);
  Batch batch = randomBatch(rng);
  Inputs inputs = feed(batch);
  inputs["z"] = inputs["x"];
  auto unknown = model->trainStep(inputs);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.message().find("has no input 'z'"), std::string::npos)
      << unknown.message();

  auto missing = model->trainStep({{"x", TensorView(batch.x, {kBatch, kIn})}});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.message().find("needs input 'y'"), std::string::npos)
      << missing.message();
}

TEST(ModelMisuse, WrongShapeOrDtype) {
  auto model = compileRegression();
  ASSERT_TRUE(model) << model.message();
  std::mt19937 rng(2);
  Batch batch = randomBatch(rng);

  Inputs wrongShape = feed(batch);
  wrongShape["x"] = TensorView(batch.x, {kIn, kBatch});
  auto shape = model->trainStep(wrongShape);
  ASSERT_FALSE(shape);
  EXPECT_NE(shape.message().find("input 'x' is f32[8, 3], given f32[3, 8]"),
            std::string::npos)
      << shape.message();

  std::vector<double> wide(batch.x.begin(), batch.x.end());
  Inputs wrongDtype = feed(batch);
  wrongDtype["x"] = TensorView(wide, {kBatch, kIn});
  auto dtype = model->trainStep(wrongDtype);
  ASSERT_FALSE(dtype);
  EXPECT_NE(dtype.message().find("given f64[8, 3]"), std::string::npos)
      << dtype.message();

  // A shape that claims more values than the memory holds.
  std::vector<float> shortX(batch.x.begin(), batch.x.begin() + 5);
  Inputs tooShort = feed(batch);
  tooShort["x"] = TensorView(shortX, {kBatch, kIn});
  auto overrun = model->trainStep(tooShort);
  ASSERT_FALSE(overrun);
  EXPECT_NE(overrun.message().find("holds 5 values"), std::string::npos)
      << overrun.message();

  std::vector<float> w(4);
  Status param = model->setParameter("w", TensorView(w, {4, 1}));
  ASSERT_FALSE(param);
  EXPECT_NE(param.message().find("parameter 'w' is f32[3, 1]"),
            std::string::npos)
      << param.message();
  EXPECT_FALSE(model->parameter("nope"));

  auto out = model->forward({{"x", TensorView(batch.x, {kBatch, kIn})}});
  ASSERT_TRUE(out);
  auto asInt = (*out)[0].values<int32_t>();
  ASSERT_FALSE(asInt);
  EXPECT_NE(asInt.message().find("not i32"), std::string::npos)
      << asInt.message();
}

TEST(ModelMisuse, StepBeforeInitialisation) {
  auto model = compileRegression({.initialize = false});
  ASSERT_TRUE(model) << model.message();
  std::mt19937 rng(4);
  Batch batch = randomBatch(rng);
  auto step = model->trainStep(feed(batch));
  ASSERT_FALSE(step);
  EXPECT_NE(step.message().find("before its parameters are set"),
            std::string::npos)
      << step.message();
  EXPECT_FALSE(model->forward({{"x", TensorView(batch.x, {kBatch, kIn})}}));
  EXPECT_FALSE(model->save(scratchPath("uninitialised.safetensors")));
  model->initialize(0);
  EXPECT_TRUE(model->trainStep(feed(batch)));
}

TEST(ModelMisuse, AnotherModelsCheckpoint) {
  Graph other("other");
  Tensor x = other.input("x", f32({kBatch, kIn}));
  Tensor y = other.input("y", f32({kBatch, 1}));
  Tensor w = other.param("w", f32({kIn, 1}), init::xavierUniform());
  Tensor prediction = x.matmul(w).named("prediction");
  other.minimize(nn::mseLoss(prediction, y), optim::SGD{.lr = 0.1});
  other.returns({prediction});
  auto otherModel = compile(other, testOptions());
  ASSERT_TRUE(otherModel) << otherModel.message();
  std::string path = scratchPath("other.safetensors");
  ASSERT_TRUE(otherModel->save(path));

  auto model = compileRegression();
  ASSERT_TRUE(model) << model.message();
  auto before = model->parameter("w");
  Status loaded = model->load(path);
  std::filesystem::remove(path);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.message().find("is of model 'other', not 'regression'"),
            std::string::npos)
      << loaded.message();
  EXPECT_EQ(model->parameter("w")->bytes, before->bytes); // unchanged

  Status missing = model->load(scratchPath("does-not-exist.safetensors"));
  EXPECT_FALSE(missing);
}

TEST(ModelMisuse, ModelOutlivesItsGraph) {
  Expected<Model> model = makeError("not compiled");
  {
    Graph g("regression");
    buildRegression(g);
    model = compile(g, testOptions());
  } // the Graph and every Tensor of it are gone
  ASSERT_TRUE(model) << model.message();
  std::mt19937 rng(5);
  auto loss = model->trainStep(feed(randomBatch(rng)));
  EXPECT_TRUE(loss) << loss.message();
}

TEST(ModelMisuse, MemoryLimits) {
  auto malformed = compileRegression({.maxMemory = "lots"});
  ASSERT_FALSE(malformed);
  EXPECT_NE(malformed.message().find("'lots' is not a memory size"),
            std::string::npos)
      << malformed.message();
  auto tooSmall = compileRegression({.maxMemory = "16"});
  ASSERT_FALSE(tooSmall);
  EXPECT_NE(tooSmall.message().find("the model needs"), std::string::npos)
      << tooSmall.message();
  EXPECT_TRUE(compileRegression({.maxMemory = "1G"}));
}

TEST(ModelMisuse, MovedFromModel) {
  auto model = compileRegression();
  ASSERT_TRUE(model) << model.message();
  Model moved = std::move(*model);
  std::mt19937 rng(8);
  Batch batch = randomBatch(rng);
  auto step = model->trainStep(feed(batch)); // NOLINT: use after move
  ASSERT_FALSE(step);
  EXPECT_NE(step.message().find("moved from"), std::string::npos)
      << step.message();
  EXPECT_TRUE(model->parameters().empty());
  EXPECT_FALSE(model->save(scratchPath("moved.safetensors")));
  EXPECT_TRUE(moved.trainStep(feed(batch)));
}

TEST(ModelMisuse, GraphWithoutResultsNamesTheCaller) {
  Graph g("empty");
  g.input("x", f32({2, 3}));
  auto model = compile(g, testOptions());
  ASSERT_FALSE(model);
  EXPECT_NE(model.message().find("ModelTest.cpp"), std::string::npos)
      << model.message();
}

TEST(ModelMisuse, GraphWithAnErrorDoesNotCompile) {
  Graph g("broken");
  Tensor x = g.input("x", f32({2, 3}));
  Tensor w = g.param("w", f32({4, 1}), init::zeros());
  g.returns({x.matmul(w)}); // 3 against 4
  auto model = compile(g, testOptions());
  ASSERT_FALSE(model);
  EXPECT_NE(model.message().find("ModelTest.cpp"), std::string::npos)
      << model.message();
}

} // namespace

namespace {

TEST(Model, InterpreterAgreesWithTheCpu) {
  if (!targetAvailable(Target::Cpu))
    GTEST_SKIP() << "built without LLVM";
  auto cpu = compileRegression();
  auto interp = compileRegression({.target = Target::Interpreter});
  ASSERT_TRUE(cpu) << cpu.message();
  ASSERT_TRUE(interp) << interp.message();
  EXPECT_EQ(interp->target(), Target::Interpreter);
  EXPECT_EQ(interp->parameters().size(), cpu->parameters().size());
  std::mt19937 rng(9);
  for (int i = 0; i < 20; ++i) {
    Batch batch = randomBatch(rng);
    auto a = cpu->trainStep(feed(batch)), b = interp->trainStep(feed(batch));
    ASSERT_TRUE(a && b) << (a ? b.message() : a.message());
    EXPECT_NEAR(*a, *b, 1e-4 * std::max(1.0, std::abs(*b))) << "step " << i;
  }
  Batch batch = randomBatch(rng);
  Inputs x{{"x", TensorView(batch.x, {kBatch, kIn})}};
  auto a = cpu->forward(x), b = interp->forward(x);
  ASSERT_TRUE(a && b) << (a ? b.message() : a.message());
  auto pa = (*a)[0].values<float>(), pb = (*b)[0].values<float>();
  ASSERT_TRUE(pa && pb);
  for (size_t i = 0; i < pa->size(); ++i)
    EXPECT_NEAR((*pa)[i], (*pb)[i], 1e-3);

  // Its checkpoints are the same format.
  std::string path = scratchPath("interp.safetensors");
  ASSERT_TRUE(interp->save(path));
  Status loaded = cpu->load(path);
  std::filesystem::remove(path);
  EXPECT_TRUE(loaded) << loaded.message();
}

TEST(Model, CpuWithoutLlvmIsAnError) {
  if (targetAvailable(Target::Cpu))
    GTEST_SKIP() << "built with LLVM";
  Graph g("regression");
  buildRegression(g);
  auto model = compile(g, {.target = Target::Cpu});
  ASSERT_FALSE(model);
  EXPECT_NE(model.message().find("built without LLVM"), std::string::npos)
      << model.message();
}

TEST(Model, CudaWithoutAGpuIsAnError) {
  auto model = compileRegression({.target = Target::Cuda});
  if (!model) { // no GPU or no driver here: a message, not a crash
    EXPECT_NE(model.message().find("GPU"), std::string::npos)
        << model.message();
    return;
  }
  std::mt19937 rng(6);
  auto loss = model->trainStep(feed(randomBatch(rng)));
  EXPECT_TRUE(loss) << loss.message();
}

} // namespace
