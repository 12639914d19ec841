/* A stand-in for libcuda.so.1 with the entry points a GPU object resolves,
 * so the paths between "no driver" and "a working GPU" run on machines
 * without one (tests/lit/aot/cuda-fake-driver.test). FAKE_CUDA_DEVICES
 * sets how many devices it reports (default 0); each is an sm_80 part on
 * which no cubin loads, as a cubin for another architecture would not, and
 * PTX loads only when FAKE_CUDA_PTX_LOADS is set (as it would on a newer
 * GPU than the PTX's); nothing after that works: every other entry comes
 * from unsupported_entries.c, linked with this file. */
#include <stddef.h>
#include <stdlib.h>

typedef int CUresult;
enum {
  OK = 0,
  NOT_SUPPORTED = 801,
  NO_BINARY_FOR_GPU = 209,
  INVALID_PTX = 218
};

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
  static int token;
  const unsigned char *bytes = image;
  if (bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F')
    return NO_BINARY_FOR_GPU;
  if (!getenv("FAKE_CUDA_PTX_LOADS"))
    return INVALID_PTX;
  *module = &token;
  return OK;
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
