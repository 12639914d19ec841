//===- compiler/kernel/MemoryPlan.cpp - one arena for every temporary -----===//
#include "compiler/kernel/MemoryPlan.h"

#include <algorithm>
#include <map>

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
  int first = -1, last = -1;
  void touch(int k) {
    first = first < 0 ? k : std::min(first, k);
    last = std::max(last, k);
  }
};

std::map<int, Range> liveRanges(const KernelProgram &p) {
  std::map<int, Range> ranges;
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
  std::map<int, Range> ranges = liveRanges(p);
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
        ranges.erase(out);
        taken.push_back(storage);
        break;
      }
    }
  }
}

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
  std::map<int, Range> ranges = liveRanges(p);
  std::vector<std::pair<Range, int>> order;
  for (auto &[id, r] : ranges)
    order.push_back({r, id});
  std::sort(order.begin(), order.end(), [](const auto &x, const auto &y) {
    return std::tie(x.first.first, x.second) <
           std::tie(y.first.first, y.second);
  });
  for (auto &[range, id] : order) {
    Placement pl;
    pl.buffer = id;
    pl.bytes = alignUp(p.buffers[id].bytes());
    pl.firstKernel = range.first;
    pl.lastKernel = range.last;
    std::vector<const Placement *> live;
    for (const Placement &o : plan.placements)
      if (o.firstKernel <= pl.lastKernel && pl.firstKernel <= o.lastKernel)
        live.push_back(&o);
    std::sort(live.begin(), live.end(),
              [](const Placement *a, const Placement *b) {
                return a->offset < b->offset;
              });
    int64_t cursor = 0, best = -1, bestGap = 0;
    for (const Placement *o : live) {
      int64_t gap = o->offset - cursor;
      if (gap >= pl.bytes && (best < 0 || gap < bestGap))
        best = cursor, bestGap = gap;
      cursor = std::max(cursor, o->offset + o->bytes);
    }
    pl.offset = best >= 0 ? best : cursor;
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
