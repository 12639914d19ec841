//===- compiler/kernel/Lowering.h - a graph to a scheduled kernel program -===//
///
/// The public door into compiler/kernel: turns a verified graph (a training
/// step with its ir::Update pairs, or a forward graph) into a KernelProgram.
/// Steps: the fusion planner groups nodes into kernels; results get output
/// buffers; each update writes its value straight into the param or state it
/// updates when that is safe (the writing kernel reads the old value only at
/// the element it writes, and every other reader of the old value can run
/// first), else it is copied at the end of the step; kernels are scheduled
/// in dependency order (ties in graph order, so the schedule is
/// deterministic); the memory plan places every temporary in one arena.
///
/// It does not optimise the graph (compiler/passes does) and knows nothing
/// of the machine the program will run on.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"
#include "compiler/kernel/KernelIR.h"
#include "support/Error.h"

#include <string>

namespace voskhod::kernel {

struct LowerOptions {
  /// Names the output buffers of the graph's results `<prefix><i>` when the
  /// result node has no name.
  std::string resultPrefix = "result";
};

Expected<KernelProgram> lowerToKernels(const ir::Graph &g,
                                       const LowerOptions &options = {});

} // namespace voskhod::kernel
