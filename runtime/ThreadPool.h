//===- runtime/ThreadPool.h - fixed thread pool and the C parallel-for ----===//
///
/// A small fixed pool of worker threads and the entry points generated code
/// calls. `parallelFor(n, grain, fn)` cuts [0, n) into chunks of `grain`
/// (the last may be shorter) and calls fn(begin, end) once per chunk; the
/// chunks depend only on n and grain, never on the thread count, and each
/// thread takes a fixed contiguous run of chunks. A body whose result depends
/// only on its range is therefore bitwise reproducible on any thread count.
/// The calling thread works too, so a pool of size 1 runs everything inline;
/// a call made from inside a body (nesting) or while another thread is using
/// the pool also runs inline, in chunk order.
///
/// Deliberately not here: work stealing, futures, task graphs. Generated code
/// has static shapes and static schedules; a barrier per parallel loop is all
/// it needs.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

namespace voskhod::rt {

class ThreadPool {
public:
  /// `threads` counts the calling thread: 1 starts no worker.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  int size() const;
  void parallelFor(int64_t n, int64_t grain,
                   const std::function<void(int64_t, int64_t)> &fn);

  struct State;

private:
  std::unique_ptr<State> state_;
};

/// VOSKHOD_NUM_THREADS if set (and at least 1), else the hardware
/// concurrency: the size a pool gets when nobody asks for another.
int defaultThreadCount();

/// The pool `voskhod_parallel_for` uses on the calling thread: the one a
/// PoolScope made current there, else the global pool. A pool's own workers
/// have it current, so loops nested in a body find it (and run inline).
ThreadPool &currentPool();

/// Makes `pool` current on the calling thread for the scope's lifetime and
/// restores the previous one after. An executable opens one around each
/// entry, so the generated code (which knows no pool, only
/// voskhod_parallel_for) runs on that executable's own pool; executables with
/// different thread counts then run side by side from different threads, and
/// none changes another's count.
class PoolScope {
public:
  explicit PoolScope(ThreadPool &pool);
  ~PoolScope();
  PoolScope(const PoolScope &) = delete;
  PoolScope &operator=(const PoolScope &) = delete;

private:
  ThreadPool *saved_;
};

/// The process-wide pool, for loops run outside any PoolScope (tests and
/// benchmarks that call kernels directly). Its size starts at
/// defaultThreadCount(). Executables do not use it.
ThreadPool &globalPool();
/// Replaces the global pool (n < 1 counts as 1). Not to be called while a
/// parallel loop is running on it.
void setThreadCount(int n);
int threadCount();

/// A runtime function generated code calls, by its C name.
struct RuntimeSymbol {
  const char *name;
  void *address;
};
/// The C entry points below, for a JIT to define in its symbol table.
std::span<const RuntimeSymbol> threadPoolSymbols();

} // namespace voskhod::rt

extern "C" {
/// parallelFor on the calling thread's current pool with a C body.
void voskhod_parallel_for(void (*body)(void *ctx, int64_t begin, int64_t end),
                          void *ctx, int64_t n, int64_t grain);
/// A 64-byte-aligned buffer of at least `bytes`, private to the calling
/// thread and reused by its next call (contents not kept); freed when the
/// thread ends.
void *voskhod_thread_scratch(int64_t bytes);
/// A second such buffer, for a packed panel the calling thread fills and
/// shares with the pool's threads while each of them (the calling thread
/// too) works in its voskhod_thread_scratch.
void *voskhod_panel_scratch(int64_t bytes);
/// setThreadCount: the global pool, not an executable's.
void voskhod_set_num_threads(int64_t n);
}
