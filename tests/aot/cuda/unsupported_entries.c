/* Every driver entry point a GPU object resolves
 * (runtime/aot/cuda/CudaDriverEntries.def) as a weak definition that returns
 * CUDA_ERROR_NOT_SUPPORTED, for a stand-in driver to be linked with: the
 * stand-in defines the entries its tests reach, its definitions take
 * precedence, and the list needs no copy here. Not a driver by itself. */
#include "../../../runtime/aot/cuda/CudaDriver.h"

#define CUDA_DRIVER_ENTRY(name, symbol, parameters)                            \
  __attribute__((weak)) CUresult symbol(void) { return 801; }
#define CUDA_DRIVER_ENTRY_JIT_ONLY(name, symbol, parameters)
#include "../../../runtime/aot/cuda/CudaDriverEntries.def"
