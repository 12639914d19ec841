/*===- runtime/aot/cuda/CudaState.c - the handle behind a GPU model's API -===*/
/*
 * What every `NAME_` function of an object compiled with --target=cuda
 * forwards to. A handle holds the device's primary context, the module
 * loaded from the embedded cubin, a stream, one device allocation for every
 * tensor of the model plus the arena (laid out as runtime/cuda/
 * DeviceProgram.cpp lays it out), each entry's launches with their argument
 * pointers resolved once, and a host copy of every tensor for checkpoints
 * and NAME_param. Each entry is captured as a CUDA graph on its first run
 * and replayed after that.
 *
 * Params and states live on the GPU between steps: a step uploads only its
 * inputs and downloads only the loss. The host copies are brought up to
 * date when something on the host needs them (save, param) and uploaded
 * again before the next entry runs when the host may have changed them
 * (reset, load, param).
 *
 * Creating a handle on a machine without the driver or a GPU fails cleanly:
 * null, with VOSKHOD_ERR_NO_DEVICE and the reason kept per thread for
 * NAME_last_status(NULL) and NAME_last_error(NULL). Handles share nothing
 * but the driver itself.
 *
 *===----------------------------------------------------------------------===*/
#define _POSIX_C_SOURCE 200809L
#include "../AotInternal.h"
#include "CudaAbi.h"
#include "CudaDriver.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Values from cuda.h. */
enum {
  CU_SUCCESS = 0,
  CU_ERROR_OUT_OF_MEMORY = 2,
  CU_ERROR_NO_DEVICE = 100,
  CU_ERROR_INVALID_IMAGE = 200,
  CU_ERROR_NO_BINARY_FOR_GPU = 209,
  CU_ERROR_INVALID_SOURCE = 300,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
  CU_STREAM_NON_BLOCKING = 1,
  CU_STREAM_CAPTURE_MODE_RELAXED = 2
};

enum { ALIGN = 256, STEP = 0, FORWARD = 1 };

typedef struct entry {
  int32_t count;
  CUfunction *functions;
  CUdeviceptr *values; /* every launch's arguments, one after another */
  void **params;       /* pointers into `values`, as cuLaunchKernel wants */
  CUgraph graph;
  CUgraphExec exec;
} entry;

struct vkcuda_state {
  const vkcuda_program *program;
  const vkaot_model *model;
  const vkcuda_driver *d;
  CUdevice device;
  CUcontext context;
  CUmodule module;
  CUstream stream;
  CUdeviceptr block;
  CUdeviceptr *address; /* one per model tensor */
  void **host;          /* one per model tensor */
  entry entries[2];
  int host_newer;   /* params or states changed on the host */
  int device_newer; /* the GPU's params and states are ahead of `host` */
  int status;
  char error[512];
};

static _Thread_local char create_error[512];
static _Thread_local int create_status;

static int64_t align_up(int64_t n) {
  if (n < 1)
    n = 1;
  return (n + ALIGN - 1) / ALIGN * ALIGN;
}

static int fail(vkcuda_state *s, int status, const char *call, CUresult r) {
  vkcuda_driver_error(s->d, r, call, s->error, sizeof s->error);
  s->status = r == CU_ERROR_OUT_OF_MEMORY ? VOSKHOD_ERR_NO_MEMORY : status;
  return s->status;
}

#define CHECK(s, expr, call)                                                   \
  do {                                                                         \
    CUresult r_ = (expr);                                                      \
    if (r_ != CU_SUCCESS)                                                      \
      return fail(s, VOSKHOD_ERR_DEVICE, call, r_);                            \
  } while (0)

static int is_stored(const vkaot_tensor *t) {
  return t->role == VKAOT_PARAM || t->role == VKAOT_STATE;
}

