/*===- runtime/aot/State.c - the handle behind a model's C API ------------===*/
/*
 * What every `NAME_` function of an AOT object forwards to: a handle owns
 * 64-byte-aligned storage for each tensor of the model (inputs, params,
 * optimiser states, outputs), the arena the entries' temporaries live in,
 * and its own thread pool. Inputs are copied in before an entry runs,
 * because the memory plan may reuse a dead input's storage for
 * temporaries; outputs are copied out after it.
 *
 * Nothing here is global: two handles, of one model or of two, share no
 * memory and no threads. Each handle keeps the status and message of its
 * last call; why the calling thread's last `create` failed is kept per
 * thread, for NAME_last_status(NULL) and NAME_last_error(NULL), as in the
 * GPU runtime (cuda/CudaState.c).
 *
 *===----------------------------------------------------------------------===*/
#define _POSIX_C_SOURCE 200809L
#include "AotInternal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vkaot_state {
  const vkaot_model *model;
  void **storage;  /* one per model tensor */
  void **pointers; /* an entry's table, rebuilt per call */
  void *arena;
  vkaot_pool *pool;
  int status; /* of the last call */
  char error[512];
};

static _Thread_local int create_status;
static _Thread_local char create_error[256];

/* Records `code` as the handle's last status and returns it. */
static int finish(vkaot_state *s, int code) {
  s->status = code;
  return code;
}

static void *aligned_zeroed(int64_t bytes) {
  size_t size = (size_t)((bytes + 63) / 64 * 64);
  if (size == 0)
    size = 64;
  void *p = NULL;
  if (posix_memalign(&p, 64, size) != 0)
    return NULL;
  memset(p, 0, size);
  return p;
}

static int64_t total_bytes(const vkaot_model *m) {
  int64_t bytes = m->arena_bytes;
  for (int i = 0; i < m->num_tensors; ++i)
    bytes += m->tensors[i].bytes;
  return bytes;
}

void vkaot_destroy(vkaot_state *s) {
  if (!s)
    return;
  vkaot_pool_destroy(s->pool);
  if (s->storage)
    for (int i = 0; i < s->model->num_tensors; ++i)
      free(s->storage[i]);
  free(s->storage);
  free(s->pointers);
  free(s->arena);
  free(s);
}

void vkaot_reset(vkaot_state *s, uint64_t seed) {
  if (!s)
    return;
  const vkaot_model *m = s->model;
  for (int i = 0; i < m->num_tensors; ++i) {
    const vkaot_tensor *t = &m->tensors[i];
    if (t->role == VKAOT_PARAM || t->role == VKAOT_STATE)
      vkaot_fill_init(t, s->storage[i], seed);
    else
      memset(s->storage[i], 0, (size_t)t->bytes);
  }
}

vkaot_state *vkaot_create(const vkaot_model *m, uint64_t seed) {
  create_status = VOSKHOD_ERR_NO_MEMORY;
  snprintf(create_error, sizeof create_error,
           "create: out of memory for model '%s' (%lld bytes of tensors and "
           "arena)",
           m->name, (long long)total_bytes(m));
  vkaot_state *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->model = m;
  size_t n = (size_t)m->num_tensors + 1;
  s->storage = calloc(n, sizeof *s->storage);
  size_t widest = (size_t)(m->step_count > m->forward_count ? m->step_count
                                                            : m->forward_count);
  s->pointers = calloc(widest + 1, sizeof *s->pointers);
  s->arena = aligned_zeroed(m->arena_bytes);
  s->pool = vkaot_pool_create(vkaot_default_threads());
  if (!s->storage || !s->pointers || !s->arena || !s->pool) {
    vkaot_destroy(s);
    return NULL;
  }
  for (int i = 0; i < m->num_tensors; ++i)
    if (!(s->storage[i] = aligned_zeroed(m->tensors[i].bytes))) {
      vkaot_destroy(s);
      return NULL;
    }
  vkaot_reset(s, seed);
  create_status = VOSKHOD_OK;
  create_error[0] = 0;
  return s;
}

