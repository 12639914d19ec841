//===- compiler/kernel/MemoryBudget.cpp - what a model needs --------------===//
#include "compiler/kernel/MemoryBudget.h"

#include "compiler/kernel/Lowering.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>

namespace voskhod::kernel {

namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

int64_t saturatingAdd(int64_t a, int64_t b) {
  return a > kMax - b ? kMax : a + b;
}

int64_t alignedBytes(const ir::TensorType &t) {
  int64_t a = MemoryPlan::kAlignment;
  return (t.numElements() * ir::dtypeBytes(t.dtype) + a - 1) / a * a;
}

/// KernelIR's kind names, with the arena's buffers called temporaries.
std::string roleName(BufferKind kind) {
  if (kind == BufferKind::Temp || kind == BufferKind::Scratch)
    return "temporary";
  return std::string(bufferKindName(kind));
}

void keepLargest(std::vector<MemoryItem> &items, MemoryItem item) {
  items.push_back(std::move(item));
  std::stable_sort(items.begin(), items.end(),
                   [](const MemoryItem &a, const MemoryItem &b) {
                     return a.bytes > b.bytes;
                   });
  if (items.size() > MemoryEstimate::kLargest)
    items.pop_back();
}

} // namespace

int64_t memoryUpperBound(const std::vector<const ir::Graph *> &graphs) {
  int64_t bound = 0;
  for (const ir::Graph *g : graphs) {
    if (!g)
      continue;
    for (const ir::Node *n : *g) {
      int64_t bytes = alignedBytes(n->type());
      bound = saturatingAdd(bound, saturatingAdd(bytes, bytes));
    }
  }
  return bound;
}

int64_t interpreterBytes(const ir::Graph &g) {
  int64_t bytes = 0;
  for (const ir::Node *n : g)
    bytes =
        saturatingAdd(bytes, n->type().numElements() * int64_t(sizeof(double)));
  return bytes;
}

Expected<MemoryEstimate>
estimateMemory(const std::vector<const ir::Graph *> &graphs) {
  MemoryEstimate e;
  // Tensors shared by the step and the forward entry are counted once, by
  // name, as the executable's tensor table holds them once.
  std::map<std::string, int64_t> tensors;
  for (const ir::Graph *g : graphs) {
    if (!g)
      continue;
    auto program = lowerToKernels(*g);
    VOSKHOD_RETURN_IF_ERROR(program);
    const KernelProgram &p = *program;
    e.arenaBytes = std::max(e.arenaBytes, p.memory.arenaBytes);
    for (int id : p.external) {
      const Buffer &b = p.buffers[id];
      if (!tensors.emplace(b.name, b.bytes()).second)
        continue;
      e.tensorBytes = saturatingAdd(e.tensorBytes, b.bytes());
      keepLargest(
          e.largest,
          {"%" + b.name, roleName(b.kind) + " " + b.type.str(), b.bytes()});
    }
    for (const Buffer &b : p.buffers) {
      if (b.kind == BufferKind::Const && b.aliasOf < 0)
        e.constBytes = saturatingAdd(e.constBytes, b.bytes());
    }
    for (const Placement &pl : p.memory.placements) {
      const Buffer &b = p.buffers[pl.buffer];
      keepLargest(e.largest, {"temporary %" + b.name, b.type.str(), pl.bytes});
    }
  }
  return e;
}

std::string formatBytes(int64_t bytes) {
  static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = double(bytes);
  int u = 0;
  while (v >= 1024 && u < 6) {
    v /= 1024;
    ++u;
  }
  char text[32];
  if (u == 0)
    std::snprintf(text, sizeof text, "%lld B", (long long)bytes);
  else
    std::snprintf(text, sizeof text, v < 10 ? "%.1f %s" : "%.0f %s", v,
                  units[u]);
  return text;
}

Status checkMemoryBudget(const std::vector<const ir::Graph *> &graphs,
                         int64_t limitBytes, const std::string &limitName) {
  if (memoryUpperBound(graphs) <= limitBytes)
    return Status::ok();
  auto estimate = estimateMemory(graphs);
  VOSKHOD_RETURN_IF_ERROR(estimate);
  if (estimate->total() <= limitBytes)
    return Status::ok();
  std::string message =
      "the model needs " + formatBytes(estimate->total()) + ", more than the " +
      formatBytes(limitBytes) + " of " + limitName + " (" +
      formatBytes(estimate->tensorBytes) +
      " for inputs, parameters, optimiser state and outputs, " +
      formatBytes(estimate->arenaBytes) + " for temporaries";
  if (estimate->constBytes)
    message += ", " + formatBytes(estimate->constBytes) + " for constants";
  message += "); largest buffers:";
  for (size_t i = 0; i < estimate->largest.size(); ++i) {
    const MemoryItem &item = estimate->largest[i];
    message += (i ? ", " : " ") + item.name + " " + formatBytes(item.bytes) +
               " (" + item.what + ")";
  }
  return makeError(message);
}

} // namespace voskhod::kernel