void vkcuda_destroy(vkcuda_state *s) {
  if (!s)
    return;
  const vkcuda_driver *d = s->d;
  if (d && s->context) {
    d->cuCtxSetCurrent(s->context);
    if (s->stream)
      d->cuStreamSynchronize(s->stream);
  }
  for (int k = 0; k < 2; ++k) {
    entry *e = &s->entries[k];
    if (d && e->exec)
      d->cuGraphExecDestroy(e->exec);
    if (d && e->graph)
      d->cuGraphDestroy(e->graph);
    free(e->functions);
    free(e->values);
    free(e->params);
  }
  if (d && s->block)
    d->cuMemFree(s->block);
  if (d && s->stream)
    d->cuStreamDestroy(s->stream);
  if (d && s->module)
    d->cuModuleUnload(s->module);
  if (d && s->context)
    d->cuDevicePrimaryCtxRelease(s->device);
  if (s->host)
    for (int i = 0; i < s->model->num_tensors; ++i)
      free(s->host[i]);
  free(s->host);
  free(s->address);
  free(s);
}

void vkcuda_reset(vkcuda_state *s, uint64_t seed) {
  if (!s)
    return;
  const vkaot_model *m = s->model;
  for (int i = 0; i < m->num_tensors; ++i) {
    const vkaot_tensor *t = &m->tensors[i];
    if (is_stored(t))
      vkaot_fill_init(t, s->host[i], seed);
    else
      memset(s->host[i], 0, (size_t)t->bytes);
  }
  s->host_newer = 1;
  s->device_newer = 0;
}

/* The module: the cubin, or on a GPU it does not run on, the PTX compiled
   by the driver (which works for newer GPUs only); a mismatch is said in
   terms of architectures. */
static int load_module(vkcuda_state *s) {
  const vkcuda_driver *d = s->d;
  CUresult r = d->cuModuleLoadData(&s->module, s->program->image);
  if (r == CU_SUCCESS)
    return VOSKHOD_OK;
  s->module = NULL;
  int other_arch = r == CU_ERROR_NO_BINARY_FOR_GPU ||
                   r == CU_ERROR_INVALID_SOURCE || r == CU_ERROR_INVALID_IMAGE;
  if (other_arch && s->program->ptx) {
    if (d->cuModuleLoadData(&s->module, s->program->ptx) == CU_SUCCESS)
      return VOSKHOD_OK;
    s->module = NULL;
  }
  int major = 0, minor = 0;
  d->cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                          s->device);
  d->cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                          s->device);
  char why[256];
  vkcuda_driver_error(d, r, "cuModuleLoadData", why, sizeof why);
  if (other_arch) {
    snprintf(s->error, sizeof s->error,
             "model '%s' was compiled for %s and the GPU is sm_%d%d; compile "
             "it again with --gpu-arch=sm_%d%d (%s)",
             s->model->name, s->program->arch, major, minor, major, minor, why);
    s->status = VOSKHOD_ERR_NO_DEVICE;
  } else {
    snprintf(s->error, sizeof s->error, "%s", why);
    s->status = VOSKHOD_ERR_DEVICE;
  }
  return s->status;
}

/* Resolves an entry's kernels and argument pointers once. */
static int prepare_entry(vkcuda_state *s, entry *e, const vkcuda_launch *ls,
                         int32_t count, const int32_t *table,
                         int32_t table_size, CUdeviceptr arena) {
  e->count = count;
  if (count == 0)
    return VOSKHOD_OK;
  size_t values = 0;
  for (int32_t k = 0; k < count; ++k)
    values += (size_t)ls[k].arg_count;
  e->functions = calloc((size_t)count, sizeof *e->functions);
  e->values = calloc(values + 1, sizeof *e->values);
  e->params = calloc(values + 1, sizeof *e->params);
  if (!e->functions || !e->values || !e->params) {
    snprintf(s->error, sizeof s->error, "out of host memory");
    return s->status = VOSKHOD_ERR_NO_MEMORY;
  }
  size_t at = 0;
  for (int32_t k = 0; k < count; ++k) {
    const vkcuda_launch *l = &ls[k];
    CUresult r =
        s->d->cuModuleGetFunction(&e->functions[k], s->module, l->function);
    if (r != CU_SUCCESS)
      return fail(s, VOSKHOD_ERR_DEVICE, l->function, r);
    for (int32_t a = 0; a < l->arg_count; ++a, ++at) {
      int64_t v = l->args[a];
      if (v >= table_size) {
        snprintf(s->error, sizeof s->error,
                 "kernel '%s' names a tensor its entry lacks", l->function);
        return s->status = VOSKHOD_ERR_DEVICE;
      }
      e->values[at] =
          v >= 0 ? s->address[table[v]] : arena + (CUdeviceptr)(-1 - v);
      e->params[at] = &e->values[at];
    }
  }
  return VOSKHOD_OK;
}

