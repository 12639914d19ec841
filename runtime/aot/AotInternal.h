/*===- runtime/aot/AotInternal.h - the AOT runtime's shared pieces --------===*/
/*
 * Declarations the files of the AOT runtime share: the per-handle thread
 * pool (Pool.c), the Philox initialisers (Random.c), the safetensors reader
 * and writer (Safetensors.c) and its JSON (Json.c). None of it is visible
 * outside an AOT object.
 *
 *===----------------------------------------------------------------------===*/
#ifndef VOSKHOD_RUNTIME_AOT_AOTINTERNAL_H
#define VOSKHOD_RUNTIME_AOT_AOTINTERNAL_H

#include "AotAbi.h"

#include <stddef.h>
#include <stdint.h>

/* --- Pool.c ------------------------------------------------------------- */

/* A fixed pool with the semantics of runtime/ThreadPool.h: chunks fixed by
   (n, grain), each participant a contiguous run of them, the caller takes
   part, nested loops run inline. One per handle. */
typedef struct vkaot_pool vkaot_pool;
vkaot_pool *vkaot_pool_create(int threads);
void vkaot_pool_destroy(vkaot_pool *pool);
int vkaot_pool_size(const vkaot_pool *pool);
/* Runs `entry` on the calling thread with `pool` serving the parallel loops
   and scratch requests the generated code makes meanwhile. */
void vkaot_pool_run(vkaot_pool *pool, vkaot_entry entry, void **tensors,
                    void *arena);
/* Threads a new handle gets: VOSKHOD_NUM_THREADS if set, else the online
   processors. */
int vkaot_default_threads(void);

/* --- Random.c ----------------------------------------------------------- */

/* Fills a param or state as runtime/Executable.cpp's initialize does, to
   the bit. */
void vkaot_fill_init(const vkaot_tensor *tensor, void *out, uint64_t seed);

/* --- Arguments.c -------------------------------------------------------- */

/* VOSKHOD_ERR_ARGUMENT, with a message naming the tensor in `error`, when
   `list` is null (and `count` > 0) or holds a null pointer; `tensors` maps
   positions in `list` to the model's tensors. */
int vkaot_check_pointers(const vkaot_model *model, char *error,
                         size_t error_size, const char *entry, const char *what,
                         const void *const *list, const int32_t *tensors,
                         int32_t count);
/* VOSKHOD_ERR_ARGUMENT, with a message, for a null or empty path. */
int vkaot_check_path(char *error, size_t error_size, const char *entry,
                     const char *path);

/* Run-time hyperparameters are scalar states named VKAOT_HPARAM_PREFIX and
   the setting's name ("hparam.lr"); support/Hyperparameters.h spells the
   prefix for the C++ side, and AotHparams.PrefixMatchesTheCompilers holds
   the two equal. */
#define VKAOT_HPARAM_PREFIX "hparam."
/* The state counting micro-batches since the last update, under gradient
   accumulation (compiler/training/GradAccumulation.h, kMicroStepName). */
#define VKAOT_MICRO_STEP "step.micro"
/* The model tensor of hyperparameter `name`, or -1 with a message in
   `error` naming the model's hyperparameters (VOSKHOD_ERR_NOT_FOUND) or the
   null name (VOSKHOD_ERR_ARGUMENT) and that code in *code. */
int vkaot_find_hparam(const vkaot_model *model, const char *name, char *error,
                      size_t error_size, const char *entry, int *code);
/* Writes `value`, rounded to the tensor's dtype, to a hyperparameter's
   storage; VOSKHOD_ERR_ARGUMENT with a message when it is not finite or is
   negative. */
int vkaot_write_hparam(const vkaot_tensor *tensor, void *storage, double value,
                       char *error, size_t error_size, const char *entry);
double vkaot_read_hparam(const vkaot_tensor *tensor, const void *storage);
/* The model tensor of VKAOT_MICRO_STEP (an f32 scalar state), or -1 when the
   model does not accumulate gradients. */
int vkaot_micro_step_index(const vkaot_model *model);

/* --- Safetensors.c ------------------------------------------------------ */

typedef struct vkaot_buffer {
  char *data;
  size_t size, capacity;
} vkaot_buffer;
int vkaot_buffer_append(vkaot_buffer *b, const void *data, size_t n);
int vkaot_buffer_append_str(vkaot_buffer *b, const char *s);
void vkaot_buffer_free(vkaot_buffer *b);

/* Writes the model's params and states as a checkpoint trainer/Checkpoint.h
   reads, atomically. `error` gets a message on failure. */
int vkaot_save_checkpoint(const vkaot_model *model, void *const *storage,
                          const char *path, char *error, size_t error_size);
/* Reads and validates a checkpoint completely, then copies every param and
   state into `storage`; on any failure `storage` is untouched. */
int vkaot_load_checkpoint(const vkaot_model *model, void *const *storage,
                          const char *path, char *error, size_t error_size);

uint32_t vkaot_crc32(uint32_t crc, const void *data, size_t n);

/* --- Json.c ------------------------------------------------------------- */

enum {
  VKAOT_JSON_NULL,
  VKAOT_JSON_BOOL,
  VKAOT_JSON_NUMBER,
  VKAOT_JSON_STRING,
  VKAOT_JSON_ARRAY,
  VKAOT_JSON_OBJECT
};

typedef struct vkaot_json vkaot_json;
struct vkaot_json {
  int kind;
  int boolean;
  /* NUMBER: the text as written; `is_count` when it is a non-negative
     integer that fits in `count`. */
  const char *text;
  size_t text_len;
  int is_count;
  uint64_t count;
  /* STRING: bytes (may hold NUL). */
  const char *string;
  size_t string_len;
  /* ARRAY, OBJECT: `keys` only for objects, sorted, duplicates removed
     (the last one wins, as nlohmann's parser does). */
  vkaot_json *items;
  const char **keys;
  size_t *key_lens;
  size_t count_items;
};

typedef struct vkaot_json_doc vkaot_json_doc;
/* Parses one JSON value that spans all of `text`; null on malformed input
   (or out of memory). */
vkaot_json_doc *vkaot_json_parse(const char *text, size_t len,
                                 const vkaot_json **root);
void vkaot_json_free(vkaot_json_doc *doc);
/* The member `key` of an object, or null. */
const vkaot_json *vkaot_json_get(const vkaot_json *object, const char *key);
/* Writes `value` compactly with sorted keys, the form nlohmann's dump()
   gives; `skip` (if not null) is left out of the object `skip_parent`. */
int vkaot_json_dump(const vkaot_json *value, vkaot_buffer *out,
                    const vkaot_json *skip_parent, const char *skip);
int vkaot_json_dump_string(const char *s, size_t len, vkaot_buffer *out);

#endif
