//===- bench/cpu/BenchInputs.h - a compiled step ready to time ------------===//
///
/// The benchmarks' set-up of a compiled training step: params and states
/// from seed 1, then one batch of the interpreter's random inputs (f32 or
/// i32), the same batch every step.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/training/Initialize.h"
#include "runtime/Executable.h"

#include <cstdint>

namespace voskhod::benchmarks {

inline void prepareStep(rt::Executable &exe, const ir::Graph &step) {
  exe.initialize(1);
  for (auto &[node, value] : training::randomInputs(step, 1)) {
    void *p = exe.data(node->name());
    for (size_t i = 0; i < value.data.size(); ++i) {
      if (node->dtype() == ir::DType::I32)
        static_cast<int32_t *>(p)[i] = int32_t(value.data[i]);
      else
        static_cast<float *>(p)[i] = float(value.data[i]);
    }
  }
}

} // namespace voskhod::benchmarks