static int open_device(vkcuda_state *s) {
  const vkcuda_driver *d = s->d;
  int devices = 0;
  CUresult r = d->cuDeviceGetCount(&devices);
  if (r != CU_SUCCESS && r != CU_ERROR_NO_DEVICE)
    return fail(s, VOSKHOD_ERR_NO_DEVICE, "cuDeviceGetCount", r);
  if (devices == 0) {
    snprintf(s->error, sizeof s->error,
             "the CUDA driver found no GPU on this machine; model '%s' was "
             "compiled for an NVIDIA GPU (%s)",
             s->model->name, s->program->arch);
    return s->status = VOSKHOD_ERR_NO_DEVICE;
  }
  CHECK(s, d->cuDeviceGet(&s->device, 0), "cuDeviceGet");
  CUresult retained = d->cuDevicePrimaryCtxRetain(&s->context, s->device);
  if (retained != CU_SUCCESS) {
    s->context = NULL;
    return fail(s, VOSKHOD_ERR_DEVICE, "cuDevicePrimaryCtxRetain", retained);
  }
  CHECK(s, d->cuCtxSetCurrent(s->context), "cuCtxSetCurrent");
  if (load_module(s) != VOSKHOD_OK)
    return s->status;
  CHECK(s, d->cuStreamCreate(&s->stream, CU_STREAM_NON_BLOCKING),
        "cuStreamCreate");

  const vkaot_model *m = s->model;
  int64_t total = 0;
  for (int i = 0; i < m->num_tensors; ++i) {
    s->address[i] = (CUdeviceptr)total;
    total += align_up(m->tensors[i].bytes);
  }
  int64_t arena_at = total;
  total += align_up(s->program->arena_bytes);
  CHECK(s, d->cuMemAlloc(&s->block, (size_t)total), "cuMemAlloc");
  /* Zeroed like the host copies: a tensor never written holds nothing of
     another process. */
  CHECK(s, d->cuMemsetD8(s->block, 0, (size_t)total), "cuMemsetD8");
  for (int i = 0; i < m->num_tensors; ++i)
    s->address[i] += s->block;
  CUdeviceptr arena = s->block + (CUdeviceptr)arena_at;
  const vkcuda_program *p = s->program;
  if (prepare_entry(s, &s->entries[STEP], p->step, p->step_launch_count,
                    m->step_table, m->step_count, arena) != VOSKHOD_OK ||
      prepare_entry(s, &s->entries[FORWARD], p->forward,
                    p->forward_launch_count, m->forward_table, m->forward_count,
                    arena) != VOSKHOD_OK)
    return s->status;
  return VOSKHOD_OK;
}

vkcuda_state *vkcuda_create(const vkcuda_program *p, uint64_t seed) {
  create_status = VOSKHOD_ERR_NO_MEMORY;
  snprintf(create_error, sizeof create_error, "out of host memory");
  vkcuda_state *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  const vkaot_model *m = p->model;
  s->program = p;
  s->model = m;
  s->address = calloc((size_t)m->num_tensors + 1, sizeof *s->address);
  s->host = calloc((size_t)m->num_tensors + 1, sizeof *s->host);
  if (!s->address || !s->host) {
    vkcuda_destroy(s);
    return NULL;
  }
  for (int i = 0; i < m->num_tensors; ++i) {
    size_t bytes = (size_t)(m->tensors[i].bytes > 0 ? m->tensors[i].bytes : 1);
    if (!(s->host[i] = calloc(1, bytes))) {
      vkcuda_destroy(s);
      return NULL;
    }
  }
  s->d = vkcuda_load_driver(create_error, sizeof create_error);
  if (!s->d) {
    create_status = VOSKHOD_ERR_NO_DEVICE;
    vkcuda_destroy(s);
    return NULL;
  }
  if (open_device(s) != VOSKHOD_OK) {
    create_status = s->status;
    snprintf(create_error, sizeof create_error, "%s", s->error);
    vkcuda_destroy(s);
    return NULL;
  }
  vkcuda_reset(s, seed);
  create_status = VOSKHOD_OK;
  create_error[0] = 0;
  return s;
}