/* The shared checks of Arguments.c, with the handle's message buffer. */
static int check_path(vkaot_state *s, const char *entry, const char *path) {
  s->error[0] = 0;
  return vkaot_check_path(s->error, sizeof s->error, entry, path);
}

static int check_pointers(vkaot_state *s, const char *entry, const char *what,
                          const void *const *list, const int32_t *tensors,
                          int32_t count) {
  return vkaot_check_pointers(s->model, s->error, sizeof s->error, entry, what,
                              list, tensors, count);
}

/* Copies the caller's inputs for an entry into the handle and runs it. */
static void run(vkaot_state *s, vkaot_entry entry, const int32_t *table,
                int32_t count, const int32_t *fed, int32_t fed_count,
                const void *const *inputs) {
  const vkaot_model *m = s->model;
  for (int32_t k = 0; k < fed_count; ++k)
    memcpy(s->storage[fed[k]], inputs[k], (size_t)m->tensors[fed[k]].bytes);
  for (int32_t k = 0; k < count; ++k)
    s->pointers[k] = s->storage[table[k]];
  vkaot_pool_run(s->pool, entry, s->pointers, s->arena);
}

double vkaot_train_step(vkaot_state *s, const void *const *inputs) {
  if (!s)
    return NAN;
  const vkaot_model *m = s->model;
  s->error[0] = 0;
  if (!m->step || m->loss_index < 0) {
    snprintf(s->error, sizeof s->error, "model '%s' has no training step",
             m->name);
    finish(s, VOSKHOD_ERR_UNSUPPORTED);
    return NAN;
  }
  if (finish(s, check_pointers(s, "train_step", "input", inputs, m->step_inputs,
                               m->step_input_count)) != VOSKHOD_OK)
    return NAN;
  run(s, m->step, m->step_table, m->step_count, m->step_inputs,
      m->step_input_count, inputs);
  const void *loss = s->storage[m->loss_index];
  switch (m->tensors[m->loss_index].info.dtype) {
  case VOSKHOD_F32:
    return (double)*(const float *)loss;
  case VOSKHOD_F64:
    return *(const double *)loss;
  default:
    return NAN;
  }
}

int vkaot_forward(vkaot_state *s, const void *const *inputs,
                  void *const *outputs) {
  if (!s)
    return VOSKHOD_ERR_ARGUMENT;
  const vkaot_model *m = s->model;
  s->error[0] = 0;
  if (!m->forward) {
    snprintf(s->error, sizeof s->error, "model '%s' has no forward entry",
             m->name);
    return finish(s, VOSKHOD_ERR_UNSUPPORTED);
  }
  int code = check_pointers(s, "forward", "input", inputs, m->forward_inputs,
                            m->forward_input_count);
  if (code == VOSKHOD_OK)
    code = check_pointers(s, "forward", "output", (const void *const *)outputs,
                          m->forward_outputs, m->forward_output_count);
  if (code != VOSKHOD_OK)
    return finish(s, code);
  run(s, m->forward, m->forward_table, m->forward_count, m->forward_inputs,
      m->forward_input_count, inputs);
  for (int32_t k = 0; k < m->forward_output_count; ++k) {
    int32_t i = m->forward_outputs[k];
    memcpy(outputs[k], s->storage[i], (size_t)m->tensors[i].bytes);
  }
  return finish(s, VOSKHOD_OK);
}

/* A path the checkpoint functions can use: not null, not empty. */
int vkaot_save(vkaot_state *s, const char *path) {
  if (!s)
    return VOSKHOD_ERR_ARGUMENT;
  int code = check_path(s, "save", path);
  if (code != VOSKHOD_OK)
    return finish(s, code);
  return finish(s, vkaot_save_checkpoint(s->model, s->storage, path, s->error,
                                         sizeof s->error));
}

int vkaot_load(vkaot_state *s, const char *path) {
  if (!s)
    return VOSKHOD_ERR_ARGUMENT;
  int code = check_path(s, "load", path);
  if (code != VOSKHOD_OK)
    return finish(s, code);
  return finish(s, vkaot_load_checkpoint(s->model, s->storage, path, s->error,
                                         sizeof s->error));
}

