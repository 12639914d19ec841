//===- tests/unit/threads/ThreadPoolTest.cpp - parallelFor contract -------===//
///
/// Coverage (every index exactly once), chunk boundaries independent of the
/// thread count, nesting and concurrent callers running inline, the C entry
/// point and the pool a PoolScope makes current for it, and per-thread
/// scratch.
///
//===----------------------------------------------------------------------===//
#include "runtime/ThreadPool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

using namespace voskhod;

namespace {

using Ranges = std::vector<std::pair<int64_t, int64_t>>;

Ranges chunksSeen(rt::ThreadPool &pool, int64_t n, int64_t grain) {
  std::mutex mutex;
  Ranges ranges;
  pool.parallelFor(n, grain, [&](int64_t begin, int64_t end) {
    std::lock_guard<std::mutex> lock(mutex);
    ranges.emplace_back(begin, end);
  });
  std::sort(ranges.begin(), ranges.end());
  return ranges;
}

TEST(ThreadPool, EveryIndexExactlyOnce) {
  for (int threads : {1, 2, 3, 4}) {
    rt::ThreadPool pool(threads);
    for (int64_t n : {1, 2, 7, 64, 1000, 4099}) {
      for (int64_t grain : {1, 3, 16, 5000}) {
        std::vector<std::atomic<int>> hits(n);
        pool.parallelFor(n, grain, [&](int64_t begin, int64_t end) {
          ASSERT_LT(begin, end);
          ASSERT_LE(end - begin, grain);
          for (int64_t i = begin; i < end; ++i)
            hits[i].fetch_add(1);
        });
        for (int64_t i = 0; i < n; ++i)
          ASSERT_EQ(hits[i].load(), 1)
              << "threads " << threads << " n " << n << " grain " << grain;
      }
    }
  }
}

TEST(ThreadPool, ChunksDependOnlyOnSizeAndGrain) {
  rt::ThreadPool one(1), two(2), four(4);
  for (auto [n, grain] :
       {std::pair<int64_t, int64_t>{1000, 7}, {33, 1}, {1 << 16, 1000}}) {
    Ranges expected = chunksSeen(one, n, grain);
    EXPECT_EQ(chunksSeen(two, n, grain), expected);
    EXPECT_EQ(chunksSeen(four, n, grain), expected);
  }
}

TEST(ThreadPool, UsesSeveralThreads) {
  rt::ThreadPool pool(3);
  std::mutex mutex;
  std::set<std::thread::id> ids;
  // Each chunk waits until all three participants have arrived, which only
  // happens if the three chunks really run on three threads.
  std::atomic<int> arrived{0};
  pool.parallelFor(3, 1, [&](int64_t, int64_t) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      ids.insert(std::this_thread::get_id());
    }
    arrived.fetch_add(1);
    while (arrived.load() < 3)
      std::this_thread::yield();
  });
  EXPECT_EQ(ids.size(), 3u);
}

TEST(ThreadPool, NestedCallsRunInline) {
  rt::ThreadPool pool(4);
  std::vector<std::atomic<int>> hits(40 * 30);
  pool.parallelFor(40, 1, [&](int64_t outer, int64_t) {
    std::thread::id self = std::this_thread::get_id();
    pool.parallelFor(30, 4, [&](int64_t begin, int64_t end) {
      EXPECT_EQ(std::this_thread::get_id(), self);
      for (int64_t i = begin; i < end; ++i)
        hits[outer * 30 + i].fetch_add(1);
    });
  });
  for (auto &h : hits)
    EXPECT_EQ(h.load(), 1);
}

TEST(ThreadPool, ConcurrentCallersBothComplete) {
  rt::ThreadPool pool(2);
  std::vector<int64_t> sums(2, 0);
  auto caller = [&](int which) {
    for (int round = 0; round < 200; ++round) {
      std::vector<int64_t> part(100, 0);
      pool.parallelFor(100, 10, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
          part[i] = i * (which + 1);
      });
      for (int64_t v : part)
        sums[which] += v;
    }
  };
  std::thread a(caller, 0), b(caller, 1);
  a.join();
  b.join();
  EXPECT_EQ(sums[0], 200 * 4950);
  EXPECT_EQ(sums[1], 200 * 9900);
}

TEST(ThreadPool, RepeatedShortLoops) {
  rt::ThreadPool pool(4);
  int64_t total = 0;
  for (int round = 0; round < 2000; ++round) {
    std::atomic<int64_t> sum{0};
    pool.parallelFor(8, 1, [&](int64_t begin, int64_t) { sum += begin + 1; });
    total += sum.load();
  }
  EXPECT_EQ(total, 2000 * 36);
}

struct CallContext {
  std::vector<std::atomic<int>> *hits;
};