/* Copies every param and state one way; `up` is host to device. */
static int transfer_stored(vkcuda_state *s, int up) {
  const vkaot_model *m = s->model;
  const vkcuda_driver *d = s->d;
  for (int i = 0; i < m->num_tensors; ++i) {
    const vkaot_tensor *t = &m->tensors[i];
    if (!is_stored(t))
      continue;
    if (up)
      CHECK(s,
            d->cuMemcpyHtoDAsync(s->address[i], s->host[i], (size_t)t->bytes,
                                 s->stream),
            "cuMemcpyHtoDAsync");
    else
      CHECK(s,
            d->cuMemcpyDtoHAsync(s->host[i], s->address[i], (size_t)t->bytes,
                                 s->stream),
            "cuMemcpyDtoHAsync");
  }
  CHECK(s, d->cuStreamSynchronize(s->stream), "cuStreamSynchronize");
  return VOSKHOD_OK;
}

/* Brings the host copies of params and states up to date. */
static int sync_host(vkcuda_state *s) {
  if (!s->device_newer)
    return VOSKHOD_OK;
  CHECK(s, s->d->cuCtxSetCurrent(s->context), "cuCtxSetCurrent");
  if (transfer_stored(s, 0) != VOSKHOD_OK)
    return s->status;
  s->device_newer = 0;
  return VOSKHOD_OK;
}

static int launch_all(vkcuda_state *s, entry *e, const vkcuda_launch *ls) {
  void **params = e->params;
  for (int32_t k = 0; k < e->count; ++k) {
    const vkcuda_launch *l = &ls[k];
    CHECK(s,
          s->d->cuLaunchKernel(
              e->functions[k], (unsigned)l->grid, 1, 1, (unsigned)l->block, 1,
              1, (unsigned)l->shared_bytes, s->stream, params, NULL),
          l->function);
    params += l->arg_count;
  }
  return VOSKHOD_OK;
}

/* Uploads what the entry needs, then replays its graph (captured on the
   first run). */
static int run(vkcuda_state *s, int which, const int32_t *fed,
               int32_t fed_count, const void *const *inputs) {
  const vkcuda_driver *d = s->d;
  const vkaot_model *m = s->model;
  entry *e = &s->entries[which];
  const vkcuda_launch *ls =
      which == STEP ? s->program->step : s->program->forward;
  CHECK(s, d->cuCtxSetCurrent(s->context), "cuCtxSetCurrent");
  if (s->host_newer) {
    if (transfer_stored(s, 1) != VOSKHOD_OK)
      return s->status;
    s->host_newer = 0;
  }
  for (int32_t k = 0; k < fed_count; ++k)
    CHECK(s,
          d->cuMemcpyHtoDAsync(s->address[fed[k]], inputs[k],
                               (size_t)m->tensors[fed[k]].bytes, s->stream),
          "cuMemcpyHtoDAsync");
  if (!e->exec) {
    CHECK(s, d->cuStreamBeginCapture(s->stream, CU_STREAM_CAPTURE_MODE_RELAXED),
          "cuStreamBeginCapture");
    int launched = launch_all(s, e, ls);
    CUgraph graph = NULL;
    CUresult ended = d->cuStreamEndCapture(s->stream, &graph);
    if (launched != VOSKHOD_OK) {
      if (graph)
        d->cuGraphDestroy(graph);
      return launched;
    }
    CHECK(s, ended, "cuStreamEndCapture");
    e->graph = graph;
    CHECK(s, d->cuGraphInstantiateWithFlags(&e->exec, e->graph, 0),
          "cuGraphInstantiateWithFlags");
  }
  CHECK(s, d->cuGraphLaunch(e->exec, s->stream), "cuGraphLaunch");
  return VOSKHOD_OK;
}

