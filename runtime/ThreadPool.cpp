//===- runtime/ThreadPool.cpp - fixed thread pool and the C parallel-for --===//
///
/// Workers sleep on a condition variable and wake on a new job generation.
/// A job is published under the mutex; each participant (workers 1..T-1 and
/// the caller as 0) runs its fixed run of chunks, and the caller waits until
/// the count of unfinished participants reaches zero. Workers spin briefly
/// before sleeping because a training step issues many short parallel loops
/// back to back; the spin is bounded so an oversubscribed machine still makes
/// progress.
///
//===----------------------------------------------------------------------===//
#include "runtime/ThreadPool.h"

#include "support/InternalCheck.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace voskhod::rt {
namespace {

/// Set while a thread runs a body, so nested loops run inline.
thread_local bool insideBody = false;

/// The pool a PoolScope (or, on a worker, its pool) made current; null
/// means the global pool.
thread_local ThreadPool *current = nullptr;

struct InsideBody {
  bool saved = insideBody;
  InsideBody() { insideBody = true; }
  ~InsideBody() { insideBody = saved; }
};

int64_t chunkCount(int64_t n, int64_t grain) { return (n + grain - 1) / grain; }

void runChunks(int64_t n, int64_t grain, int64_t first, int64_t last,
               const std::function<void(int64_t, int64_t)> &fn) {
  for (int64_t c = first; c < last; ++c)
    fn(c * grain, std::min(n, (c + 1) * grain));
}

} // namespace

struct ThreadPool::State {
  int threads = 1;
  std::vector<std::thread> workers;
  /// Held by the caller of a parallel loop for its whole duration; a second
  /// caller that cannot take it runs inline.
  std::mutex busy;

  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable done;
  uint64_t generation = 0;
  bool stopping = false;
  std::atomic<uint64_t> publishedGeneration{0};
  std::atomic<int> unfinished{0};

  // The current job; written under `mutex` before the generation advances.
  const std::function<void(int64_t, int64_t)> *fn = nullptr;
  int64_t n = 0, grain = 1, chunks = 0;

  void runShare(int participant) {
    int64_t first = chunks * participant / threads;
    int64_t last = chunks * (participant + 1) / threads;
    InsideBody guard;
    runChunks(n, grain, first, last, *fn);
  }

  void workerLoop(int participant) {
    uint64_t seen = 0;
    for (;;) {
      // Bounded spin on the published generation before sleeping.
      for (int spin = 0; spin < 4000; ++spin) {
        if (publishedGeneration.load(std::memory_order_acquire) != seen)
          break;
        std::this_thread::yield();
      }
      {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait(lock, [&] { return stopping || generation != seen; });
        if (stopping)
          return;
        seen = generation;
      }
      runShare(participant);
      if (unfinished.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lock(mutex);
        done.notify_one();
      }
    }
  }
};

ThreadPool::ThreadPool(int threads) : state_(std::make_unique<State>()) {
  state_->threads = std::max(1, threads);
  for (int t = 1; t < state_->threads; ++t)
    state_->workers.emplace_back([this, s = state_.get(), t] {
      current = this;
      s->workerLoop(t);
    });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  for (std::thread &w : state_->workers)
    w.join();
}

int ThreadPool::size() const { return state_->threads; }

void ThreadPool::parallelFor(int64_t n, int64_t grain,
                             const std::function<void(int64_t, int64_t)> &fn) {
  if (n <= 0)
    return;
  grain = std::max<int64_t>(1, grain);
  int64_t chunks = chunkCount(n, grain);
  State &s = *state_;
  if (s.threads == 1 || chunks == 1 || insideBody) {
    InsideBody guard;
    runChunks(n, grain, 0, chunks, fn);
    return;
  }
  std::unique_lock<std::mutex> busy(s.busy, std::try_to_lock);
  if (!busy.owns_lock()) {
    InsideBody guard;
    runChunks(n, grain, 0, chunks, fn);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    s.fn = &fn;
    s.n = n;
    s.grain = grain;
    s.chunks = chunks;
    s.unfinished.store(s.threads - 1, std::memory_order_relaxed);
    ++s.generation;
    s.publishedGeneration.store(s.generation, std::memory_order_release);
  }
  s.wake.notify_all();
  s.runShare(0);
  std::unique_lock<std::mutex> lock(s.mutex);
  s.done.wait(
      lock, [&] { return s.unfinished.load(std::memory_order_acquire) == 0; });
}

int defaultThreadCount() {
  if (const char *env = std::getenv("VOSKHOD_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n >= 1)
      return n;
  }
  return int(std::max(1u, std::thread::hardware_concurrency()));
}

namespace {

std::unique_ptr<ThreadPool> &poolSlot() {
  static std::unique_ptr<ThreadPool> pool =
      std::make_unique<ThreadPool>(defaultThreadCount());
  return pool;
}

} // namespace

ThreadPool &globalPool() { return *poolSlot(); }

ThreadPool &currentPool() { return current ? *current : globalPool(); }

PoolScope::PoolScope(ThreadPool &pool) : saved_(current) { current = &pool; }

PoolScope::~PoolScope() { current = saved_; }

void setThreadCount(int n) {
  std::unique_ptr<ThreadPool> &slot = poolSlot();
  if (slot->size() == std::max(1, n))
    return;
  slot.reset();
  slot = std::make_unique<ThreadPool>(n);
}

int threadCount() { return globalPool().size(); }

std::span<const RuntimeSymbol> threadPoolSymbols() {
  static const RuntimeSymbol symbols[] = {
      {"voskhod_parallel_for", reinterpret_cast<void *>(&voskhod_parallel_for)},
      {"voskhod_thread_scratch",
       reinterpret_cast<void *>(&voskhod_thread_scratch)},
      {"voskhod_panel_scratch",
       reinterpret_cast<void *>(&voskhod_panel_scratch)},
      {"voskhod_set_num_threads",
       reinterpret_cast<void *>(&voskhod_set_num_threads)},
  };
  return symbols;
}

} // namespace voskhod::rt

using namespace voskhod;

extern "C" void voskhod_parallel_for(void (*body)(void *, int64_t, int64_t),
                                     void *ctx, int64_t n, int64_t grain) {
  rt::currentPool().parallelFor(
      n, grain, [&](int64_t begin, int64_t end) { body(ctx, begin, end); });
}

namespace {

struct Scratch {
  void *data = nullptr;
  int64_t bytes = 0;
  ~Scratch() { std::free(data); }
};

thread_local Scratch scratch, panel;

void *grow(Scratch &s, int64_t bytes) {
  if (bytes > s.bytes) {
    std::free(s.data);
    // Rounded to whole cache lines, as aligned_alloc requires a multiple of
    // the alignment.
    int64_t rounded = (std::max<int64_t>(bytes, 64) + 63) / 64 * 64;
    s.data = std::aligned_alloc(64, size_t(rounded));
    VOSKHOD_CHECK(s.data) << "out of memory for thread scratch";
    s.bytes = rounded;
  }
  return s.data;
}

} // namespace

extern "C" void *voskhod_thread_scratch(int64_t bytes) {
  return grow(scratch, bytes);
}

extern "C" void *voskhod_panel_scratch(int64_t bytes) {
  return grow(panel, bytes);
}

extern "C" void voskhod_set_num_threads(int64_t n) {
  rt::setThreadCount(int(std::clamp<int64_t>(n, 1, 1024)));
}
