/* A stand-in for libcuda.so.1 with the entry points a GPU object resolves,
 * so the paths between "no driver" and "a working GPU" run on machines
 * without one (tests/lit/aot/cuda-fake-driver.test). FAKE_CUDA_DEVICES
 * sets how many devices it reports (default 0); each is an sm_80 part on
 * which no module loads, as a cubin for another architecture would not. */
#include <stddef.h>
#include <stdlib.h>

typedef int CUresult;
enum { OK = 0, NOT_SUPPORTED = 801, NO_BINARY_FOR_GPU = 209 };

static int devices(void) {
  const char *n = getenv("FAKE_CUDA_DEVICES");
  return n ? atoi(n) : 0;
}

CUresult cuInit(unsigned flags) { return flags == 0 ? OK : NOT_SUPPORTED; }
CUresult cuDeviceGetCount(int *count) {
  *count = devices();
  return OK;
}
CUresult cuDeviceGet(int *device, int ordinal) {
  *device = ordinal;
  return ordinal < devices() ? OK : NOT_SUPPORTED;
}
CUresult cuDeviceGetAttribute(int *value, int attribute, int device) {
  (void)device;
  *value = attribute == 75 ? 8 : 0; /* compute capability 8.0 */
  return OK;
}
CUresult cuDevicePrimaryCtxRetain(void **context, int device) {
  static int token;
  (void)device;
  *context = &token;
  return OK;
}
CUresult cuDevicePrimaryCtxRelease_v2(int device) {
  (void)device;
  return OK;
}
CUresult cuCtxSetCurrent(void *context) {
  (void)context;
  return OK;
}
CUresult cuModuleLoadData(void **module, const void *image) {
  (void)module;
  (void)image;
  return NO_BINARY_FOR_GPU;
}
CUresult cuGetErrorName(CUresult r, const char **name) {
  *name = r == NO_BINARY_FOR_GPU ? "CUDA_ERROR_NO_BINARY_FOR_GPU"
                                 : "CUDA_ERROR_NOT_SUPPORTED";
  return OK;
}
CUresult cuGetErrorString(CUresult r, const char **text) {
  *text = r == NO_BINARY_FOR_GPU ? "no kernel image is available for "
                                   "execution on the device"
                                 : "operation not supported";
  return OK;
}

/* Never reached in these tests. */
#define UNSUPPORTED(name)                                                      \
  CUresult name(void) { return NOT_SUPPORTED; }
UNSUPPORTED(cuModuleUnload)
UNSUPPORTED(cuModuleGetFunction)
UNSUPPORTED(cuMemAlloc_v2)
UNSUPPORTED(cuMemFree_v2)
UNSUPPORTED(cuMemsetD8_v2)
UNSUPPORTED(cuStreamCreate)
UNSUPPORTED(cuStreamDestroy_v2)
UNSUPPORTED(cuStreamSynchronize)
UNSUPPORTED(cuMemcpyHtoDAsync_v2)
UNSUPPORTED(cuMemcpyDtoHAsync_v2)
UNSUPPORTED(cuLaunchKernel)
UNSUPPORTED(cuStreamBeginCapture_v2)
UNSUPPORTED(cuStreamEndCapture)
UNSUPPORTED(cuGraphInstantiateWithFlags)
UNSUPPORTED(cuGraphLaunch)
UNSUPPORTED(cuGraphExecDestroy)
UNSUPPORTED(cuGraphDestroy)
