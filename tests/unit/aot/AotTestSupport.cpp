//===- tests/unit/aot/AotTestSupport.cpp - AOT objects as libraries -------===//
#include "AotTestSupport.h"

#include "compiler/passes/DeadCodeElimination.h"
#include "compiler/passes/Pipeline.h"
#include "compiler/text/Parser.h"
#include "compiler/training/Initialize.h"
#include "compiler/training/ModeSpecialization.h"
#include "compiler/training/TrainStep.h"

#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>

namespace voskhod::aot::test {

Model loadModel(const std::string &relativePath) {
  std::string path = std::string(VOSKHOD_SOURCE_DIR) + "/" + relativePath;
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  return modelFromText(text.str(), path);
}

Model modelFromText(const std::string &text, const std::string &path) {
  ir::DiagnosticEngine diags;
  Model m;
  m.forward = ir::parseGraph(text, path, diags);
  EXPECT_TRUE(m.forward) << "cannot parse " << path;
  if (!m.forward)
    return m;
  if (m.forward->minimize()) {
    m.step = training::buildTrainStep(*m.forward, diags);
    EXPECT_TRUE(m.step);
    EXPECT_TRUE(m.step && passes::runSimplifyPipeline(*m.step, diags));
  }
  // As `voskhod compile` does: inference computes only what `return` needs.
  m.forward->minimize().reset();
  training::specializeForMode(*m.forward, training::Mode::Eval);
  passes::DeadCodeElimination().run(*m.forward);
  return m;
}

const Model &sharedModel(const std::string &relativePath) {
  static std::map<std::string, Model> models;
  auto it = models.find(relativePath);
  if (it == models.end())
    it = models.emplace(relativePath, loadModel(relativePath)).first;
  return it->second;
}

const AotLibrary &sharedLibrary(const std::string &relativePath,
                                const std::string &prefix) {
  static std::map<std::string, std::unique_ptr<AotLibrary>> libraries;
  std::unique_ptr<AotLibrary> &lib = libraries[relativePath + "|" + prefix];
  if (!lib)
    lib = AotLibrary::build(sharedModel(relativePath), prefix,
                            freshDirectory("shared"));
  if (!lib)
    throw std::runtime_error("cannot build " + relativePath);
  return *lib;
}

rt::Executable &sharedJit(const std::string &relativePath, uint64_t seed,
                          int threads) {
  static std::map<std::string, std::unique_ptr<rt::Executable>> jits;
  std::unique_ptr<rt::Executable> &exe = jits[relativePath];
  if (!exe)
    exe = compileJit(sharedModel(relativePath), seed, threads);
  if (!exe)
    throw std::runtime_error("cannot compile " + relativePath);
  exe->setThreads(threads);
  exe->initialize(seed);
  return *exe;
}

std::string freshDirectory(const std::string &stem) {
  std::string pattern =
      ::testing::TempDir() + "/voskhod-aot-" + stem + "-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back(0);
  const char *dir = mkdtemp(buffer.data());
  EXPECT_TRUE(dir) << "cannot create " << pattern;
  return dir ? dir : ::testing::TempDir();
}

std::unique_ptr<AotLibrary> AotLibrary::build(const Model &model,
                                              const std::string &prefix,
                                              const std::string &dir) {
  return buildMany({{&model, prefix}}, dir);
}

std::unique_ptr<AotLibrary> AotLibrary::buildMany(
    const std::vector<std::pair<const Model *, std::string>> &models,
    const std::string &dir) {
  auto lib = std::unique_ptr<AotLibrary>(new AotLibrary);
  std::string command = "cc -shared -o " + dir + "/models.so";
  for (const auto &[model, prefix] : models) {
    cpu::AotOptions options;
    options.name = prefix;
    cpu::AotInterface api;
    std::string object = dir + "/" + prefix + ".o";
    auto program = model->lower();
    EXPECT_TRUE(program) << program.message();
    if (!program)
      return nullptr;
    Status s = cpu::emitAotObject(*program, object, options, &api);
    EXPECT_TRUE(s) << s.message();
    if (!s)
      return nullptr;
    lib->apis_.push_back(api);
    lib->objects_.push_back(object);
    command += " " + object;
  }
  command += " -lm -lpthread";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  lib->handle_ = dlopen((dir + "/models.so").c_str(), RTLD_NOW | RTLD_LOCAL);
  EXPECT_TRUE(lib->handle_) << dlerror();
  if (!lib->handle_)
    return nullptr;
  return lib;
}

AotLibrary::~AotLibrary() {
  if (handle_)
    dlclose(handle_);
}

void *AotLibrary::symbol(const std::string &prefix,
                         const std::string &suffix) const {
  std::string name = prefix + "_" + suffix;
  void *p = dlsym(handle_, name.c_str());
  EXPECT_TRUE(p) << "no symbol " << name;
  return p;
}

AotHandle::AotHandle(const AotLibrary &lib, std::string prefix, uint64_t seed)
    : lib_(lib), prefix_(std::move(prefix)) {
  state_ = lib_.function<void *(*)(uint64_t)>(prefix_, "create")(seed);
  EXPECT_TRUE(state_);
}

AotHandle::~AotHandle() {
  lib_.function<void (*)(void *)>(prefix_, "destroy")(state_);
}

static std::vector<const void *>
pointers(const std::vector<std::vector<uint8_t>> &v) {
  std::vector<const void *> out;
  for (const auto &x : v)
    out.push_back(x.data());
  return out;
}

double AotHandle::trainStep(const std::vector<std::vector<uint8_t>> &inputs) {
  auto in = pointers(inputs);
  return lib_.function<double (*)(void *, const void *const *)>(
      prefix_, "train_step_v")(state_, in.data());
}

int AotHandle::forward(const std::vector<std::vector<uint8_t>> &inputs,
                       std::vector<std::vector<uint8_t>> &outputs) {
  auto in = pointers(inputs);
  int count = lib_.function<int (*)()>(prefix_, "output_count")();
  auto info = lib_.function<const TensorInfo *(*)(int)>(prefix_, "output_info");
  outputs.assign(size_t(count), {});
  std::vector<void *> out;
  for (int i = 0; i < count; ++i) {
    const TensorInfo *t = info(i);
    outputs[i].assign(size_t(t->size * (t->dtype == 1   ? 8
                                        : t->dtype == 3 ? 1
                                                        : 4)),
                      0);
    out.push_back(outputs[i].data());
  }
  return lib_.function<int (*)(void *, const void *const *, void *const *)>(
      prefix_, "forward_v")(state_, in.data(), out.data());
}

int AotHandle::save(const std::string &path) {
  return lib_.function<int (*)(void *, const char *)>(prefix_, "save")(
      state_, path.c_str());
}

int AotHandle::load(const std::string &path) {
  return lib_.function<int (*)(void *, const char *)>(prefix_, "load")(
      state_, path.c_str());
}

std::string AotHandle::lastError() {
  return lib_.function<const char *(*)(void *)>(prefix_, "last_error")(state_);
}

int AotHandle::setHparam(const std::string &name, double value) {
  return lib_.function<int (*)(void *, const char *, double)>(
      prefix_, "set_hparam")(state_, name.c_str(), value);
}

int AotHandle::hparam(const std::string &name, double *value) {
  return lib_.function<int (*)(void *, const char *, double *)>(
      prefix_, "hparam")(state_, name.c_str(), value);
}

int AotHandle::setThreads(int n) {
  return lib_.function<int (*)(void *, int)>(prefix_, "set_threads")(state_, n);
}

int AotHandle::threads() {
  return lib_.function<int (*)(void *)>(prefix_, "threads")(state_);
}

static int64_t infoBytes(const TensorInfo *t) {
  return t->size * (t->dtype == 1 ? 8 : t->dtype == 3 ? 1 : 4);
}

std::vector<uint8_t> AotHandle::param(const std::string &name) {
  const TensorInfo *info = nullptr;
  auto *p = static_cast<const uint8_t *>(
      lib_.function<void *(*)(void *, const char *, const TensorInfo **)>(
          prefix_, "param")(state_, name.c_str(), &info));
  if (!p)
    return {};
  return std::vector<uint8_t>(p, p + infoBytes(info));
}

int AotHandle::paramCount() {
  return lib_.function<int (*)()>(prefix_, "param_count")();
}

std::vector<std::vector<uint8_t>> AotHandle::params() {
  std::vector<std::vector<uint8_t>> out;
  auto info = lib_.function<const TensorInfo *(*)(int)>(prefix_, "param_info");
  for (int i = 0; i < paramCount(); ++i)
    out.push_back(param(info(i)->name));
  return out;
}

const TensorInfo *AotHandle::inputInfo(int i) {
  return lib_.function<const TensorInfo *(*)(int)>(prefix_, "input_info")(i);
}

std::vector<std::vector<uint8_t>> stepInputs(const Model &model,
                                             const cpu::AotInterface &api,
                                             uint64_t seed, uint64_t step) {
  ir::LeafValues values = training::randomInputs(*model.step, seed, step);
  std::vector<std::vector<uint8_t>> out;
  for (int i : api.stepInputs) {
    const cpu::AotTensor &t = api.tensors[i];
    const ir::HostTensor *value = nullptr;
    for (const auto &[leaf, v] : values)
      if (leaf->name() == t.name)
        value = &v;
    EXPECT_TRUE(value) << "no random value for input " << t.name;
    std::vector<uint8_t> bytes(size_t(t.bytes()));
    for (int64_t k = 0; value && k < t.numElements(); ++k) {
      double v = value->data[size_t(k)];
      switch (t.type) {
      case rt::ElementType::F32: {
        float f = float(v);
        std::memcpy(bytes.data() + 4 * k, &f, 4);
        break;
      }
      case rt::ElementType::F64:
        std::memcpy(bytes.data() + 8 * k, &v, 8);
        break;
      case rt::ElementType::I32: {
        int32_t n = int32_t(v);
        std::memcpy(bytes.data() + 4 * k, &n, 4);
        break;
      }
      case rt::ElementType::I1:
        bytes[size_t(k)] = v != 0;
        break;
      }
    }
    out.push_back(std::move(bytes));
  }
  return out;
}

void feedJit(rt::Executable &exe, const cpu::AotInterface &api,
             const std::vector<std::vector<uint8_t>> &inputs) {
  for (size_t k = 0; k < inputs.size(); ++k) {
    const std::string &name = api.tensors[api.stepInputs[k]].name;
    Status s = exe.copyIn(name, inputs[k].data(), int64_t(inputs[k].size()));
    EXPECT_TRUE(s) << s.message();
  }
}

std::unique_ptr<rt::Executable> compileJit(const Model &model, uint64_t seed,
                                           int threads) {
  cpu::CpuOptions options;
  options.threads = threads;
  auto program = model.lower();
  EXPECT_TRUE(program) << program.message();
  if (!program)
    return nullptr;
  auto exe = cpu::compileForCpu(*program, options);
  EXPECT_TRUE(exe) << exe.message();
  if (!exe)
    return nullptr;
  (*exe)->initialize(seed);
  return exe.take();
}

std::vector<uint8_t> jitBytes(const rt::Executable &exe,
                              const std::string &name) {
  int i = exe.find(name);
  EXPECT_GE(i, 0) << "the JIT has no tensor " << name;
  if (i < 0)
    return {};
  auto *p = static_cast<const uint8_t *>(exe.data(name));
  return std::vector<uint8_t>(p, p + exe.tensors()[size_t(i)].bytes());
}

} // namespace voskhod::aot::test
