//===- tests/unit/aot/HandleTest.cpp - handles, models and their API ------===//
///
/// Handles share nothing (values, threads), even when used at the same time
/// from two threads; two models live in one library; parameters are found
/// by name with their shape; the info functions describe inputs, outputs
/// and params in the order the entries take them; invalid arguments are
/// refused rather than crashing.
///
//===----------------------------------------------------------------------===//
#include "AotTestSupport.h"

#include <cstring>
#include <thread>

namespace voskhod::aot::test {
namespace {

constexpr const char *kClassifier = "examples/classifier.vg";

TEST(AotHandle, HandlesShareNothing) {
  const Model &model = sharedModel(kClassifier);
  const AotLibrary *lib = &sharedLibrary(kClassifier, "clf");
  AotHandle a(*lib, "clf", 1), b(*lib, "clf", 2), c(*lib, "clf", 1);
  EXPECT_NE(a.param("w1"), b.param("w1"));
  EXPECT_EQ(a.param("w1"), c.param("w1"));
  auto before = b.params();
  a.trainStep(stepInputs(model, lib->api(), 1));
  EXPECT_EQ(b.params(), before);
  EXPECT_NE(a.param("w1"), c.param("w1"));
}

TEST(AotHandle, ConcurrentHandlesGiveSequentialResults) {
  const Model &model = sharedModel("tests/aot/models/inits.vg");
  const AotLibrary *lib = &sharedLibrary("tests/aot/models/inits.vg");
  auto run = [&](uint64_t seed, std::vector<double> &losses) {
    AotHandle h(*lib, "m", seed);
    h.setThreads(2);
    for (int i = 0; i < 30; ++i)
      losses.push_back(h.trainStep(stepInputs(model, lib->api(), seed, i)));
  };
  std::vector<double> seq1, seq2, par1, par2;
  run(1, seq1);
  run(2, seq2);
  std::thread t1([&] { run(1, par1); }), t2([&] { run(2, par2); });
  t1.join();
  t2.join();
  EXPECT_EQ(par1, seq1);
  EXPECT_EQ(par2, seq2);
}

TEST(AotHandle, TwoModelsInOneLibrary) {
  const Model &classifier = sharedModel(kClassifier);
  const Model &inits = sharedModel("tests/aot/models/inits.vg");
  auto both = AotLibrary::buildMany({{&classifier, "clf"}, {&inits, "ini"}},
                                    freshDirectory("two"));
  ASSERT_TRUE(both);
  const AotLibrary *alone = &sharedLibrary(kClassifier, "clf");
  AotHandle x(*both, "clf", 5), y(*both, "ini", 5), z(*alone, "clf", 5);
  for (int i = 0; i < 10; ++i) {
    auto batch = stepInputs(classifier, both->api(0), 5, uint64_t(i));
    EXPECT_EQ(x.trainStep(batch), z.trainStep(batch));
    y.trainStep(stepInputs(inits, both->api(1), 5, uint64_t(i)));
  }
}

TEST(AotHandle, ParamsByNameWithShapes) {
  const Model &model = sharedModel(kClassifier);
  const AotLibrary *lib = &sharedLibrary(kClassifier, "clf");
  AotHandle h(*lib, "clf", 3);
  auto param =
      lib->function<void *(*)(void *, const char *, const TensorInfo **)>(
          "clf", "param");
  const TensorInfo *info = nullptr;
  auto *w2 = static_cast<float *>(param(h.state(), "w2", &info));
  ASSERT_TRUE(w2);
  ASSERT_TRUE(info);
  EXPECT_STREQ(info->name, "w2");
  EXPECT_EQ(info->rank, 2);
  EXPECT_EQ(info->shape[0], 10);
  EXPECT_EQ(info->shape[1], 20);
  EXPECT_EQ(info->size, 200);
  EXPECT_EQ(info->dtype, 0);
  EXPECT_EQ(param(h.state(), "nope", &info), nullptr);
  // Only params: optimiser state and inputs are not parameters.
  EXPECT_EQ(param(h.state(), "step", nullptr), nullptr);
  EXPECT_EQ(param(h.state(), "x", nullptr), nullptr);
  // Writing through the pointer changes what the model computes with.
  auto batch = stepInputs(model, lib->api(), 3);
  AotHandle same(*lib, "clf", 3);
  for (int i = 0; i < 200; ++i)
    w2[i] *= 3;
  EXPECT_NE(h.trainStep(batch), same.trainStep(batch));
  EXPECT_EQ(h.paramCount(), 6);
}

TEST(AotHandle, InfoFunctionsFollowTheEntries) {
  const AotLibrary *lib = &sharedLibrary(kClassifier, "clf");
  auto count = [&](const char *what) {
    return lib->function<int (*)()>("clf", std::string(what) + "_count")();
  };
  auto info = [&](const char *what, int i) {
    return lib->function<const TensorInfo *(*)(int)>("clf", std::string(what) +
                                                                "_info")(i);
  };
  ASSERT_EQ(count("input"), 2);
  EXPECT_STREQ(info("input", 0)->name, "x");
  EXPECT_STREQ(info("input", 1)->name, "y");
  EXPECT_EQ(info("input", 1)->dtype, 2);
  EXPECT_EQ(info("input", 2), nullptr);
  EXPECT_EQ(info("input", -1), nullptr);
  ASSERT_EQ(count("forward_input"), 1);
  EXPECT_STREQ(info("forward_input", 0)->name, "x");
  ASSERT_EQ(count("output"), 1);
  EXPECT_STREQ(info("output", 0)->name, "lg");
  EXPECT_EQ(info("output", 0)->size, 6);
  ASSERT_EQ(count("param"), 6);
  EXPECT_STREQ(info("param", 0)->name, "w1");
}

TEST(AotHandle, InvalidArgumentsAreRefused) {
  const AotLibrary *lib = &sharedLibrary(kClassifier, "clf");
  AotHandle h(*lib, "clf", 3);
  EXPECT_EQ(h.setThreads(0), 1);
  EXPECT_GE(h.threads(), 1);
  auto save = lib->function<int (*)(void *, const char *)>("clf", "save");
  EXPECT_EQ(save(nullptr, "x"), 1);
  EXPECT_EQ(save(h.state(), nullptr), 1);
  lib->function<void (*)(void *)>("clf", "destroy")(nullptr);
  // A directory that does not exist cannot take the temporary file.
  EXPECT_EQ(h.save("/nonexistent-dir/x.safetensors"), 3);
  EXPECT_NE(h.lastError().find("cannot create"), std::string::npos);
}

TEST(AotHandle, LastStatusFollowsEachCall) {
  // The same function as a GPU object's: the status of the handle's last
  // call, or with a null handle that of the thread's last create.
  const AotLibrary *lib = &sharedLibrary(kClassifier, "clf");
  auto lastStatus = lib->function<int (*)(const void *)>("clf", "last_status");
  auto lastError =
      lib->function<const char *(*)(const void *)>("clf", "last_error");
  AotHandle h(*lib, "clf", 5);
  EXPECT_EQ(lastStatus(nullptr), 0) << "create succeeded";
  EXPECT_STREQ(lastError(nullptr), "no handle");
  EXPECT_EQ(lastStatus(h.state()), 0);
  EXPECT_EQ(h.setThreads(0), 1);
  EXPECT_EQ(lastStatus(h.state()), 1);
  EXPECT_EQ(h.save("/nonexistent-dir/x.safetensors"), 3);
  EXPECT_EQ(lastStatus(h.state()), 3);
  EXPECT_EQ(h.setThreads(1), 0);
  EXPECT_EQ(lastStatus(h.state()), 0);
  EXPECT_EQ(h.load("/nonexistent-dir/x.safetensors"), 2);
  EXPECT_EQ(lastStatus(h.state()), 2);
}

} // namespace
} // namespace voskhod::aot::test
