//===- compiler/kernel/KernelDescription.h - a kernel in one line ---------===//
///
/// Names a kernel for a user who knows only their `.vg` file: its name and
/// kind, then the graph ops fused into it with their source locations, e.g.
///   kernel 'k3' (loop) computing relu %h1 (model.vg:9:9), add (model.vg:9:15)
/// Runtime diagnostics about a kernel (a NaN found by --check-numerics) use
/// it, so the message points at the user's lines. It does not describe the
/// kernel's loops or memory; KernelPrinter does that for --emit=kernels.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/kernel/KernelIR.h"

#include <string>

namespace voskhod::kernel {

std::string describeKernel(const Kernel &k);

} // namespace voskhod::kernel