void cBody(void *ctx, int64_t begin, int64_t end) {
  auto *hits = static_cast<CallContext *>(ctx)->hits;
  for (int64_t i = begin; i < end; ++i)
    (*hits)[i].fetch_add(1);
}

TEST(ThreadPool, CEntryPointUsesGlobalPool) {
  for (int threads : {1, 2, 4}) {
    voskhod_set_num_threads(threads);
    EXPECT_EQ(rt::threadCount(), threads);
    std::vector<std::atomic<int>> hits(777);
    CallContext ctx{&hits};
    voskhod_parallel_for(&cBody, &ctx, 777, 13);
    for (auto &h : hits)
      ASSERT_EQ(h.load(), 1);
  }
  bool found = false;
  for (const rt::RuntimeSymbol &s : rt::threadPoolSymbols())
    found |= std::strcmp(s.name, "voskhod_parallel_for") == 0 &&
             s.address == reinterpret_cast<void *>(&voskhod_parallel_for);
  EXPECT_TRUE(found);
}

struct ThreadsContext {
  std::mutex mutex;
  std::set<std::thread::id> ids;
  std::atomic<int> arrived{0};
  int wait = 1;
  rt::ThreadPool *expected = nullptr;
};

/// Records the thread, checks which pool is current there, and waits until
/// `wait` chunks have arrived (so `wait` chunks run on `wait` threads). On a
/// pool too small, which runs chunks one after the other, the wait gives up
/// after a minute and the thread count expected of the caller is missed.
void threadsBody(void *ctx, int64_t, int64_t) {
  auto &c = *static_cast<ThreadsContext *>(ctx);
  {
    std::lock_guard<std::mutex> lock(c.mutex);
    c.ids.insert(std::this_thread::get_id());
    EXPECT_EQ(&rt::currentPool(), c.expected);
  }
  c.arrived.fetch_add(1);
  auto giveUp = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (c.arrived.load() < c.wait && std::chrono::steady_clock::now() < giveUp)
    std::this_thread::yield();
}

TEST(ThreadPool, ScopeChoosesThePoolOfTheCEntryPoint) {
  voskhod_set_num_threads(1);
  rt::ThreadPool three(3);
  {
    rt::PoolScope scope(three);
    EXPECT_EQ(&rt::currentPool(), &three);
    ThreadsContext c;
    c.wait = 3;
    c.expected = &three;
    voskhod_parallel_for(&threadsBody, &c, 3, 1);
    EXPECT_EQ(c.ids.size(), 3u);
    {
      rt::ThreadPool inner(2);
      rt::PoolScope nested(inner);
      EXPECT_EQ(&rt::currentPool(), &inner);
    }
    EXPECT_EQ(&rt::currentPool(), &three);
  }
  // Outside the scope: the global pool, of one thread.
  EXPECT_EQ(&rt::currentPool(), &rt::globalPool());
  ThreadsContext c;
  c.expected = &rt::globalPool();
  voskhod_parallel_for(&threadsBody, &c, 3, 1);
  EXPECT_EQ(c.ids.size(), 1u);
  EXPECT_EQ(rt::threadCount(), 1);
}

TEST(ThreadPool, ScopesOnTwoThreadsAtOnce) {
  // Each thread's loop needs all of its own pool's threads at the same time;
  // with one shared pool one of them would run inline and never see its
  // count of threads.
  rt::ThreadPool two(2), three(3);
  ThreadsContext a, b;
  a.wait = 2;
  a.expected = &two;
  b.wait = 3;
  b.expected = &three;
  std::thread ta([&] {
    rt::PoolScope scope(two);
    voskhod_parallel_for(&threadsBody, &a, 2, 1);
  });
  std::thread tb([&] {
    rt::PoolScope scope(three);
    voskhod_parallel_for(&threadsBody, &b, 3, 1);
  });
  ta.join();
  tb.join();
  EXPECT_EQ(a.ids.size(), 2u);
  EXPECT_EQ(b.ids.size(), 3u);
  for (std::thread::id id : a.ids)
    EXPECT_EQ(b.ids.count(id), 0u) << "a thread served both pools";
}

TEST(ThreadPool, ScratchIsAlignedPrivateAndGrows) {
  void *small = voskhod_thread_scratch(100);
  ASSERT_NE(small, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(small) % 64, 0u);
  std::memset(small, 0x5a, 100);
  void *big = voskhod_thread_scratch(1 << 20);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(big) % 64, 0u);
  std::memset(big, 0x11, 1 << 20);
  EXPECT_EQ(voskhod_thread_scratch(64), big);
  void *other = nullptr;
  std::thread([&] { other = voskhod_thread_scratch(1 << 20); }).join();
  EXPECT_NE(other, big);
}

} // namespace
