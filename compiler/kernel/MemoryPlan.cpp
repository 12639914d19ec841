//===- compiler/kernel/MemoryPlan.cpp - one arena for every temporary -----===//
#include "compiler/kernel/MemoryPlan.h"

#include "support/InternalCheck.h"

#include <algorithm>
#include <functional>
#include <iterator>
#include <map>
#include <queue>
#include <set>

namespace voskhod::kernel {

namespace {

bool inArena(const Buffer &b) {
  return b.kind == BufferKind::Temp || b.kind == BufferKind::Scratch;
}

int64_t alignUp(int64_t bytes) {
  int64_t a = MemoryPlan::kAlignment;
  return (bytes + a - 1) / a * a;
}

struct Range {
  int first = -1, last = -1; // -1: not live (not in the arena, or unused)
  void touch(int k) {
    first = first < 0 ? k : std::min(first, k);
    last = std::max(last, k);
  }
};

/// By buffer id: the kernels each arena storage is live over.
std::vector<Range> liveRanges(const KernelProgram &p) {
  std::vector<Range> ranges(p.buffers.size());
  for (size_t k = 0; k < p.kernels.size(); ++k) {
    for (int b : p.kernels[k].reads)
      if (inArena(p.buffers[p.storageOf(b)]))
        ranges[p.storageOf(b)].touch(int(k));
    for (int b : p.kernels[k].writes)
      if (inArena(p.buffers[p.storageOf(b)]))
        ranges[p.storageOf(b)].touch(int(k));
  }
  return ranges;
}

/// Whether every access of `storage` in `body` is `at`.
bool onlyAt(const KernelProgram &p, const Body &body, int storage,
            const Access &at) {
  for (const Access &a : body.accesses)
    if (p.storageOf(a.buffer) == storage &&
        (a.strides != at.strides || a.offset != at.offset))
      return false;
  return true;
}

void reuseDyingInputs(KernelProgram &p) {
  std::vector<Range> ranges = liveRanges(p);
  for (size_t ki = 0; ki < p.kernels.size(); ++ki) {
    const Kernel &k = p.kernels[ki];
    if (k.kind != KernelKind::Loop)
      continue;
    std::vector<int> taken;
    for (const Store &s : k.stores) {
      int out = s.access.buffer;
      Buffer &ob = p.buffers[out];
      if (ob.kind != BufferKind::Temp || p.storageOf(out) != out ||
          ranges[out].first != int(ki))
        continue;
      for (int in : k.reads) {
        int storage = p.storageOf(in);
        const Buffer &ib = p.buffers[storage];
        if (ib.kind != BufferKind::Temp || storage == out ||
            ib.type.dtype != ob.type.dtype || ib.bytes() != ob.bytes() ||
            ranges[storage].last != int(ki) ||
            std::count(taken.begin(), taken.end(), storage) ||
            std::count(k.writes.begin(), k.writes.end(), storage) ||
            !onlyAt(p, k.body, storage, s.access))
          continue;
        ob.aliasOf = storage;
        ranges[storage].last = std::max(ranges[storage].last, ranges[out].last);
        ranges[out] = Range();
        taken.push_back(storage);
        break;
      }
    }
  }
}

/// Disjoint byte ranges in use and the gaps below the highest of them.
class Arena {
public:
  /// The start of the smallest gap that fits `bytes` (the lowest such gap
  /// among equals), or the end of the highest range in use.
  int64_t bestFit(int64_t bytes) const {
    auto gap = gaps_.lower_bound({bytes, 0});
    if (gap != gaps_.end())
      return gap->second;
    return used_.empty() ? 0 : used_.rbegin()->second;
  }

  void take(int64_t offset, int64_t bytes) {
    VOSKHOD_CHECK(bytes > 0) << "an arena placement has no bytes";
    auto next = used_.upper_bound(offset);
    int64_t prevEnd = next == used_.begin() ? 0 : std::prev(next)->second;
    if (next != used_.end())
      gaps_.erase({next->first - prevEnd, prevEnd});
    gaps_.insert({offset - prevEnd, prevEnd});
    if (next != used_.end())
      gaps_.insert({next->first - (offset + bytes), offset + bytes});
    used_.emplace(offset, offset + bytes);
  }

  void release(int64_t offset) {
    auto it = used_.find(offset);
    VOSKHOD_CHECK(it != used_.end()) << "released bytes not in use";
    auto next = std::next(it);
    int64_t prevEnd = it == used_.begin() ? 0 : std::prev(it)->second;
    gaps_.erase({it->first - prevEnd, prevEnd});
    if (next != used_.end()) {
      gaps_.erase({next->first - it->second, it->second});
      gaps_.insert({next->first - prevEnd, prevEnd});
    }
    used_.erase(it);
  }

private:
  std::map<int64_t, int64_t> used_;            // offset -> end
  std::set<std::pair<int64_t, int64_t>> gaps_; // (size, offset)
};

} // namespace

bool conflicts(const Placement &a, const Placement &b) {
  bool liveTogether =
      a.firstKernel <= b.lastKernel && b.firstKernel <= a.lastKernel;
  bool shareBytes =
      a.offset < b.offset + b.bytes && b.offset < a.offset + a.bytes;
  return liveTogether && shareBytes;
}

void planMemory(KernelProgram &p) {
  reuseDyingInputs(p);
  MemoryPlan &plan = p.memory;
  plan = MemoryPlan();
  std::vector<Range> ranges = liveRanges(p);
  // In order of first kernel, then of id: bucketed by first kernel (a
  // counting sort), visiting ids in order.
  std::vector<size_t> bucket(p.kernels.size() + 1, 0);
  for (const Range &r : ranges)
    if (r.first >= 0)
      ++bucket[r.first + 1];
  for (size_t k = 0; k < p.kernels.size(); ++k)
    bucket[k + 1] += bucket[k];
  std::vector<std::pair<Range, int>> order(bucket.back());
  for (size_t id = 0; id < ranges.size(); ++id)
    if (ranges[id].first >= 0)
      order[bucket[ranges[id].first]++] = {ranges[id], int(id)};
  // Placements are made in order of first use, so the ones live with the
  // next are those not yet dead at its first kernel: they were all live
  // together, hence disjoint in bytes. The arena keeps them and the gaps
  // between them ordered by size, so best fit is a lookup, not a scan.
  Arena arena;
  using Expiry = std::pair<int, int64_t>; // last kernel, offset
  std::priority_queue<Expiry, std::vector<Expiry>, std::greater<>> expiries;
  for (auto &[range, id] : order) {
    while (!expiries.empty() && expiries.top().first < range.first) {
      arena.release(expiries.top().second);
      expiries.pop();
    }
    Placement pl;
    pl.buffer = id;
    pl.bytes = alignUp(p.buffers[id].bytes());
    pl.firstKernel = range.first;
    pl.lastKernel = range.last;
    pl.offset = arena.bestFit(pl.bytes);
    arena.take(pl.offset, pl.bytes);
    expiries.push({pl.lastKernel, pl.offset});
    plan.arenaBytes = std::max(plan.arenaBytes, pl.offset + pl.bytes);
    plan.placements.push_back(pl);
  }
  std::vector<bool> used(p.buffers.size(), false);
  for (const Kernel &k : p.kernels) {
    for (int b : k.reads)
      used[b] = true;
    for (int b : k.writes)
      used[b] = true;
  }
  for (const Buffer &b : p.buffers)
    if (used[b.id] && inArena(b) && !b.isView)
      plan.sumTempBytes += alignUp(b.bytes());
}

} // namespace voskhod::kernel
