//===- compiler/kernel/LoopCollapse.cpp - fewer, longer loops over a domain
//===//
#include "compiler/kernel/LoopCollapse.h"

namespace voskhod::kernel {

void LoopAccesses::addBody(const Body &body) {
  for (const Inst &in : body.insts) {
    if (in.op == ScalarOp::Load)
      accesses.push_back(&body.accesses[in.access]);
    if (in.op == ScalarOp::Index)
      indexed.insert(in.dim);
  }
}

void LoopAccesses::addStores(const std::vector<Store> &stores) {
  for (const Store &s : stores)
    accesses.push_back(&s.access);
}

std::vector<DimGroup> collapse(const Shape &domain, int lo, int hi,
                               const LoopAccesses &uses) {
  auto stride = [](const Access *a, int d) {
    return d < int(a->strides.size()) ? a->strides[d] : 0;
  };
  const std::set<int> &indexed = uses.indexed;
  std::vector<DimGroup> groups;
  for (int d = lo; d < hi; ++d) {
    if (domain[d] == 1 && !indexed.count(d))
      continue;
    if (!groups.empty()) {
      DimGroup &g = groups.back();
      int p = g.inner();
      bool ok = !indexed.count(p) && !indexed.count(d);
      for (const Access *a : uses.accesses)
        ok &= stride(a, p) == stride(a, d) * domain[d];
      if (ok) {
        g.size *= domain[d];
        g.dims.push_back(d);
        continue;
      }
    }
    groups.push_back({domain[d], {d}});
  }
  return groups;
}

std::vector<DimGroup> separateDims(const Shape &domain) {
  std::vector<DimGroup> groups;
  for (size_t d = 0; d < domain.size(); ++d)
    groups.push_back({domain[d], {int(d)}});
  return groups;
}

int64_t product(const std::vector<DimGroup> &groups) {
  int64_t n = 1;
  for (const DimGroup &g : groups)
    n *= g.size;
  return n;
}

} // namespace voskhod::kernel
