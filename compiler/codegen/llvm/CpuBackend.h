//===- compiler/codegen/llvm/CpuBackend.h - the CPU backend's front door --===//
///
/// What the driver calls to run or emit a model on the CPU: the model,
/// lowered once (kernel::lowerModel, compiler/kernel/ModelProgram.h), is
/// rendered to one LLVM module (KernelRenderer.h) with an entry per program,
/// `voskhod_step` for a training step and `voskhod_forward` for inference, and
/// then either JIT-compiled into an rt::Executable, or printed as optimised
/// LLVM IR or assembly, or written as an object file. Both entries have the C
/// type `void (void **tensors, void *arena)`.
///
/// This header includes no LLVM header, so the driver compiles without them.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/kernel/ModelProgram.h"
#include "runtime/Executable.h"
#include "support/Error.h"

#include <memory>
#include <string>

namespace voskhod::cpu {

struct CpuOptions {
  /// Threads of the executable's own pool; 0 means
  /// rt::defaultThreadCount().
  int threads = 0;
  /// 0 (none), 1 (the kernel pipeline, see HostTarget.h), 2 or 3 (LLVM's
  /// O2 and O3 pipelines, which compile ten times slower for no faster
  /// step).
  unsigned optLevel = 1;
  /// Threads generating machine code for a large module (its parts are
  /// compiled at once, see Jit.h); 0 is one per core, at most four. The
  /// machine code does not depend on it.
  unsigned compileThreads = 0;
  /// Contractions through the packed GEMM rather than a plain loop nest.
  bool packedGemm = true;
  /// Check every kernel's outputs for NaN and infinity; a step that finds
  /// one stops there and fails naming the kernel and its ops' source lines.
  bool checkNumerics = false;
  /// Programs of more kernels run them from a table, which keeps the
  /// machine code the size of the distinct kernels (KernelRenderer.h).
  size_t maxInlineKernels = 256;
};

/// `model` holds a training step (training::buildTrainStep: results [loss]
/// plus updates), the model's forward graph (whose `return` values the
/// inference entry computes), or both.
Expected<std::unique_ptr<rt::Executable>>
compileForCpu(const kernel::ModelProgram &model,
              const CpuOptions &options = {});

enum class CpuEmitKind { LLVM, Assembly };

/// The optimised module as text.
Expected<std::string> emitCpuText(const kernel::ModelProgram &model,
                                  CpuEmitKind kind,
                                  const CpuOptions &options = {});

/// The module as an object file for the host.
Status emitCpuObject(const kernel::ModelProgram &model, const std::string &path,
                     const CpuOptions &options = {});

/// The entries' names in the module.
inline constexpr const char *kStepEntry = "voskhod_step";
inline constexpr const char *kForwardEntry = "voskhod_forward";

} // namespace voskhod::cpu
