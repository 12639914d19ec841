//===- tests/unit/aot/CudaAotTest.cpp - GPU objects against the interpreter
///
/// Objects written for `--target=cuda`: the cubin NVRTC compiles for the
/// GPU present (sm_90 when there is none), linked into a shared library
/// with libc, libm, pthreads and libdl only. Without a GPU, creating a
/// handle must fail with VOSKHOD_ERR_NO_DEVICE and a reason, and the
/// execution tests skip naming it; with one, training steps are checked
/// against the float64 interpreter, and checkpoints round-trip.
///
/// Where there is no GPU, the same checks run once more against an
/// emulated driver (tests/aot/cuda/emulated_libcuda.cpp) whose kernels are
/// the rendered CUDA C++ compiled for the host (../cuda/HostEmulation.h):
/// that covers the object's host side — uploads, the arena, launch
/// arguments, graph capture and replay, param and checkpoint syncing —
/// though not NVRTC's code. A small CNN (tests/aot/models/cnn.vg) trains
/// there too, so the expanded convolutions and pools go through the
/// object's launch tables. Those tests come last, because once the
/// emulated driver is loaded every GPU object in the process finds it.
///
//===----------------------------------------------------------------------===//
#include "AotTestSupport.h"

#include "../cuda/CudaTestUtil.h"
#include "../cuda/HostEmulation.h"
#include "compiler/codegen/cuda/NvrtcCompiler.h"

#include <cstring>
#include <dlfcn.h>
#include <map>

namespace voskhod::aot::test {
namespace {

constexpr int kNoDevice = 9;

/// Whether the emulated driver has been loaded into this process.
bool emulationLoaded = false;

/// A GPU object of one model in its own shared library.
class GpuLibrary {
public:
  static std::unique_ptr<GpuLibrary> build(const Model &model,
                                           const std::string &dir) {
    std::string arch = "sm_90";
    auto devices = rt::cuda::listDevices();
    if (devices && !devices->empty())
      arch = (*devices)[0].arch();
    cuda::CudaOptions options;
    options.arch = arch;
    auto program = model.lower();
    EXPECT_TRUE(program) << program.message();
    if (!program)
      return nullptr;
    auto image = cuda::compileCudaImage(*program, options);
    EXPECT_TRUE(image) << image.message();
    if (!image)
      return nullptr;
    auto lib = std::unique_ptr<GpuLibrary>(new GpuLibrary);
    lib->image_ = *image;
    cpu::AotOptions aot;
    aot.name = "gpu";
    std::string object = dir + "/gpu.o", shared = dir + "/gpu.so";
    Status s =
        cpu::emitAotCudaObject(*program, *image, object, aot, &lib->api_);
    EXPECT_TRUE(s) << s.message();
    if (!s)
      return nullptr;
    std::string command =
        "cc -shared -o " + shared + " " + object + " -lm -lpthread -ldl";
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    lib->handle_ = dlopen(shared.c_str(), RTLD_NOW | RTLD_LOCAL);
    EXPECT_TRUE(lib->handle_) << dlerror();
    if (!lib->handle_)
      return nullptr;
    return lib;
  }
  ~GpuLibrary() {
    if (handle_)
      dlclose(handle_);
  }

  template <typename F> F fn(const std::string &suffix) const {
    void *p = dlsym(handle_, ("gpu_" + suffix).c_str());
    EXPECT_TRUE(p) << "no symbol gpu_" << suffix;
    return reinterpret_cast<F>(p);
  }
  const cpu::AotInterface &api() const { return api_; }
  const rt::cuda::ProgramImage &image() const { return image_; }

