/*===- runtime/aot/cuda/CudaAbi.h - a GPU object's generated part and host ===*/
/*
 * The contract between what compiler/codegen/llvm/AotCompiler.cpp emits for
 * `voskhod compile --target=cuda` (the model descriptor of ../AotAbi.h, the
 * cubin NVRTC compiled, each entry's kernel launches, the `NAME_` wrappers)
 * and the host code in this folder, which loads the CUDA driver with dlopen
 * when a handle is created, so the object has no link-time dependency on it.
 *
 * The launch plan is runtime/cuda/LaunchPlan.h's, flattened: a launch's
 * arguments are device pointers, each either an external tensor of the
 * entry (its position in the entry's table, >= 0) or a byte offset `o` into
 * the arena, written as -1 - o. Layouts are fixed by hand as in AotAbi.h:
 * 8-byte fields first, no padding (checked below).
 *
 * Deliberately not here: the driver's declarations (CudaDriver.h).
 *
 *===----------------------------------------------------------------------===*/
#ifndef VOSKHOD_RUNTIME_AOT_CUDA_CUDAABI_H
#define VOSKHOD_RUNTIME_AOT_CUDA_CUDAABI_H

#include "../AotAbi.h"

typedef struct vkcuda_launch {
  const char *function; /* `extern "C"` kernel name in the cubin */
  const int64_t *args;
  int32_t grid, block, shared_bytes, arg_count;
} vkcuda_launch;

typedef struct vkcuda_program {
  const vkaot_model *model;   /* step and forward entries are null */
  const unsigned char *image; /* the cubin */
  const char *ptx;            /* the same module as PTX, or null */
  const char *arch;           /* "sm_90" */
  const vkcuda_launch *step;
  const vkcuda_launch *forward;
  int64_t image_size;
  int64_t arena_bytes; /* the largest arena of the two entries */
  int32_t step_launch_count;
  int32_t forward_launch_count;
} vkcuda_program;

typedef char vkcuda_check_launch_layout[sizeof(vkcuda_launch) == 32 ? 1 : -1];
typedef char vkcuda_check_program_layout[sizeof(vkcuda_program) == 72 ? 1 : -1];

/* The API every generated `NAME_` wrapper of a GPU object forwards to
   (CudaState.c); the same as AotAbi.h's vkaot_ functions, plus
   vkcuda_last_status. */
typedef struct vkcuda_state vkcuda_state;
vkcuda_state *vkcuda_create(const vkcuda_program *program, uint64_t seed);
void vkcuda_destroy(vkcuda_state *state);
void vkcuda_reset(vkcuda_state *state, uint64_t seed);
double vkcuda_train_step(vkcuda_state *state, const void *const *inputs);
int vkcuda_forward(vkcuda_state *state, const void *const *inputs,
                   void *const *outputs);
int vkcuda_save(vkcuda_state *state, const char *path);
int vkcuda_load(vkcuda_state *state, const char *path);
int vkcuda_threads(const vkcuda_state *state);
int vkcuda_set_threads(vkcuda_state *state, int threads);
void *vkcuda_param(vkcuda_state *state, const char *name,
                   const voskhod_tensor_info **info);
int vkcuda_set_hparam(vkcuda_state *state, const char *name, double value);
int vkcuda_hparam(vkcuda_state *state, const char *name, double *value);
int vkcuda_step_updated(vkcuda_state *state, int *updated);
const voskhod_tensor_info *vkcuda_info_at(const vkaot_tensor *const *list,
                                          int count, int index);
/* With a null state: why the calling thread's last create failed. */
const char *vkcuda_last_error(const vkcuda_state *state);
int vkcuda_last_status(const vkcuda_state *state);

#endif
