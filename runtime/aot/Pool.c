/*===- runtime/aot/Pool.c - a handle's threads and the parallel-for -------===*/
/*
 * The AOT object's own thread pool, in C with pthreads, and the three entry
 * points generated code calls (`voskhod_parallel_for`,
 * `voskhod_thread_scratch`, `voskhod_panel_scratch`,
 * `voskhod_set_num_threads`; the JIT resolves the
 * same names to runtime/ThreadPool.cpp). Chunks depend only on (n, grain) and
 * participant p runs chunks [chunks*p/T, chunks*(p+1)/T), exactly as the
 * JIT's pool does, so a step's result is the same bits on either.
 *
 * Each handle owns a pool; the generated code finds it through a
 * thread-local pointer that vkaot_pool_run sets for the duration of an
 * entry, so two handles never share a thread or a scratch buffer, and no
 * process-wide state exists. Workers spin briefly before sleeping, because
 * a training step issues many short loops back to back.
 *
 * Deliberately not here: work stealing, or calling one handle from two
 * threads at once (a handle is used by one thread at a time).
 *
 *===----------------------------------------------------------------------===*/
#define _POSIX_C_SOURCE 200809L
#include "AotInternal.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

/* One thread's buffers: `data` for voskhod_thread_scratch, `panel` for
   voskhod_panel_scratch. */
typedef struct vkaot_scratch {
  void *data;
  int64_t bytes;
  void *panel;
  int64_t panel_bytes;
} vkaot_scratch;

typedef void (*vkaot_body)(void *ctx, int64_t begin, int64_t end);

struct vkaot_pool {
  int threads;
  pthread_t *workers;
  struct vkaot_worker *worker_args;
  int started;
  /* One per participant; participant 0 is the calling thread. */
  vkaot_scratch *scratch;

  pthread_mutex_t mutex;
  pthread_cond_t wake, done;
  uint64_t generation; /* under mutex */
  int stopping;        /* under mutex */
  atomic_uint_fast64_t published;
  atomic_int unfinished;

  /* The current loop; written under the mutex before the generation moves. */
  vkaot_body body;
  void *ctx;
  int64_t n, grain, chunks;
};

struct vkaot_worker {
  vkaot_pool *pool;
  int participant;
};

static _Thread_local vkaot_pool *current_pool;
static _Thread_local vkaot_scratch *current_scratch;
/* Set while a thread runs a body, so nested loops run inline. */
static _Thread_local int inside_body;

static void run_chunks(vkaot_body body, void *ctx, int64_t n, int64_t grain,
                       int64_t first, int64_t last) {
  for (int64_t c = first; c < last; ++c) {
    int64_t end = (c + 1) * grain;
    body(ctx, c * grain, end < n ? end : n);
  }
}

static void run_share(vkaot_pool *pool, int participant) {
  int64_t first = pool->chunks * participant / pool->threads;
  int64_t last = pool->chunks * (participant + 1) / pool->threads;
  int saved = inside_body;
  inside_body = 1;
  run_chunks(pool->body, pool->ctx, pool->n, pool->grain, first, last);
  inside_body = saved;
}

static void *worker_main(void *arg) {
  struct vkaot_worker *w = arg;
  vkaot_pool *pool = w->pool;
  current_scratch = &pool->scratch[w->participant];
  uint64_t seen = 0;
  for (;;) {
    for (int spin = 0; spin < 4000; ++spin) {
      if (atomic_load_explicit(&pool->published, memory_order_acquire) != seen)
        break;
      sched_yield();
    }
    pthread_mutex_lock(&pool->mutex);
    while (!pool->stopping && pool->generation == seen)
      pthread_cond_wait(&pool->wake, &pool->mutex);
    if (pool->stopping) {
      pthread_mutex_unlock(&pool->mutex);
      return NULL;
    }
    seen = pool->generation;
    pthread_mutex_unlock(&pool->mutex);
    run_share(pool, w->participant);
    if (atomic_fetch_sub_explicit(&pool->unfinished, 1, memory_order_acq_rel) ==
        1) {
      pthread_mutex_lock(&pool->mutex);
      pthread_cond_signal(&pool->done);
      pthread_mutex_unlock(&pool->mutex);
    }
  }
}

int vkaot_default_threads(void) {
  const char *env = getenv("VOSKHOD_NUM_THREADS");
  if (env) {
    int n = atoi(env);
    if (n >= 1)
      return n;
  }
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  return online >= 1 ? (int)online : 1;
}

