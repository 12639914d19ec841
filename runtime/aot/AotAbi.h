/*===- runtime/aot/AotAbi.h - generated code and runtime ABI --------------===*/
/*
 * The contract between an AOT object's generated part (the step and forward
 * entries, the model descriptor and the `NAME_` wrappers that
 * compiler/codegen/llvm/AotCompiler.cpp emits) and the support code in this
 * folder, which is written in C11 with POSIX threads so that the object needs
 * only libc, libm and pthreads. The voskhod build compiles these files to
 * LLVM bitcode; `voskhod compile` links that bitcode into each model's module
 * and makes every symbol internal except the `NAME_` API, so two models can
 * live in one program and nothing here is visible to the user.
 *
 * The descriptor structs are emitted by the compiler as literal LLVM structs,
 * so their layouts are fixed here by hand: 8-byte fields first, then 4-byte
 * ones, no padding anywhere (checked below). Changing a field means changing
 * AotCompiler.cpp in the same commit.
 *
 * Deliberately not here: the user-facing API, which the generated C header
 * declares per model with its `NAME_` prefix; its shared types are in
 * CommonTypes.h, which is also the text every generated header carries.
 *
 * Twins. An object must not depend on the C++ runtime (it is linked into
 * the user's program, which may be plain C and has no libvoskhod), so three
 * pieces of runtime/ exist here again in C and must agree with their C++
 * originals bit for bit:
 *   - Random.c, the Philox-4x32-10 numbers and initialisers of
 *     runtime/Random.cpp (and the rounding of runtime/Executable.cpp), so a
 *     handle starts from the values the JIT and the interpreter start from.
 *     Held equal by AotParity.InitialValuesOfEveryParamAndState
 *     (tests/unit/aot/ParityTest.cpp): every initialiser, f32 and f64, three
 *     seeds, byte for byte against the C++ runtime. The kinds themselves
 *     are not repeated: Random.c expands initialisers/InitKinds.def.
 *   - Safetensors.c (with Json.c), the checkpoint format of
 *     trainer/Checkpoint.cpp, so files move between a handle and
 *     `voskhod train`. Held equal by tests/unit/aot/CheckpointTest.cpp:
 *     AotCheckpoint.RuntimeReadsWhatAotSaves (the C++ runtime reads what a
 *     handle writes, and writes the same bytes for the same tensors) and
 *     AotCheckpoint.AotReadsWhatRuntimeSaves (a handle reads what the C++
 *     runtime writes and trains on to the JIT's losses).
 *   - Pool.c, the chunking of runtime/ThreadPool.cpp, so results do not
 *     depend on the thread count or on which of the two ran the step. Held
 *     equal by the step-for-step parity tests of ParityTest.cpp and
 *     AotParity.ThreadCountDoesNotChangeResults.
 * What can be shared without a twin is shared as source both sides read:
 * CommonTypes.h (the types of the ABI and of every generated header) and
 * cuda/CudaDriverEntries.def (the driver entry points both CUDA loaders
 * resolve).
 *
 *===----------------------------------------------------------------------===*/
#ifndef VOSKHOD_RUNTIME_AOT_AOTABI_H
#define VOSKHOD_RUNTIME_AOT_AOTABI_H

#include <stddef.h>
#include <stdint.h>

/* The public types every generated header declares, from this one file. */
#include "CommonTypes.h"

/* Roles, as runtime/Executable.h's TensorRole. */
enum { VKAOT_INPUT = 0, VKAOT_PARAM = 1, VKAOT_STATE = 2, VKAOT_OUTPUT = 3 };

/* One tensor of the model; `info` first so a descriptor is also the public
   info. `init` is initialisers/InitKinds.def's order; `a` and `b` its
   arguments. */
typedef struct vkaot_tensor {
  voskhod_tensor_info info;
  double a, b;
  int64_t bytes;
  int32_t role;
  int32_t init;
} vkaot_tensor;

/* A compiled entry: `void entry(void **tensors, void *arena)`, where
   tensors[i] is the storage of the model tensor table[i]. */
typedef void (*vkaot_entry)(void **tensors, void *arena);

typedef struct vkaot_model {
  const char *name;
  const vkaot_tensor *tensors;
  vkaot_entry step;
  const int32_t *step_table;
  vkaot_entry forward;
  const int32_t *forward_table;
  /* The tensors the caller supplies to each entry, in argument order (an
     input no kernel reads is left out), and the forward outputs it gets. */
  const int32_t *step_inputs;
  const int32_t *forward_inputs;
  const int32_t *forward_outputs;
  int64_t arena_bytes;
  int32_t num_tensors;
  int32_t step_count;
  int32_t forward_count;
  /* The tensor the step's loss is written to; -1 without a step. */
  int32_t loss_index;
  int32_t step_input_count;
  int32_t forward_input_count;
  int32_t forward_output_count;
  int32_t reserved;
} vkaot_model;

typedef char
    vkaot_check_info_layout[sizeof(voskhod_tensor_info) == 32 ? 1 : -1];
typedef char vkaot_check_tensor_layout[sizeof(vkaot_tensor) == 64 ? 1 : -1];
typedef char vkaot_check_model_layout[sizeof(vkaot_model) == 112 ? 1 : -1];

/* The API every generated `NAME_` wrapper forwards to (State.c). */
typedef struct vkaot_state vkaot_state;
vkaot_state *vkaot_create(const vkaot_model *model, uint64_t seed);
void vkaot_destroy(vkaot_state *state);
double vkaot_train_step(vkaot_state *state, const void *const *inputs);
int vkaot_forward(vkaot_state *state, const void *const *inputs,
                  void *const *outputs);
int vkaot_save(vkaot_state *state, const char *path);
int vkaot_load(vkaot_state *state, const char *path);
int vkaot_threads(const vkaot_state *state);
int vkaot_set_threads(vkaot_state *state, int threads);
void *vkaot_param(vkaot_state *state, const char *name,
                  const voskhod_tensor_info **info);
int vkaot_set_hparam(vkaot_state *state, const char *name, double value);
int vkaot_hparam(vkaot_state *state, const char *name, double *value);
int vkaot_step_updated(vkaot_state *state, int *updated);
/* list[index], or null when index is outside [0, count). */
const voskhod_tensor_info *vkaot_info_at(const vkaot_tensor *const *list,
                                         int count, int index);
const char *vkaot_last_error(const vkaot_state *state);
/* The status of the handle's last call; with null, of the calling thread's
   last vkaot_create. */
int vkaot_last_status(const vkaot_state *state);
void vkaot_reset(vkaot_state *state, uint64_t seed);

#endif
