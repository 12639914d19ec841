//===- tests/unit/cuda/CudaTestUtil.h - CUDA code against the oracle ------===//
///
/// tests/support/CompiledVsInterpreter.h with the CUDA backend. Without a
/// GPU the execution checks skip, naming the driver's reason.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "../../support/CompiledVsInterpreter.h"

#include "compiler/codegen/cuda/CudaBackend.h"
#include "runtime/cuda/CudaDriver.h"

namespace voskhod::cuda::test {

using voskhod::test::get;
using voskhod::test::maxError;
using voskhod::test::parse;
using voskhod::test::put;
using voskhod::test::resultName;
using voskhod::test::trainStep;

/// Why execution tests cannot run here, or empty when a GPU is present.
inline std::string noDeviceReason() {
  auto devices = rt::cuda::listDevices();
  if (!devices)
    return devices.message();
  if (devices->empty())
    return "the CUDA driver found no GPU";
  return "";
}

#define SKIP_WITHOUT_GPU()                                                     \
  if (std::string why = noDeviceReason(); !why.empty())                        \
  GTEST_SKIP() << "no CUDA device: " << why

/// Lowers the graphs (either may be null) and compiles them, as the driver
/// does.
inline Expected<std::unique_ptr<rt::Executable>>
compileGraphs(const ir::Graph *step, const ir::Graph *forward,
              const CudaOptions &options = {}) {
  auto program = kernel::lowerModel(step, forward);
  if (!program)
    return program.status();
  return compileForCuda(*program, options);
}

inline voskhod::test::CompileFn cudaCompiler(CudaOptions options) {
  return [options](const ir::Graph *step, const ir::Graph *forward) {
    return compileGraphs(step, forward, options);
  };
}

inline void checkForward(const std::string &text, double tolerance,
                         uint64_t seed = 7, CudaOptions options = {},
                         bool specials = false) {
  voskhod::test::checkForward(text, tolerance, seed, cudaCompiler(options),
                              specials);
}

inline std::vector<double> checkTraining(const std::string &text, int steps,
                                         double tolerance, uint64_t seed = 7,
                                         CudaOptions options = {}) {
  return voskhod::test::checkTraining(text, steps, tolerance, seed,
                                      cudaCompiler(options));
}

} // namespace voskhod::cuda::test
