//===- compiler/kernel/KernelPrinter.h - `--emit=kernels` text ------------===//
///
/// A readable account of a KernelProgram: each kernel in schedule order with
/// its shape, the graph ops fused into it (with their source lines), the
/// buffers it reads and writes; then the memory plan (each arena buffer's
/// offset, size and live range, aliases, peak against the sum). The text is
/// deterministic; lit tests check it. It is not a format meant for parsing.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/kernel/KernelIR.h"

#include <string>

namespace voskhod::kernel {

std::string printKernels(const KernelProgram &program);

/// One body as SSA text, for debugging and tests.
std::string printBody(const KernelProgram &program, const Body &body);

} // namespace voskhod::kernel