int vkaot_threads(const vkaot_state *s) {
  return s ? vkaot_pool_size(s->pool) : 0;
}

int vkaot_set_threads(vkaot_state *s, int threads) {
  if (!s)
    return VOSKHOD_ERR_ARGUMENT;
  s->error[0] = 0;
  /* The bound `voskhod --threads` has too. */
  if (threads < 1 || threads > 1024) {
    snprintf(s->error, sizeof s->error,
             "set_threads: %d threads; expected 1 to 1024", threads);
    return finish(s, VOSKHOD_ERR_ARGUMENT);
  }
  if (threads == vkaot_pool_size(s->pool))
    return finish(s, VOSKHOD_OK);
  vkaot_pool *pool = vkaot_pool_create(threads);
  if (!pool) {
    snprintf(s->error, sizeof s->error, "set_threads: out of memory");
    return finish(s, VOSKHOD_ERR_NO_MEMORY);
  }
  vkaot_pool_destroy(s->pool);
  s->pool = pool;
  return finish(s, VOSKHOD_OK);
}

void *vkaot_param(vkaot_state *s, const char *name,
                  const voskhod_tensor_info **info) {
  if (!s || !name)
    return NULL;
  const vkaot_model *m = s->model;
  for (int i = 0; i < m->num_tensors; ++i) {
    const vkaot_tensor *t = &m->tensors[i];
    if (t->role == VKAOT_PARAM && strcmp(t->info.name, name) == 0) {
      if (info)
        *info = &t->info;
      return s->storage[i];
    }
  }
  return NULL;
}

int vkaot_set_hparam(vkaot_state *s, const char *name, double value) {
  if (!s)
    return VOSKHOD_ERR_ARGUMENT;
  s->error[0] = 0;
  int code;
  int i = vkaot_find_hparam(s->model, name, s->error, sizeof s->error,
                            "set_hparam", &code);
  if (i < 0)
    return finish(s, code);
  return finish(s,
                vkaot_write_hparam(&s->model->tensors[i], s->storage[i], value,
                                   s->error, sizeof s->error, "set_hparam"));
}

int vkaot_hparam(vkaot_state *s, const char *name, double *value) {
  if (!s)
    return VOSKHOD_ERR_ARGUMENT;
  s->error[0] = 0;
  if (!value) {
    snprintf(s->error, sizeof s->error, "hparam: the value pointer is null");
    return finish(s, VOSKHOD_ERR_ARGUMENT);
  }
  int code;
  int i = vkaot_find_hparam(s->model, name, s->error, sizeof s->error, "hparam",
                            &code);
  if (i < 0)
    return finish(s, code);
  *value = vkaot_read_hparam(&s->model->tensors[i], s->storage[i]);
  return finish(s, VOSKHOD_OK);
}

int vkaot_step_updated(vkaot_state *s, int *updated) {
  if (!s)
    return VOSKHOD_ERR_ARGUMENT;
  s->error[0] = 0;
  if (!updated) {
    snprintf(s->error, sizeof s->error,
             "step_updated: the result pointer is null");
    return finish(s, VOSKHOD_ERR_ARGUMENT);
  }
  /* Without accumulation every step updates; with it, the micro-batch count
     is back at 0 exactly when the last step applied the update. */
  int i = vkaot_micro_step_index(s->model);
  *updated = i < 0 || *(const float *)s->storage[i] == 0.0f;
  return finish(s, VOSKHOD_OK);
}

const voskhod_tensor_info *vkaot_info_at(const vkaot_tensor *const *list,
                                         int count, int index) {
  return index >= 0 && index < count ? &list[index]->info : NULL;
}

const char *vkaot_last_error(const vkaot_state *s) {
  if (!s)
    return create_error[0] ? create_error : "no handle";
  return s->error;
}

int vkaot_last_status(const vkaot_state *s) {
  return s ? s->status : create_status;
}
