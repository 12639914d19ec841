//===- compiler/codegen/llvm/HostTarget.h - the machine we compile for ----===//
///
/// The host CPU as LLVM sees it (name and features from llvm::sys), a
/// TargetMachine for it, the widest vector register it has, and the
/// optimisation pipeline (new pass manager) that both the JIT's
/// transform layer and the textual/object emitters run, so `--emit=llvm`
/// shows exactly what the JIT executes.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>

namespace llvm {
class Module;
}

namespace voskhod::codegen {

/// Initialises the native target once per process.
void initializeNativeTarget();

/// The code generator's level for an optLevel of optimizeModule: None, Less
/// for the kernel pipeline (1), Default (2), Aggressive (3).
llvm::CodeGenOpt::Level codeGenLevel(unsigned optLevel);

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createHostTargetMachine(unsigned optLevel);

/// 512 with AVX-512, 256 with AVX, 128 otherwise.
unsigned hostVectorBits();

/// Sets the module's triple and data layout for `tm`, then optimises:
/// `optLevel` 0 runs nothing, 1 the kernel pipeline (the loop vectoriser and
/// the clean-ups around it: what rendered kernels need, at a tenth of the
/// compile time of O2), 2 and 3 LLVM's default O2 and O3 pipelines (for
/// modules that link other code, like the AOT runtime).
void optimizeModule(llvm::Module &module, llvm::TargetMachine &tm,
                    unsigned optLevel);

} // namespace voskhod::codegen
