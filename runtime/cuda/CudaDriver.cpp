//===- runtime/cuda/CudaDriver.cpp - the CUDA driver API, loaded at run time =//
#include "runtime/cuda/CudaDriver.h"

#include <dlfcn.h>
#include <mutex>

namespace voskhod::rt::cuda {
namespace {

// Values from cuda.h that this file needs.
constexpr CUresult kSuccess = 0;
constexpr int kAttrComputeMajor = 75;
constexpr int kAttrComputeMinor = 76;

struct Loaded {
  DriverApi api{};
  Status status;
};

template <typename F> bool resolve(void *lib, F &fn, const char *name) {
  fn = reinterpret_cast<F>(dlsym(lib, name));
  return fn != nullptr;
}

Loaded load() {
  Loaded out;
  void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char *why = dlerror();
    out.status = makeError(
        std::string("no CUDA driver (libcuda.so.1) on this machine: ") +
        (why ? why : "not found") +
        "; --target=cuda needs an NVIDIA GPU and its driver");
    return out;
  }
  DriverApi &a = out.api;
  // Versioned names are the ones cuda.h's macros map to.
  const char *missing = nullptr;
#define RESOLVE(field, symbol)                                                 \
  if (!missing && !resolve(lib, a.field, symbol))                              \
    missing = symbol;
#define CUDA_DRIVER_ENTRY(name, symbol, parameters) RESOLVE(name, #symbol)
#include "runtime/aot/cuda/CudaDriverEntries.def"
#undef RESOLVE
  if (missing) {
    out.status = makeError(
        std::string("the CUDA driver is too old: it lacks ") + missing);
    return out;
  }
  if (CUresult r = a.cuInit(0); r != kSuccess)
    out.status = driverError(a, r, "cuInit");
  return out;
}

} // namespace

Status driverError(const DriverApi &api, CUresult result, const char *call) {
  const char *name = nullptr, *text = nullptr;
  if (api.cuGetErrorName)
    api.cuGetErrorName(result, &name);
  if (api.cuGetErrorString)
    api.cuGetErrorString(result, &text);
  return makeError(std::string(call) + " failed: " +
                   (name ? name : "CUDA error " + std::to_string(result)) +
                   (text ? std::string(" (") + text + ")" : ""));
}

Expected<const DriverApi *> loadDriver() {
  static Loaded loaded = load();
  if (!loaded.status)
    return loaded.status;
  return &loaded.api;
}

std::string DeviceInfo::arch() const {
  return "sm_" + std::to_string(computeMajor) + std::to_string(computeMinor);
}

static Expected<DeviceInfo> queryDevice(const DriverApi &a, int ordinal,
                                        CUdevice &device) {
  if (CUresult r = a.cuDeviceGet(&device, ordinal); r != kSuccess)
    return driverError(a, r, "cuDeviceGet");
  DeviceInfo info;
  info.ordinal = ordinal;
  char name[256] = {};
  a.cuDeviceGetName(name, sizeof name - 1, device);
  info.name = name;
  a.cuDeviceGetAttribute(&info.computeMajor, kAttrComputeMajor, device);
  a.cuDeviceGetAttribute(&info.computeMinor, kAttrComputeMinor, device);
  a.cuDeviceTotalMem(&info.totalMemory, device);
  return info;
}

Expected<std::vector<DeviceInfo>> listDevices() {
  auto api = loadDriver();
  VOSKHOD_RETURN_IF_ERROR(api);
  int count = 0;
  if (CUresult r = (*api)->cuDeviceGetCount(&count); r != kSuccess)
    return driverError(**api, r, "cuDeviceGetCount");
  std::vector<DeviceInfo> out;
  for (int i = 0; i < count; ++i) {
    CUdevice d;
    auto info = queryDevice(**api, i, d);
    VOSKHOD_RETURN_IF_ERROR(info);
    out.push_back(*info);
  }
  return out;
}

Expected<std::unique_ptr<CudaContext>> CudaContext::create(int ordinal) {
  auto api = loadDriver();
  VOSKHOD_RETURN_IF_ERROR(api);
  const DriverApi &a = **api;
  int count = 0;
  if (CUresult r = a.cuDeviceGetCount(&count); r != kSuccess)
    return driverError(a, r, "cuDeviceGetCount");
  if (count == 0)
    return makeError("the CUDA driver found no GPU on this machine");
  if (ordinal < 0 || ordinal >= count)
    return makeError("no CUDA device " + std::to_string(ordinal) + " (found " +
                     std::to_string(count) + ")");
  std::unique_ptr<CudaContext> ctx(new CudaContext());
  ctx->api_ = &a;
  auto info = queryDevice(a, ordinal, ctx->device_);
  VOSKHOD_RETURN_IF_ERROR(info);
  ctx->info_ = *info;
  if (CUresult r = a.cuDevicePrimaryCtxRetain(&ctx->context_, ctx->device_);
      r != kSuccess)
    return driverError(a, r, "cuDevicePrimaryCtxRetain");
  VOSKHOD_RETURN_IF_ERROR(ctx->makeCurrent());
  return ctx;
}

Status CudaContext::makeCurrent() const {
  if (CUresult r = api_->cuCtxSetCurrent(context_); r != kSuccess)
    return driverError(*api_, r, "cuCtxSetCurrent");
  return Status::ok();
}

CudaContext::~CudaContext() {
  if (context_)
    api_->cuDevicePrimaryCtxRelease(device_);
}

} // namespace voskhod::rt::cuda
