/*===- runtime/aot/cuda/CudaDriver.c - the driver API, opened at run time -===*/
/*
 * dlopen("libcuda.so.1") once per process (pthread_once), resolve the entry
 * points by the versioned names cuda.h's macros map to, and cuInit. The
 * outcome, driver or message, is kept for every later handle: a machine
 * without a GPU pays for the attempt once.
 *
 *===----------------------------------------------------------------------===*/
#define _POSIX_C_SOURCE 200809L
#include "CudaDriver.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static vkcuda_driver driver;
static const vkcuda_driver *loaded;
static char load_error[512];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static int resolve(void *lib, void **fn, const char *name) {
  *fn = dlsym(lib, name);
  return *fn != NULL;
}

static void load(void) {
  void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char *why = dlerror();
    snprintf(load_error, sizeof load_error,
             "no CUDA driver (libcuda.so.1) on this machine: %s; this model "
             "was compiled for an NVIDIA GPU and needs one with its driver",
             why ? why : "not found");
    return;
  }
  vkcuda_driver *d = &driver;
  const char *missing = NULL;
#define RESOLVE(field, symbol)                                                 \
  if (!missing && !resolve(lib, (void **)&d->field, symbol))                   \
    missing = symbol;
#define CUDA_DRIVER_ENTRY(name, symbol, parameters) RESOLVE(name, #symbol)
#define CUDA_DRIVER_ENTRY_JIT_ONLY(name, symbol, parameters)
#include "CudaDriverEntries.def"
#undef RESOLVE
  if (missing) {
    snprintf(load_error, sizeof load_error,
             "the CUDA driver is too old: it lacks %s", missing);
    return;
  }
  CUresult r = d->cuInit(0);
  if (r != 0) {
    vkcuda_driver_error(d, r, "cuInit", load_error, sizeof load_error);
    return;
  }
  loaded = d;
}

const vkcuda_driver *vkcuda_load_driver(char *error, size_t error_size) {
  pthread_once(&load_once, load);
  if (!loaded && error && error_size)
    snprintf(error, error_size, "%s", load_error);
  return loaded;
}

void vkcuda_driver_error(const vkcuda_driver *d, CUresult result,
                         const char *call, char *error, size_t error_size) {
  const char *name = NULL, *text = NULL;
  if (d && d->cuGetErrorName)
    d->cuGetErrorName(result, &name);
  if (d && d->cuGetErrorString)
    d->cuGetErrorString(result, &text);
  if (name)
    snprintf(error, error_size, "%s failed: %s%s%s%s", call, name,
             text ? " (" : "", text ? text : "", text ? ")" : "");
  else
    snprintf(error, error_size, "%s failed: CUDA error %d", call, result);
}
