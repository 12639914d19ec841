//===- tests/aot/cuda/emulated_libcuda.cpp - a driver that runs on the host
//===//
///
/// A stand-in for libcuda.so.1 with which a GPU object trains on a machine
/// without a GPU (tests/unit/aot/CudaAotTest.cpp): one sm_90 device whose
/// memory is host memory, a stream that runs everything at once, stream
/// capture that records launches into a graph and replays them, and kernel
/// launches handed to the launcher the test installs with
/// fake_cuda_set_launcher (which runs the rendered CUDA C++ compiled for
/// the host, tests/unit/cuda/HostEmulation.h). Modules ignore their image:
/// the launcher knows the kernels by name.
///
/// Built by the test with `c++ -shared -fPIC -Wl,-soname,libcuda.so.1` and
/// opened before the object asks for the driver, so its dlopen finds this.
///
//===----------------------------------------------------------------------===//
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using CUresult = int;
using Launcher = int (*)(void *user, const char *function, unsigned grid,
                         unsigned block, void **params);
constexpr CUresult kOk = 0, kInvalid = 1, kLaunchFailed = 719;

struct Function {
  std::string name;
};
struct Launch {
  Function *function;
  unsigned grid, block;
  void **params;
};
struct Graph {
  std::vector<Launch> launches;
};

Launcher launcher;
void *launcherUser;
bool capturing;
Graph *captured;
int contextToken, moduleToken, streamToken;
std::vector<Function *> functions;

CUresult launch(const Launch &l) {
  if (!launcher)
    return kLaunchFailed;
  return launcher(launcherUser, l.function->name.c_str(), l.grid, l.block,
                  l.params) == 0
             ? kOk
             : kLaunchFailed;
}

} // namespace

extern "C" {

void fake_cuda_set_launcher(Launcher l, void *user) {
  launcher = l;
  launcherUser = user;
}

CUresult cuInit(unsigned) { return kOk; }
CUresult cuDeviceGetCount(int *count) {
  *count = 1;
  return kOk;
}
CUresult cuDeviceGet(int *device, int ordinal) {
  *device = ordinal;
  return ordinal == 0 ? kOk : kInvalid;
}
CUresult cuDeviceGetAttribute(int *value, int attribute, int) {
  *value = attribute == 75 ? 9 : 0;
  return kOk;
}
CUresult cuDevicePrimaryCtxRetain(void **context, int) {
  *context = &contextToken;
  return kOk;
}
CUresult cuDevicePrimaryCtxRelease_v2(int) { return kOk; }
CUresult cuCtxSetCurrent(void *) { return kOk; }
CUresult cuModuleLoadData(void **module, const void *image) {
  *module = &moduleToken;
  return image ? kOk : kInvalid;
}
CUresult cuModuleUnload(void *) {
  for (Function *f : functions)
    delete f;
  functions.clear();
  return kOk;
}
CUresult cuModuleGetFunction(void **function, void *, const char *name) {
  functions.push_back(new Function{name});
  *function = functions.back();
  return kOk;
}
CUresult cuMemAlloc_v2(unsigned long long *ptr, size_t bytes) {
  void *p = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
  *ptr = reinterpret_cast<unsigned long long>(p);
  return p ? kOk : 2;
}
CUresult cuMemFree_v2(unsigned long long ptr) {
  std::free(reinterpret_cast<void *>(ptr));
  return kOk;
}
CUresult cuMemsetD8_v2(unsigned long long ptr, unsigned char value,
                       size_t bytes) {
  std::memset(reinterpret_cast<void *>(ptr), value, bytes);
  return kOk;
}
CUresult cuStreamCreate(void **stream, unsigned) {
  *stream = &streamToken;
  return kOk;
}
CUresult cuStreamDestroy_v2(void *) { return kOk; }
CUresult cuStreamSynchronize(void *) { return kOk; }
CUresult cuMemcpyHtoDAsync_v2(unsigned long long dst, const void *src,
                              size_t bytes, void *) {
  std::memcpy(reinterpret_cast<void *>(dst), src, bytes);
  return kOk;
}
CUresult cuMemcpyDtoHAsync_v2(void *dst, unsigned long long src, size_t bytes,
                              void *) {
  std::memcpy(dst, reinterpret_cast<const void *>(src), bytes);
  return kOk;
}
CUresult cuLaunchKernel(void *function, unsigned gx, unsigned gy, unsigned gz,
                        unsigned bx, unsigned by, unsigned bz, unsigned, void *,
                        void **params, void **extra) {
  if (gy != 1 || gz != 1 || by != 1 || bz != 1 || extra)
    return kInvalid;
  Launch l{static_cast<Function *>(function), gx, bx, params};
  if (capturing) {
    captured->launches.push_back(l);
    return kOk;
  }
  return launch(l);
}
CUresult cuStreamBeginCapture_v2(void *, int) {
  if (capturing)
    return kInvalid;
  capturing = true;
  captured = new Graph;
  return kOk;
}
CUresult cuStreamEndCapture(void *, void **graph) {
  if (!capturing)
    return kInvalid;
  capturing = false;
  *graph = captured;
  captured = nullptr;
  return kOk;
}
CUresult cuGraphInstantiateWithFlags(void **exec, void *graph,
                                     unsigned long long) {
  *exec = new Graph(*static_cast<Graph *>(graph));
  return kOk;
}
CUresult cuGraphLaunch(void *exec, void *) {
  for (const Launch &l : static_cast<Graph *>(exec)->launches)
    if (CUresult r = launch(l); r != kOk)
      return r;
  return kOk;
}
CUresult cuGraphExecDestroy(void *exec) {
  delete static_cast<Graph *>(exec);
  return kOk;
}
CUresult cuGraphDestroy(void *graph) {
  delete static_cast<Graph *>(graph);
  return kOk;
}
CUresult cuGetErrorName(CUresult r, const char **name) {
  *name = r == kLaunchFailed ? "CUDA_ERROR_LAUNCH_FAILED"
                             : "CUDA_ERROR_INVALID_VALUE";
  return kOk;
}
CUresult cuGetErrorString(CUresult r, const char **text) {
  *text =
      r == kLaunchFailed ? "the emulated launch failed" : "invalid argument";
  return kOk;
}

} // extern "C"
