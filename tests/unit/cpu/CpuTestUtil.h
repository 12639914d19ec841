//===- tests/unit/cpu/CpuTestUtil.h - compiled CPU code against the oracle ===//
///
/// tests/support/CompiledVsInterpreter.h with the LLVM CPU backend.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "../../support/CompiledVsInterpreter.h"

#include "compiler/codegen/llvm/CpuBackend.h"

namespace voskhod::cpu::test {

using voskhod::test::get;
using voskhod::test::maxError;
using voskhod::test::parse;
using voskhod::test::put;
using voskhod::test::resultName;
using voskhod::test::trainStep;

/// Lowers the graphs (either may be null) and compiles them, as the driver
/// does.
inline Expected<std::unique_ptr<rt::Executable>>
compileGraphs(const ir::Graph *step, const ir::Graph *forward,
              const CpuOptions &options = {}) {
  auto program = kernel::lowerModel(step, forward);
  if (!program)
    return program.status();
  return compileForCpu(*program, options);
}

inline voskhod::test::CompileFn cpuCompiler(CpuOptions options) {
  return [options](const ir::Graph *step, const ir::Graph *forward) {
    return compileGraphs(step, forward, options);
  };
}

inline void checkForward(const std::string &text, double tolerance,
                         uint64_t seed = 7, CpuOptions options = {},
                         bool specials = false) {
  voskhod::test::checkForward(text, tolerance, seed, cpuCompiler(options),
                              specials);
}

inline std::vector<double> checkTraining(const std::string &text, int steps,
                                         double tolerance, uint64_t seed = 7,
                                         CpuOptions options = {},
                                         bool specials = false) {
  return voskhod::test::checkTraining(text, steps, tolerance, seed,
                                      cpuCompiler(options), specials);
}

} // namespace voskhod::cpu::test
