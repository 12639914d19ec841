//===- compiler/codegen/llvm/AotCompiler.h - a model as an object ---------===//
///
/// Ahead-of-time compilation for the CPU: what the JIT runs (CpuBackend.h),
/// written into a standalone object file together with the AOT runtime
/// (AotRuntime.h: a per-handle pthread pool, the Philox initialisers,
/// safetensors checkpoints) and a C API whose every exported symbol starts
/// with the model's prefix, `NAME_`. The object needs only libc, libm and
/// pthreads; its header (AotHeader.h) declares the API.
///
/// Steps: take the model lowered once (kernel::ModelProgram, whose tensor
/// table, entries and loss are the JIT's); render its programs into one
/// module and optimise it exactly as the JIT does, so the object's
/// arithmetic is the JIT's to the bit (given the same CPU); link the runtime
/// bitcode; add the model descriptor and the `NAME_` wrappers; make every
/// other symbol internal and drop what is unused; emit the object.
///
/// GPU objects (`--target=cuda`) are written here too, from a compiled
/// rt::cuda::ProgramImage: the same descriptor and `NAME_` API, the cubin
/// and the entries' launch tables as constants, and the host runtime of
/// runtime/aot/cuda (which opens the CUDA driver with dlopen) instead of the
/// thread pool; no kernel runs on the CPU.
///
/// This header includes no LLVM header. Deliberately not here: cross
/// compilation to another architecture (`--cpu` picks an x86-64 level of
/// the host's architecture), and rendering or compiling CUDA
/// (compiler/codegen/cuda does that).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/codegen/llvm/CpuBackend.h"
#include "initialisers/Init.h"
#include "runtime/Executable.h"
#include "runtime/cuda/LaunchPlan.h"
#include "support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace voskhod::cpu {

struct AotOptions {
  /// The C prefix of every exported symbol; empty: the graph's name.
  std::string name;
  /// native, x86-64-v3, x86-64-v4 or generic.
  std::string cpu = "native";
  /// The JIT's default (the kernel pipeline, HostTarget.h), so an object
  /// computes bitwise what the JIT computes: another pipeline may vectorise
  /// a reduction into another order.
  unsigned optLevel = 1;
  bool packedGemm = true;
  /// Non-empty for a GPU object: the sm_XX its cubin is compiled for.
  std::string gpuArch;
};

/// A tensor of the handle, as the C API shows it.
struct AotTensor {
  std::string name;  // the model's name, also the checkpoint key
  std::string cName; // a C identifier, unique within the model
  rt::ElementType type = rt::ElementType::F32;
  std::vector<int64_t> shape;
  rt::TensorRole role = rt::TensorRole::Input;
  InitSpec init;

  int64_t numElements() const;
  int64_t bytes() const;
};

/// Everything the header and the object agree on.
struct AotInterface {
  std::string graphName;
  /// The C prefix (a C identifier).
  std::string prefix;
  std::vector<AotTensor> tensors;
  /// Each entry's external buffers as positions in `tensors`, in the order
  /// the entry takes them; empty when the entry does not exist.
  std::vector<int> stepTable, forwardTable;
  /// Positions in `tensors`: the step's inputs (the order of
  /// NAME_train_step's arguments), the forward entry's inputs and outputs
  /// (NAME_forward's), the params and the states.
  std::vector<int> stepInputs, forwardInputs, forwardOutputs, params, states;
  int lossIndex = -1;
  int64_t arenaBytes = 0;
  std::string cpu;
  /// The GPU architecture of a `--target=cuda` object; empty for the CPU.
  std::string gpuArch;

  bool isGpu() const { return !gpuArch.empty(); }

  bool hasStep() const { return lossIndex >= 0; }
  bool hasForward() const { return !forwardTable.empty(); }
};

/// Describes the API, without generating code.
Expected<AotInterface> describeAot(const kernel::ModelProgram &model,
                                   const AotOptions &options = {});

/// Writes the object file; `interface` (if not null) receives its API.
Status emitAotObject(const kernel::ModelProgram &model, const std::string &path,
                     const AotOptions &options = {},
                     AotInterface *interface = nullptr);

/// Writes a GPU object: `image` is what compiler/codegen/cuda compiled from
/// the same model. Its host code is built for `generic` x86-64 whatever
/// `options.cpu` says.
Status emitAotCudaObject(const kernel::ModelProgram &model,
                         const rt::cuda::ProgramImage &image,
                         const std::string &path,
                         const AotOptions &options = {},
                         AotInterface *interface = nullptr);

/// The CPUs `--cpu` accepts, for messages.
const std::vector<std::string> &aotCpuNames();

} // namespace voskhod::cpu
