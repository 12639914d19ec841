/*===- runtime/aot/cuda/CudaDriver.h - the driver API, opened at run time -===*/
/*
 * The C twin of runtime/cuda/CudaDriver.h for AOT objects: the few driver
 * entry points a GPU handle calls, declared ABI-compatibly with cuda.h so
 * nothing of the CUDA toolkit is needed to build or link, and resolved from
 * `libcuda.so.1` with dlopen on first use (once per process and object).
 * Both loaders read their entries from one list, CudaDriverEntries.def; the
 * C++ one cannot be used here because an object carries no C++ runtime.
 *
 *===----------------------------------------------------------------------===*/
#ifndef VOSKHOD_RUNTIME_AOT_CUDA_CUDADRIVER_H
#define VOSKHOD_RUNTIME_AOT_CUDA_CUDADRIVER_H

#include <stddef.h>

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;
typedef struct CUgraph_st *CUgraph;
typedef struct CUgraphExec_st *CUgraphExec;

/* The entry points a GPU object calls, in the list's order. */
typedef struct vkcuda_driver {
#define CUDA_DRIVER_ENTRY(name, symbol, parameters) CUresult(*name) parameters;
#define CUDA_DRIVER_ENTRY_JIT_ONLY(name, symbol, parameters)
#include "CudaDriverEntries.def"
} vkcuda_driver;

/* The driver, or null with a message in `error` saying what is missing
   (no libcuda.so.1, a driver too old, cuInit's failure). */
const vkcuda_driver *vkcuda_load_driver(char *error, size_t error_size);

/* "cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY (out of memory)". */
void vkcuda_driver_error(const vkcuda_driver *driver, CUresult result,
                         const char *call, char *error, size_t error_size);

#endif