double vkcuda_train_step(vkcuda_state *s, const void *const *inputs) {
  if (!s)
    return NAN;
  const vkaot_model *m = s->model;
  if (m->loss_index < 0 || s->entries[STEP].count == 0) {
    snprintf(s->error, sizeof s->error, "model '%s' has no training step",
             m->name);
    s->status = VOSKHOD_ERR_UNSUPPORTED;
    return NAN;
  }
  s->status =
      vkaot_check_pointers(m, s->error, sizeof s->error, "train_step", "input",
                           inputs, m->step_inputs, m->step_input_count);
  if (s->status != VOSKHOD_OK)
    return NAN;
  if (run(s, STEP, m->step_inputs, m->step_input_count, inputs) != VOSKHOD_OK)
    return NAN;
  s->device_newer = 1;
  const vkaot_tensor *loss = &m->tensors[m->loss_index];
  void *host = s->host[m->loss_index];
  CUresult r = s->d->cuMemcpyDtoHAsync(host, s->address[m->loss_index],
                                       (size_t)loss->bytes, s->stream);
  if (r == CU_SUCCESS)
    r = s->d->cuStreamSynchronize(s->stream);
  if (r != CU_SUCCESS) {
    fail(s, VOSKHOD_ERR_DEVICE, "the training step", r);
    return NAN;
  }
  switch (loss->info.dtype) {
  case VOSKHOD_F32:
    return (double)*(const float *)host;
  case VOSKHOD_F64:
    return *(const double *)host;
  default:
    return NAN;
  }
}

int vkcuda_forward(vkcuda_state *s, const void *const *inputs,
                   void *const *outputs) {
  if (!s)
    return VOSKHOD_ERR_ARGUMENT;
  const vkaot_model *m = s->model;
  if (m->forward_count == 0 || s->entries[FORWARD].count == 0) {
    snprintf(s->error, sizeof s->error, "model '%s' has no forward entry",
             m->name);
    return s->status = VOSKHOD_ERR_UNSUPPORTED;
  }
  s->status =
      vkaot_check_pointers(m, s->error, sizeof s->error, "forward", "input",
                           inputs, m->forward_inputs, m->forward_input_count);
  if (s->status == VOSKHOD_OK)
    s->status =
        vkaot_check_pointers(m, s->error, sizeof s->error, "forward", "output",
                             (const void *const *)outputs, m->forward_outputs,
                             m->forward_output_count);
  if (s->status != VOSKHOD_OK)
    return s->status;
  if (run(s, FORWARD, m->forward_inputs, m->forward_input_count, inputs) !=
      VOSKHOD_OK)
    return s->status;
  for (int32_t k = 0; k < m->forward_output_count; ++k) {
    int32_t i = m->forward_outputs[k];
    CHECK(s,
          s->d->cuMemcpyDtoHAsync(outputs[k], s->address[i],
                                  (size_t)m->tensors[i].bytes, s->stream),
          "cuMemcpyDtoHAsync");
  }
  CHECK(s, s->d->cuStreamSynchronize(s->stream), "the forward pass");
  return VOSKHOD_OK;
}

int vkcuda_save(vkcuda_state *s, const char *path) {
  if (!s)
    return VOSKHOD_ERR_ARGUMENT;
  s->error[0] = 0;
  s->status = vkaot_check_path(s->error, sizeof s->error, "save", path);
  if (s->status != VOSKHOD_OK)
    return s->status;
  if (sync_host(s) != VOSKHOD_OK)
    return s->status;
  return s->status = vkaot_save_checkpoint(s->model, s->host, path, s->error,
                                           sizeof s->error);
}

