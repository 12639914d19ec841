//===- tests/unit/aot/AotTestSupport.h - AOT objects as loadable libraries ===//
///
/// Builds a `.vg` model the way `voskhod compile` does (training step built
/// and simplified as `voskhod train` builds it, plus the forward graph),
/// writes the AOT object, links it into a shared library with the system C
/// compiler (libm and pthreads only) and opens it, so a test can call the
/// model's C API next to a JIT Executable compiled from the very same
/// graphs. Inputs are `training::randomInputs`, converted to each tensor's
/// element type as `voskhod train` converts them.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/codegen/llvm/AotCompiler.h"
#include "compiler/ir/Graph.h"
#include "runtime/Executable.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace voskhod::aot::test {

/// Mirrors voskhod_tensor_info of the generated header.
struct TensorInfo {
  const char *name;
  const int64_t *shape;
  int64_t size;
  int32_t rank;
  int32_t dtype;
};

enum ApiStatus {
  Ok = 0,
  ArgumentError = 1,
  NotFound = 2,
  Truncated = 4,
  Corrupt = 5,
  Mismatch = 6
};

/// A model's graphs, built from a file under tests/aot/models or
/// examples/models.
struct Model {
  std::unique_ptr<ir::Graph> forward, step;
  /// Both graphs lowered, as `voskhod compile` lowers them.
  Expected<kernel::ModelProgram> lower() const {
    return kernel::lowerModel(step.get(), forward.get());
  }
};
Model loadModel(const std::string &relativePath);
/// The same from `.vg` text; `path` names it in diagnostics.
Model modelFromText(const std::string &text, const std::string &path);

/// The model at `relativePath`, loaded once per test binary.
const Model &sharedModel(const std::string &relativePath);

/// A fresh directory under the test temp dir.
std::string freshDirectory(const std::string &stem);

class AotLibrary {
public:
  /// Compiles `model` with `prefix` into `dir`; fails the test on error.
  static std::unique_ptr<AotLibrary>
  build(const Model &model, const std::string &prefix, const std::string &dir);
  /// Several models in one shared library, to check they coexist.
  static std::unique_ptr<AotLibrary>
  buildMany(const std::vector<std::pair<const Model *, std::string>> &models,
            const std::string &dir);
  ~AotLibrary();

  /// `prefix_suffix` from the library; fails the test if absent.
  void *symbol(const std::string &prefix, const std::string &suffix) const;
  template <typename F>
  F function(const std::string &prefix, const std::string &suffix) const {
    return reinterpret_cast<F>(symbol(prefix, suffix));
  }
  const cpu::AotInterface &api(size_t i = 0) const { return apis_[i]; }
  const std::string &objectPath(size_t i = 0) const { return objects_[i]; }

private:
  void *handle_ = nullptr;
  std::vector<cpu::AotInterface> apis_;
  std::vector<std::string> objects_;
};

/// The library of sharedModel(relativePath) under `prefix`, built once per
/// test binary (compiling is the slow part of these tests).
const AotLibrary &sharedLibrary(const std::string &relativePath,
                                const std::string &prefix = "m");

/// One handle of one model in a library, with typed calls.
class AotHandle {
public:
  AotHandle(const AotLibrary &lib, std::string prefix, uint64_t seed);
  ~AotHandle();
  AotHandle(const AotHandle &) = delete;
  AotHandle &operator=(const AotHandle &) = delete;

  void *state() const { return state_; }
  double trainStep(const std::vector<std::vector<uint8_t>> &inputs);
  int forward(const std::vector<std::vector<uint8_t>> &inputs,
              std::vector<std::vector<uint8_t>> &outputs);
  int save(const std::string &path);
  int load(const std::string &path);
  std::string lastError();
  int setHparam(const std::string &name, double value);
  int hparam(const std::string &name, double *value);
  int setThreads(int n);
  int threads();
  /// Bytes of a param, or empty when there is none.
  std::vector<uint8_t> param(const std::string &name);
  /// Bytes of every param, in param order.
  std::vector<std::vector<uint8_t>> params();
  int paramCount();
  const TensorInfo *inputInfo(int i);

private:
  const AotLibrary &lib_;
  std::string prefix_;
  void *state_ = nullptr;
};

/// The step's random inputs for `seed` and `step`, in the AOT step's input
/// order (`api.stepInputs`), as bytes of each input's element type.
std::vector<std::vector<uint8_t>> stepInputs(const Model &model,
                                             const cpu::AotInterface &api,
                                             uint64_t seed, uint64_t step = 0);

/// Copies `inputs` (in `api.stepInputs` order) into the JIT's tensors.
void feedJit(rt::Executable &exe, const cpu::AotInterface &api,
             const std::vector<std::vector<uint8_t>> &inputs);

/// A JIT executable of the same graphs, initialised from `seed`.
std::unique_ptr<rt::Executable> compileJit(const Model &model, uint64_t seed,
                                           int threads);

/// The JIT executable of sharedModel(relativePath), compiled once per test
/// binary and initialised from `seed` again on every call.
rt::Executable &sharedJit(const std::string &relativePath, uint64_t seed,
                          int threads);

/// Bytes of a tensor of the JIT.
std::vector<uint8_t> jitBytes(const rt::Executable &exe,
                              const std::string &name);

} // namespace voskhod::aot::test