vkaot_pool *vkaot_pool_create(int threads) {
  if (threads < 1)
    threads = 1;
  if (threads > 1024)
    threads = 1024;
  vkaot_pool *pool = calloc(1, sizeof *pool);
  if (!pool)
    return NULL;
  pool->threads = threads;
  pool->scratch = calloc((size_t)threads, sizeof *pool->scratch);
  pool->workers = calloc((size_t)threads, sizeof *pool->workers);
  pool->worker_args = calloc((size_t)threads, sizeof *pool->worker_args);
  if (!pool->scratch || !pool->workers || !pool->worker_args) {
    free(pool->scratch);
    free(pool->workers);
    free(pool->worker_args);
    free(pool);
    return NULL;
  }
  pthread_mutex_init(&pool->mutex, NULL);
  pthread_cond_init(&pool->wake, NULL);
  pthread_cond_init(&pool->done, NULL);
  atomic_init(&pool->published, 0);
  atomic_init(&pool->unfinished, 0);
  for (int t = 1; t < threads; ++t) {
    pool->worker_args[t].pool = pool;
    pool->worker_args[t].participant = t;
    if (pthread_create(&pool->workers[t], NULL, worker_main,
                       &pool->worker_args[t]) != 0)
      break;
    pool->started = t;
  }
  /* Fewer threads than asked when the system refuses more; the chunk
     assignment adapts, the results do not change. */
  pool->threads = pool->started + 1;
  return pool;
}

void vkaot_pool_destroy(vkaot_pool *pool) {
  if (!pool)
    return;
  pthread_mutex_lock(&pool->mutex);
  pool->stopping = 1;
  pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->mutex);
  for (int t = 1; t <= pool->started; ++t)
    pthread_join(pool->workers[t], NULL);
  for (int t = 0; t < pool->threads; ++t) {
    free(pool->scratch[t].data);
    free(pool->scratch[t].panel);
  }
  pthread_mutex_destroy(&pool->mutex);
  pthread_cond_destroy(&pool->wake);
  pthread_cond_destroy(&pool->done);
  free(pool->scratch);
  free(pool->workers);
  free(pool->worker_args);
  free(pool);
}

int vkaot_pool_size(const vkaot_pool *pool) { return pool->threads; }

void vkaot_pool_run(vkaot_pool *pool, vkaot_entry entry, void **tensors,
                    void *arena) {
  vkaot_pool *saved_pool = current_pool;
  vkaot_scratch *saved_scratch = current_scratch;
  current_pool = pool;
  current_scratch = &pool->scratch[0];
  entry(tensors, arena);
  current_pool = saved_pool;
  current_scratch = saved_scratch;
}

void voskhod_parallel_for(vkaot_body body, void *ctx, int64_t n,
                          int64_t grain) {
  if (n <= 0)
    return;
  if (grain < 1)
    grain = 1;
  int64_t chunks = (n + grain - 1) / grain;
  vkaot_pool *pool = current_pool;
  if (!pool || pool->threads == 1 || chunks == 1 || inside_body) {
    int saved = inside_body;
    inside_body = 1;
    run_chunks(body, ctx, n, grain, 0, chunks);
    inside_body = saved;
    return;
  }
  pthread_mutex_lock(&pool->mutex);
  pool->body = body;
  pool->ctx = ctx;
  pool->n = n;
  pool->grain = grain;
  pool->chunks = chunks;
  atomic_store_explicit(&pool->unfinished, pool->threads - 1,
                        memory_order_relaxed);
  ++pool->generation;
  atomic_store_explicit(&pool->published, pool->generation,
                        memory_order_release);
  pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->mutex);
  run_share(pool, 0);
  pthread_mutex_lock(&pool->mutex);
  while (atomic_load_explicit(&pool->unfinished, memory_order_acquire) != 0)
    pthread_cond_wait(&pool->done, &pool->mutex);
  pthread_mutex_unlock(&pool->mutex);
}

/* At least `bytes` in *data, 64-byte aligned, grown (contents dropped)
   when too small. */
static void *grow(void **data, int64_t *have, int64_t bytes) {
  if (bytes > *have) {
    free(*data);
    /* Whole cache lines, 64-byte aligned, as runtime/ThreadPool.cpp. */
    int64_t rounded = ((bytes < 64 ? 64 : bytes) + 63) / 64 * 64;
    void *p = NULL;
    if (posix_memalign(&p, 64, (size_t)rounded) != 0)
      p = NULL;
    *data = p;
    *have = p ? rounded : 0;
  }
  return *data;
}

static vkaot_scratch *thread_buffers(void) {
  static _Thread_local vkaot_scratch outside; /* never reached by a step */
  return current_scratch ? current_scratch : &outside;
}

void *voskhod_thread_scratch(int64_t bytes) {
  vkaot_scratch *s = thread_buffers();
  return grow(&s->data, &s->bytes, bytes);
}

void *voskhod_panel_scratch(int64_t bytes) {
  vkaot_scratch *s = thread_buffers();
  return grow(&s->panel, &s->panel_bytes, bytes);
}

/* A handle's thread count is set through NAME_set_threads, never by
   generated code in the middle of a step. */
void voskhod_set_num_threads(int64_t n) { (void)n; }
