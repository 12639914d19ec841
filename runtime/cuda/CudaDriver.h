//===- runtime/cuda/CudaDriver.h - the CUDA driver API, loaded at run time ===//
///
/// voskhod never links against the CUDA driver: `libcuda.so.1` is opened
/// with dlopen the first time a GPU is asked for, so one binary runs on
/// machines with and without a GPU, and one without says so clearly instead
/// of failing to start. Only the driver entry points voskhod uses are
/// resolved; their C types are declared here (ABI-compatible with cuda.h) so
/// the runtime builds without the CUDA toolkit.
///
/// Every call is checked; a failure becomes a Status carrying the driver's
/// own name and description of the error and the call that failed.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Error.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace voskhod::rt::cuda {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;
using CUgraph = struct CUgraph_st *;
using CUgraphExec = struct CUgraphExec_st *;

/// The resolved driver entry points, from the list GPU objects' C loader
/// (runtime/aot/cuda/CudaDriver.c) reads too.
struct DriverApi {
#define CUDA_DRIVER_ENTRY(name, symbol, parameters) CUresult(*name) parameters;
#include "runtime/aot/cuda/CudaDriverEntries.def"
};

/// Loads the driver once per process. The error says what is missing:
/// "no CUDA driver (libcuda.so.1) on this machine: ...", or that the driver
/// found no device.
Expected<const DriverApi *> loadDriver();

/// `call` failed with `result`: "cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY
/// (out of memory)".
Status driverError(const DriverApi &api, CUresult result, const char *call);

struct DeviceInfo {
  int ordinal = 0;
  std::string name;
  int computeMajor = 0, computeMinor = 0;
  size_t totalMemory = 0;
  /// "sm_90" for compute capability 9.0.
  std::string arch() const;
};

/// A device's primary context made current on the calling thread.
class CudaContext {
public:
  static Expected<std::unique_ptr<CudaContext>> create(int ordinal = 0);
  ~CudaContext();

  const DeviceInfo &device() const { return info_; }
  const DriverApi &api() const { return *api_; }
  Status makeCurrent() const;

private:
  CudaContext() = default;
  const DriverApi *api_ = nullptr;
  CUdevice device_ = 0;
  CUcontext context_ = nullptr;
  DeviceInfo info_;
};

/// Number of devices the driver reports, or the reason there are none.
Expected<std::vector<DeviceInfo>> listDevices();

} // namespace voskhod::rt::cuda
