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

/// The resolved driver entry points.
struct DriverApi {
  CUresult (*cuInit)(unsigned);
  CUresult (*cuDriverGetVersion)(int *);
  CUresult (*cuDeviceGetCount)(int *);
  CUresult (*cuDeviceGet)(CUdevice *, int);
  CUresult (*cuDeviceGetName)(char *, int, CUdevice);
  CUresult (*cuDeviceGetAttribute)(int *, int, CUdevice);
  CUresult (*cuDeviceTotalMem)(size_t *, CUdevice);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*cuDevicePrimaryCtxRelease)(CUdevice);
  CUresult (*cuCtxSetCurrent)(CUcontext);
  CUresult (*cuModuleLoadData)(CUmodule *, const void *);
  CUresult (*cuModuleUnload)(CUmodule);
  CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*cuMemAlloc)(CUdeviceptr *, size_t);
  CUresult (*cuMemFree)(CUdeviceptr);
  CUresult (*cuMemcpyHtoD)(CUdeviceptr, const void *, size_t);
  CUresult (*cuMemcpyDtoH)(void *, CUdeviceptr, size_t);
  CUresult (*cuMemsetD8)(CUdeviceptr, unsigned char, size_t);
  CUresult (*cuStreamCreate)(CUstream *, unsigned);
  CUresult (*cuStreamDestroy)(CUstream);
  CUresult (*cuStreamSynchronize)(CUstream);
  CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned,
                             unsigned, unsigned, unsigned, CUstream, void **,
                             void **);
  CUresult (*cuStreamBeginCapture)(CUstream, int);
  CUresult (*cuStreamEndCapture)(CUstream, CUgraph *);
  CUresult (*cuGraphInstantiateWithFlags)(CUgraphExec *, CUgraph,
                                          unsigned long long);
  CUresult (*cuGraphLaunch)(CUgraphExec, CUstream);
  CUresult (*cuGraphExecDestroy)(CUgraphExec);
  CUresult (*cuGraphDestroy)(CUgraph);
  CUresult (*cuMemcpyHtoDAsync)(CUdeviceptr, const void *, size_t, CUstream);
  CUresult (*cuMemcpyDtoHAsync)(void *, CUdeviceptr, size_t, CUstream);
  CUresult (*cuCtxSynchronize)();
  CUresult (*cuGetErrorName)(CUresult, const char **);
  CUresult (*cuGetErrorString)(CUresult, const char **);
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
