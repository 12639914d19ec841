//===- compiler/codegen/cuda/NvrtcCompiler.h - CUDA C++ to PTX and cubin --===//
///
/// Compiles generated CUDA C++ with NVRTC for one GPU architecture. NVRTC
/// needs no device, so this runs (and is tested) on every machine with the
/// CUDA toolkit. Results are cached on disk, keyed by a hash of the source,
/// the architecture, the options and NVRTC's version, so a training run that
/// recompiles the same step pays nothing. NVRTC's log, warnings included,
/// is returned with the result so the caller can turn it into diagnostics.
///
/// It does not render kernels (CudaRenderer does) or load them (the runtime's
/// CUDA driver does).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Error.h"

#include <string>
#include <vector>

namespace voskhod::cuda {

struct NvrtcOptions {
  std::string arch = "sm_90"; // any sm_XX NVRTC supports
  bool fastMath = false;      // only where reassociation is allowed
  bool emitCubin = true;      // PTX is always produced; cubin too when set
  bool useCache = true;
  std::string cacheDir; // empty: $VOSKHOD_CACHE_DIR, $XDG_CACHE_HOME/voskhod
                        // or ~/.cache/voskhod
};

struct NvrtcResult {
  std::string ptx;
  std::string cubin; // empty unless NvrtcOptions::emitCubin
  std::string log;   // NVRTC's messages (empty when it had nothing to say)
  bool fromCache = false;
};

/// True when NVRTC was found at build time.
bool nvrtcAvailable();
/// "13.0", or a message saying NVRTC is missing.
std::string nvrtcVersion();
/// Architectures NVRTC accepts, e.g. {"sm_75", "sm_80", ..., "sm_120"}.
std::vector<std::string> nvrtcSupportedArchs();

/// Compiles `source` (named `name` in messages). On a compile error the
/// message holds NVRTC's log.
Expected<NvrtcResult> compileCuda(const std::string &source,
                                  const std::string &name,
                                  const NvrtcOptions &options = {});

} // namespace voskhod::cuda