  void *create(uint64_t seed) const {
    return fn<void *(*)(uint64_t)>("create")(seed);
  }
  void destroy(void *s) const { fn<void (*)(void *)>("destroy")(s); }
  std::string lastError(void *s) const {
    return fn<const char *(*)(void *)>("last_error")(s);
  }
  int lastStatus(void *s) const {
    return fn<int (*)(void *)>("last_status")(s);
  }
  double step(void *s, const std::vector<std::vector<uint8_t>> &in) const {
    std::vector<const void *> p;
    for (const auto &x : in)
      p.push_back(x.data());
    return fn<double (*)(void *, const void *const *)>("train_step_v")(
        s, p.data());
  }
  /// Param `name` as doubles (f32 storage).
  std::vector<double> param(void *s, const std::string &name) const {
    const TensorInfo *info = nullptr;
    auto *p = static_cast<const float *>(
        fn<void *(*)(void *, const char *, const TensorInfo **)>("param")(
            s, name.c_str(), &info));
    EXPECT_TRUE(p) << lastError(s);
    if (!p)
      return {};
    return std::vector<double>(p, p + info->size);
  }

private:
  void *handle_ = nullptr;
  cpu::AotInterface api_;
  rt::cuda::ProgramImage image_;
};

const Model &classifier() { return sharedModel("examples/classifier.vg"); }

const GpuLibrary *sharedGpuLibrary() {
  static std::unique_ptr<GpuLibrary> lib =
      GpuLibrary::build(classifier(), freshDirectory("gpu"));
  return lib.get();
}

/// Kernels run on the host for the emulated driver.
struct Emulation {
  std::unique_ptr<cuda::test::HostModule> kernels;
  std::map<std::string, size_t> argCounts;
  std::unique_ptr<GpuLibrary> library;
  void *driver = nullptr;
  std::string error;
};

/// The emulated driver's launcher: params are pointers to device pointers,
/// which are host pointers here.
int emulatedLaunch(void *user, const char *function, unsigned grid,
                   unsigned block, void **params) {
  auto *e = static_cast<Emulation *>(user);
  auto it = e->argCounts.find(function);
  if (it == e->argCounts.end())
    return 1;
  std::vector<void *> args;
  for (size_t i = 0; i < it->second; ++i)
    args.push_back(reinterpret_cast<void *>(
        *static_cast<unsigned long long *>(params[i])));
  Status s = e->kernels->launch(function, grid, block, std::move(args));
  if (!s)
    e->error = s.message();
  return s ? 0 : 1;
}

/// The emulated driver, loaded once; null (with a failure) when it cannot
/// be built.
void *emulatedDriver() {
  static void *driver = [] {
    std::string dir = freshDirectory("emulated-driver");
    std::string command =
        "c++ -std=c++20 -O1 -shared -fPIC -Wl,-soname,libcuda.so.1 -o " + dir +
        "/libcuda.so.1 " + VOSKHOD_SOURCE_DIR +
        "/tests/aot/cuda/emulated_libcuda.cpp";
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    void *d = dlopen((dir + "/libcuda.so.1").c_str(), RTLD_NOW | RTLD_LOCAL);
    EXPECT_TRUE(d) << dlerror();
    if (d)
      emulationLoaded = true;
    return d;
  }();
  return driver;
}

/// The models the emulated tests run.
const char *const kEmulatedModels[] = {"examples/classifier.vg",
                                       "tests/aot/models/cnn.vg"};

/// The GPU object of the model at `path` and its kernels compiled for the
/// host; null (with a failure) when either cannot be built.
std::unique_ptr<Emulation> buildEmulation(const std::string &path) {
  auto e = std::make_unique<Emulation>();
  const Model &model = sharedModel(path);
  auto program = model.lower();
  EXPECT_TRUE(program) << program.message();
  if (!program)
    return nullptr;
  auto module = cuda::renderCudaModule(*program);
  EXPECT_TRUE(module) << module.message();
  if (!module)
    return nullptr;
  auto kernels = cuda::test::HostModule::compile(module->source);
  EXPECT_TRUE(kernels) << kernels.message();
  if (!kernels)
    return nullptr;
  e->kernels = kernels.take();
  e->library = GpuLibrary::build(model, freshDirectory("gpu-emulated"));
  if (!e->library)
    return nullptr;
  for (const auto *plan :
       {&e->library->image().step, &e->library->image().forward})
    if (*plan)
      for (const rt::cuda::KernelLaunch &l : (*plan)->launches)
        e->argCounts[l.function] = l.args.size();
  return e;
}

/// The emulated GPU object of the model at `path` (one of
/// kEmulatedModels), whose kernels the emulated driver's launches run from
/// now on; null (with a failure) when it cannot be built. Every object is
/// compiled before the driver is loaded: NVRTC, run in a process that has
/// the stand-in libcuda.so.1, crashed in nvrtcCompileProgram.
Emulation *emulation(const std::string &path = "examples/classifier.vg") {
  static std::map<std::string, std::unique_ptr<Emulation>> emulations = [] {
    std::map<std::string, std::unique_ptr<Emulation>> out;
    for (const char *model : kEmulatedModels)
      out[model] = buildEmulation(model);
    void *driver = emulatedDriver();
    for (auto &[model, e] : out)
      if (e)
        e->driver = driver;
    return out;
  }();
  auto found = emulations.find(path);
  EXPECT_NE(found, emulations.end()) << path << " is not in kEmulatedModels";
  if (found == emulations.end() || !found->second || !found->second->driver)
    return nullptr;
  Emulation *e = found->second.get();
  using SetLauncher = void (*)(
      int (*)(void *, const char *, unsigned, unsigned, void **), void *);
  reinterpret_cast<SetLauncher>(dlsym(e->driver, "fake_cuda_set_launcher"))(
      emulatedLaunch, e);
  return e;
}

#define REQUIRE_NVRTC()                                                        \
  if (!cuda::nvrtcAvailable())                                                 \
  GTEST_SKIP() << "this build has no NVRTC"

/// A handle, or a skip naming why the object found no usable GPU.
#define CREATE_OR_SKIP(lib, var, seed)                                         \
  if (emulationLoaded)                                                         \
    GTEST_SKIP() << "the emulated driver is loaded in this process";           \
  void *var = (lib).create(seed);                                              \
  if (!var) {                                                                  \
    ASSERT_EQ((lib).lastStatus(nullptr), kNoDevice)                            \
        << (lib).lastError(nullptr);                                           \
    GTEST_SKIP() << "no CUDA device: " << (lib).lastError(nullptr);            \
  }

/// Without a GPU: the emulated object, or a skip saying why not.
#define REQUIRE_EMULATION(var, ...)                                            \
  REQUIRE_NVRTC();                                                             \
  if (cuda::test::noDeviceReason().empty())                                    \
    GTEST_SKIP() << "a GPU is present; the tests above ran on it";             \
  Emulation *var = emulation(__VA_ARGS__);                                     \
  ASSERT_TRUE(var)

TEST(GpuObject, LinksWithoutTheDriverAndDescribesTheModel) {
  REQUIRE_NVRTC();
  const GpuLibrary *lib = sharedGpuLibrary();
  ASSERT_TRUE(lib);
  EXPECT_EQ(lib->fn<int (*)()>("param_count")(), int(lib->api().params.size()));
  EXPECT_EQ(lib->fn<int (*)()>("input_count")(), 2);
  auto info = lib->fn<const TensorInfo *(*)(int)>("input_info");
  EXPECT_STREQ(info(0)->name, "x");
  EXPECT_EQ(info(2), nullptr);
  // Null handles are refused, not dereferenced.
  EXPECT_EQ(lib->fn<int (*)(void *, const char *)>("save")(nullptr, "x"), 1);
  lib->destroy(nullptr);
}

TEST(GpuObject, CreateWithoutDeviceFailsWithReason) {
  REQUIRE_NVRTC();
  if (cuda::test::noDeviceReason().empty())
    GTEST_SKIP() << "a GPU is present";
  if (emulationLoaded)
    GTEST_SKIP() << "the emulated driver is loaded in this process";
  const GpuLibrary *lib = sharedGpuLibrary();
  ASSERT_TRUE(lib);
  EXPECT_EQ(lib->create(1), nullptr);
  EXPECT_EQ(lib->lastStatus(nullptr), kNoDevice);
  std::string why = lib->lastError(nullptr);
  EXPECT_TRUE(why.find("libcuda.so.1") != std::string::npos ||
              why.find("no GPU") != std::string::npos ||
              why.find("cuInit") != std::string::npos)
      << why;
}

/// Five steps against the float64 interpreter, every param compared after
/// each (the interpreter then continues from the object's values).
void checkTraining(const GpuLibrary &lib, void *s, uint64_t seed,
                   const Model &model = classifier()) {
  const ir::Graph &step = *model.step;
  const cpu::AotInterface &api = lib.api();
  // The interpreter starts from the handle's own initial params (and the
  // optimiser's initial state), then follows the same batches.
  ir::LeafValues leaves = training::initialState(step, seed);
  for (auto &[leaf, value] : leaves)
    if (leaf->is(ir::OpKind::Param))
      value.data = lib.param(s, leaf->name());
  for (uint64_t k = 0; k < 5; ++k) {
    ir::LeafValues batch = training::randomInputs(step, seed, k);
    for (auto &[leaf, value] : batch) {
      // What the object gets: the values rounded to the input's dtype.
      if (leaf->type().dtype == ir::DType::F32)
        for (double &v : value.data)
          v = double(float(v));
      leaves[leaf] = value;
    }
    double loss = lib.step(s, stepInputs(model, api, seed, k));
    ASSERT_FALSE(std::isnan(loss)) << lib.lastError(s);
    auto eval = ir::evaluate(step, leaves);
    ASSERT_TRUE(eval) << eval.message();
    EXPECT_LE(cuda::test::maxError({loss}, eval->value(step.results()[0]).data),
              1e-4)
        << "loss at step " << k;
    leaves = ir::nextLeafValues(step, *eval, leaves);
    for (int i : api.params) {
      const std::string &name = api.tensors[i].name;
      for (auto &[leaf, value] : leaves)
        if (leaf->name() == name) {
          std::vector<double> got = lib.param(s, name);
          EXPECT_LE(cuda::test::maxError(got, value.data), 1e-4)
              << "'" << name << "' after step " << k;
          value.data = got;
        }
    }
  }
}

/// Save after three steps, step once more; a handle of another seed that
/// loads the file takes the same step to the same loss.
void checkCheckpoint(const GpuLibrary &lib, void *s) {
  const Model &model = classifier();
  for (uint64_t k = 0; k < 3; ++k)
    lib.step(s, stepInputs(model, lib.api(), 3, k));
  std::string path = freshDirectory("gpu-ckpt") + "/gpu.safetensors";
  auto save = lib.fn<int (*)(void *, const char *)>("save");
  auto load = lib.fn<int (*)(void *, const char *)>("load");
  ASSERT_EQ(save(s, path.c_str()), 0) << lib.lastError(s);
  double a = lib.step(s, stepInputs(model, lib.api(), 3, 3));
  void *t = lib.create(99);
  ASSERT_TRUE(t) << lib.lastError(nullptr);
  ASSERT_EQ(load(t, path.c_str()), 0) << lib.lastError(t);
  double b = lib.step(t, stepInputs(model, lib.api(), 3, 3));
  EXPECT_EQ(a, b);
  EXPECT_EQ(load(t, (path + ".missing").c_str()), 2);
  lib.destroy(t);
}

/// The forward pass against the interpreter's forward graph (whose states
/// are their initial values).
void checkForward(const GpuLibrary &lib, void *s,
                  const Model &model = classifier()) {
  const ir::Graph &forward = *model.forward;
  ir::LeafValues leaves = training::initialLeafValues(forward, 5);
  for (auto &[leaf, value] : leaves) {
    if (leaf->is(ir::OpKind::Param))
      value.data = lib.param(s, leaf->name());
    else if (leaf->type().dtype == ir::DType::F32)
      for (double &v : value.data)
        v = double(float(v));
  }
  std::vector<float> x;
  for (const auto &[leaf, value] : leaves)
    if (leaf->name() == "x")
      for (double v : value.data)
        x.push_back(float(v));
  ASSERT_FALSE(x.empty());
  auto eval = ir::evaluate(forward, leaves);
  ASSERT_TRUE(eval) << eval.message();
  const std::vector<double> &want = eval->value(forward.results()[0]).data;
  std::vector<float> out(want.size());
  auto run = lib.fn<int (*)(void *, const float *, float *)>("forward");
  ASSERT_EQ(run(s, x.data(), out.data()), 0) << lib.lastError(s);
  EXPECT_LE(
      cuda::test::maxError(std::vector<double>(out.begin(), out.end()), want),
      1e-4);
}

TEST(GpuObject, TrainsLikeTheInterpreter) {
  REQUIRE_NVRTC();
  const GpuLibrary *lib = sharedGpuLibrary();
  ASSERT_TRUE(lib);
  CREATE_OR_SKIP(*lib, s, 11);
  checkTraining(*lib, s, 11);
  checkForward(*lib, s);
  lib->destroy(s);
}

TEST(GpuObject, CheckpointRoundTripResumesExactly) {
  REQUIRE_NVRTC();
  const GpuLibrary *lib = sharedGpuLibrary();
  ASSERT_TRUE(lib);
  CREATE_OR_SKIP(*lib, s, 3);
  checkCheckpoint(*lib, s);
  lib->destroy(s);
}

// Last: from here on the process has the emulated driver.

TEST(GpuObjectEmulated, TrainsLikeTheInterpreter) {
  REQUIRE_EMULATION(e);
  void *s = e->library->create(11);
  ASSERT_TRUE(s) << e->library->lastError(nullptr);
  checkTraining(*e->library, s, 11);
  checkForward(*e->library, s);
  EXPECT_EQ(e->error, "");
  e->library->destroy(s);
}

TEST(GpuObjectEmulated, CheckpointRoundTripResumesExactly) {
  REQUIRE_EMULATION(e);
  void *s = e->library->create(3);
  ASSERT_TRUE(s) << e->library->lastError(nullptr);
  checkCheckpoint(*e->library, s);
  e->library->destroy(s);
}

/// A small CNN (tests/aot/models/cnn.vg): the expanded convolutions and
/// pools through the object's launch tables. The forward pass runs on a
/// fresh handle, whose running statistics are the interpreter's.
TEST(GpuObjectEmulated, SmallCnnTrainsLikeTheInterpreter) {
  const char *path = "tests/aot/models/cnn.vg";
  REQUIRE_EMULATION(e, path);
  void *fresh = e->library->create(5);
  ASSERT_TRUE(fresh) << e->library->lastError(nullptr);
  checkForward(*e->library, fresh, sharedModel(path));
  e->library->destroy(fresh);
  void *s = e->library->create(11);
  ASSERT_TRUE(s) << e->library->lastError(nullptr);
  checkTraining(*e->library, s, 11, sharedModel(path));
  EXPECT_EQ(e->error, "");
  e->library->destroy(s);
}

} // namespace
} // namespace voskhod::aot::test
