//===- compiler/codegen/cuda/CudaBackend.h - the CUDA backend's front door ===//
///
/// What the driver calls to run or emit a model on an NVIDIA GPU, in the
/// shape of the CPU backend (compiler/codegen/llvm/CpuBackend.h): the model,
/// lowered once (kernel::lowerModel, compiler/kernel/ModelProgram.h), is
/// rendered to one CUDA C++
/// translation unit (CudaRenderer.h; the step's kernels start with
/// `voskhod_step`, the forward graph's with `voskhod_forward`), compiled by
/// NVRTC for the GPU's architecture (NvrtcCompiler.h, cached on disk), and
/// either run through an rt::Executable or printed as CUDA C++, PTX or a
/// cubin.
///
/// The Executable keeps host copies of every tensor, as every backend does,
/// and by default copies inputs, params and states to the GPU before each
/// run and outputs, params and states back after it, so code written for
/// the CPU backend runs unchanged. With `HostSync::Inputs`, params and
/// states stay on the GPU between runs (only inputs go up and outputs come
/// back) until syncToHost(); that is how a training loop should run.
///
/// This header includes nothing of NVRTC or the driver, so the driver
/// compiles without them.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/kernel/ModelProgram.h"
#include "runtime/Executable.h"
#include "runtime/cuda/LaunchPlan.h"
#include "support/Error.h"

#include <memory>
#include <optional>
#include <string>

namespace voskhod::cuda {

enum class HostSync {
  All,   // params and states round-trip through the host every run
  Inputs // only inputs up and outputs down; see syncToHost()
};

struct CudaOptions {
  /// sm_XX to compile for; empty: the device's own (or sm_90 when only
  /// emitting text).
  std::string arch;
  int device = 0;
  /// Capture each entry as a CUDA graph on its first run and replay it.
  bool useGraph = true;
  bool useCache = true;
  HostSync sync = HostSync::All;
};

/// The translation unit and how to run it.
struct CudaModule {
  std::string source;
  std::optional<rt::cuda::EntryPlan> step, forward;
  /// The model's tensor table (names, types, roles) as an Executable
  /// exposes it, and each entry's external buffers as positions there, in
  /// the order its plan numbers them.
  std::vector<rt::TensorInfo> tensors;
  std::vector<int> stepTable, forwardTable;
};

/// Renders; compiles nothing.
Expected<CudaModule> renderCudaModule(const kernel::ModelProgram &model);

/// The Executable the CUDA backend returns.
class CudaExecutable : public rt::Executable {
public:
  ~CudaExecutable() override;
  Status step() override;
  Status forward() override;

  void setHostSync(HostSync sync) { sync_ = sync; }
  /// Downloads params and states (after runs with HostSync::Inputs).
  Status syncToHost();
  /// Uploads params and states (after changing their host copies).
  Status syncToDevice();
  /// Runs an entry `count` times back to back without touching the host
  /// copies at all (for measuring the device), then waits.
  Status runDeviceOnly(bool step, int count);
  void setUseGraph(bool useGraph);
  std::string deviceName() const;
  /// Kernel launches one run of the entry makes.
  int launchCount(bool step) const;

private:
  friend Expected<std::unique_ptr<rt::Executable>>
  compileForCuda(const kernel::ModelProgram &, const CudaOptions &);
  struct Impl;
  CudaExecutable(std::vector<rt::TensorInfo> tensors, bool hasStep,
                 bool hasForward);
  Status run(bool step);
  /// Uploads a tensor setHparam changed, when the GPU holds the state.
  Status hostTensorChanged(int index) override;
  std::unique_ptr<Impl> impl_;
  HostSync sync_ = HostSync::All;
  bool deviceCurrent_ = false;
};

/// Compiles for the GPU `options.device` and loads the result. Without a
/// GPU the error says so (the driver's message).
Expected<std::unique_ptr<rt::Executable>>
compileForCuda(const kernel::ModelProgram &model,
               const CudaOptions &options = {});

enum class CudaEmitKind { Source, Ptx, Cubin };

/// `cuda`, `ptx` or `cubin` (what `voskhod compile --emit` says); anything
/// else is an error naming what the CUDA target emits.
Expected<CudaEmitKind> parseCudaEmitKind(const std::string &emit);

/// The translation unit as CUDA C++, or NVRTC's PTX or cubin for
/// `options.arch` (sm_90 by default). Needs no GPU.
Expected<std::string> emitCudaText(const kernel::ModelProgram &model,
                                   CudaEmitKind kind,
                                   const CudaOptions &options = {});

/// What an object written by `voskhod compile --target=cuda` embeds: the
/// module compiled to a cubin for `options.arch` (sm_90 by default) and
/// each entry's launches (compiler/codegen/llvm/AotCompiler.h writes the
/// object). Needs no GPU.
Expected<rt::cuda::ProgramImage>
compileCudaImage(const kernel::ModelProgram &model,
                 const CudaOptions &options = {});

inline constexpr const char *kCudaStepPrefix = "voskhod_step";
inline constexpr const char *kCudaForwardPrefix = "voskhod_forward";

} // namespace voskhod::cuda