int vkcuda_load(vkcuda_state *s, const char *path) {
  if (!s)
    return VOSKHOD_ERR_ARGUMENT;
  s->error[0] = 0;
  s->status = vkaot_check_path(s->error, sizeof s->error, "load", path);
  if (s->status != VOSKHOD_OK)
    return s->status;
  int status =
      vkaot_load_checkpoint(s->model, s->host, path, s->error, sizeof s->error);
  if (status == VOSKHOD_OK) {
    /* Every param and state was replaced on the host. */
    s->host_newer = 1;
    s->device_newer = 0;
  }
  return s->status = status;
}

/* The host side is the caller's thread alone. */
int vkcuda_threads(const vkcuda_state *s) { return s ? 1 : 0; }

int vkcuda_set_threads(vkcuda_state *s, int threads) {
  return s && threads >= 1 ? VOSKHOD_OK : VOSKHOD_ERR_ARGUMENT;
}

void *vkcuda_param(vkcuda_state *s, const char *name,
                   const voskhod_tensor_info **info) {
  if (!s || !name)
    return NULL;
  const vkaot_model *m = s->model;
  for (int i = 0; i < m->num_tensors; ++i) {
    const vkaot_tensor *t = &m->tensors[i];
    if (t->role != VKAOT_PARAM || strcmp(t->info.name, name) != 0)
      continue;
    if (sync_host(s) != VOSKHOD_OK)
      return NULL;
    /* The caller may write through the pointer before the next step. */
    s->host_newer = 1;
    if (info)
      *info = &t->info;
    return s->host[i];
  }
  return NULL;
}

/* A hyperparameter is a state no step changes, so its host copy is current
   unless the host wrote it since; writing one marks the host newer so the
   next entry uploads it (with the other states, brought down first). */
int vkcuda_set_hparam(vkcuda_state *s, const char *name, double value) {
  if (!s)
    return VOSKHOD_ERR_ARGUMENT;
  s->error[0] = 0;
  int code;
  int i = vkaot_find_hparam(s->model, name, s->error, sizeof s->error,
                            "set_hparam", &code);
  if (i < 0)
    return s->status = code;
  if ((code = sync_host(s)) != VOSKHOD_OK)
    return s->status = code;
  code = vkaot_write_hparam(&s->model->tensors[i], s->host[i], value, s->error,
                            sizeof s->error, "set_hparam");
  if (code == VOSKHOD_OK)
    s->host_newer = 1;
  return s->status = code;
}

int vkcuda_hparam(vkcuda_state *s, const char *name, double *value) {
  if (!s)
    return VOSKHOD_ERR_ARGUMENT;
  s->error[0] = 0;
  if (!value) {
    snprintf(s->error, sizeof s->error, "hparam: the value pointer is null");
    return s->status = VOSKHOD_ERR_ARGUMENT;
  }
  int code;
  int i = vkaot_find_hparam(s->model, name, s->error, sizeof s->error, "hparam",
                            &code);
  if (i < 0)
    return s->status = code;
  *value = vkaot_read_hparam(&s->model->tensors[i], s->host[i]);
  return s->status = VOSKHOD_OK;
}

/* The micro-batch count lives on the device, where the step changes it. */
int vkcuda_step_updated(vkcuda_state *s, int *updated) {
  if (!s)
    return VOSKHOD_ERR_ARGUMENT;
  s->error[0] = 0;
  if (!updated) {
    snprintf(s->error, sizeof s->error,
             "step_updated: the result pointer is null");
    return s->status = VOSKHOD_ERR_ARGUMENT;
  }
  int i = vkaot_micro_step_index(s->model);
  if (i >= 0) {
    int code = sync_host(s);
    if (code != VOSKHOD_OK)
      return s->status = code;
  }
  *updated = i < 0 || *(const float *)s->host[i] == 0.0f;
  return s->status = VOSKHOD_OK;
}

const voskhod_tensor_info *vkcuda_info_at(const vkaot_tensor *const *list,
                                          int count, int index) {
  return index >= 0 && index < count ? &list[index]->info : NULL;
}

const char *vkcuda_last_error(const vkcuda_state *s) {
  if (!s)
    return create_error[0] ? create_error : "no handle";
  return s->error;
}

int vkcuda_last_status(const vkcuda_state *s) {
  return s ? s->status : create_status;
}
