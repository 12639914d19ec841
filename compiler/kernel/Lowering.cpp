//===- compiler/kernel/Lowering.cpp - a graph to a scheduled kernel program
//===//
#include "compiler/kernel/Lowering.h"

#include "compiler/kernel/FusionPlanner.h"
#include "compiler/kernel/KernelBuilder.h"
#include "compiler/kernel/MemoryPlan.h"
#include "support/InternalCheck.h"

#include <algorithm>
#include <queue>
#include <set>

namespace voskhod::kernel {
using ir::Node;

namespace {

class ProgramBuilder {
public:
  ProgramBuilder(const ir::Graph &g, const LowerOptions &options)
      : g_(g), options_(options) {}

  Expected<KernelProgram> run() {
    std::vector<const Node *> roots(g_.results().begin(), g_.results().end());
    for (const ir::Update &u : g_.updates())
      roots.push_back(u.value);
    plan_ = planFusion(g_, roots);
    p_.name = g_.name();
    // The plan is not read again: its buffers and kernels move.
    p_.buffers = std::move(plan_.buffers);
    readers_.resize(p_.buffers.size());
    writers_.resize(p_.buffers.size());
    aliasedBy_.resize(p_.buffers.size());
    for (const Buffer &b : p_.buffers)
      if (b.aliasOf >= 0)
        aliasedBy_[b.aliasOf].push_back(b.id);
    for (size_t i = 0; i < plan_.built.size(); ++i)
      addKernel(std::move(plan_.built[i]));
    edges_.resize(p_.kernels.size());
    for (size_t i = 0; i < plan_.deps.size(); ++i)
      for (int d : plan_.deps[i])
        edges_[d].push_back(int(i));
    bindResults();
    VOSKHOD_RETURN_IF_ERROR(bindUpdates());
    dropDeadStores();
    schedule();
    addProductBuffers();
    externalInterface();
    planMemory(p_);
    return std::move(p_);
  }

private:
  void addKernel(BuildResult &&built) {
    Kernel k = std::move(built.kernel);
    std::vector<const Node *> computed = std::move(built.computed);
    std::sort(
        computed.begin(), computed.end(),
        [](const Node *a, const Node *b) { return a->index() < b->index(); });
    k.fused.reserve(computed.size());
    for (const Node *n : computed)
      k.fused.push_back({std::string(n->info().name), n->name(), n->loc()});
    if (built.totalRows > 0) {
      const Buffer &out = p_.buffers[k.totalStore.buffer];
      Buffer s;
      s.id = int(p_.buffers.size());
      s.name = out.name + ".rows";
      s.type = {out.type.dtype, {built.totalRows}};
      s.kind = BufferKind::Scratch;
      p_.buffers.push_back(s);
      k.totalScratch = s.id;
    }
    collectBufferUses(k);
    pushKernel(std::move(k));
  }

  /// Appends a kernel and indexes the buffers it reads and writes.
  void pushKernel(Kernel k) {
    int id = int(p_.kernels.size());
    size_t n = p_.buffers.size();
    if (readers_.size() < n) {
      readers_.resize(n);
      writers_.resize(n);
      aliasedBy_.resize(n);
    }
    for (int b : k.reads)
      readers_[b].push_back(id);
    for (int b : k.writes)
      writers_[b].push_back(id);
    p_.kernels.push_back(std::move(k));
  }

  /// Records that `id` now lives in `base`'s storage.
  void setAlias(int id, int base) {
    p_.buffers[id].aliasOf = base;
    aliasedBy_[base].push_back(id);
  }

  /// Kernels that write buffer `id` itself, in order. The index holds until
  /// dropDeadStores rewrites the kernels' stores.
  std::vector<int> writersOf(int id) const {
    return size_t(id) < writers_.size() ? writers_[id] : std::vector<int>{};
  }

  /// Kernels that read any buffer whose storage is `storage`, in order.
  std::vector<int> readersOfStorage(int storage) const {
    std::vector<int> out;
    std::vector<int> stack = {storage};
    while (!stack.empty()) {
      int b = stack.back();
      stack.pop_back();
      if (size_t(b) >= readers_.size())
        continue;
      out.insert(out.end(), readers_[b].begin(), readers_[b].end());
      stack.insert(stack.end(), aliasedBy_[b].begin(), aliasedBy_[b].end());
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  /// Called for every reader of every update target: marks the kernels it
  /// saw with a search number instead of clearing a flag per kernel.
  bool reaches(int from, int to) {
    seen_.resize(p_.kernels.size(), 0);
    ++search_;
    std::vector<int> &stack = stack_;
    stack.assign(1, from);
    while (!stack.empty()) {
      int x = stack.back();
      stack.pop_back();
      if (x == to)
        return true;
      if (seen_[x] == search_)
        continue;
      seen_[x] = search_;
      for (int s : edges_[x])
        stack.push_back(s);
    }
    return false;
  }

  /// A loop kernel copying `from` into `to`, run after every reader of
  /// `to`'s old value.
  void addCopy(int from, int to) {
    Kernel k;
    k.kind = KernelKind::Loop;
    k.domain = p_.buffers[to].type.shape;
    Access src{from, 0, rowMajorStrides(k.domain)};
    Access dst{to, 0, rowMajorStrides(k.domain)};
    k.body.accesses.push_back(src);
    Inst load{ScalarOp::Load, p_.buffers[from].type.dtype};
    load.access = 0;
    int v = k.body.add(load);
    k.stores.push_back({dst, v});
    k.fused.push_back({"copy", p_.buffers[to].name, {}});
    std::vector<int> readers = readersOfStorage(p_.storageOf(to));
    std::vector<int> writers = writersOf(from);
    collectBufferUses(k);
    int id = int(p_.kernels.size());
    pushKernel(std::move(k));
    edges_.emplace_back();
    for (int r : readers)
      edges_[r].push_back(id);
    for (int w : writers)
      edges_[w].push_back(id);
  }

  std::string resultName(const Node *n, size_t i) const {
    if (!n->name().empty() && !n->hasTrait(ir::OpTrait::Leaf))
      return n->name();
    return options_.resultPrefix + std::to_string(i);
  }

  void bindResults() {
    std::set<const Node *> bound;
    for (size_t i = 0; i < g_.results().size(); ++i) {
      const Node *r = g_.results()[i];
      // A value returned twice is one output.
      if (!bound.insert(r).second)
        continue;
      int b = plan_.bufferOf[r->index()];
      std::string name = resultName(r, i);
      Buffer &buf = p_.buffers[b];
      if (buf.kind == BufferKind::Temp && buf.aliasOf < 0 &&
          !writersOf(b).empty()) {
        buf.kind = BufferKind::Output;
        buf.name = name;
        continue;
      }
      Buffer out;
      out.id = int(p_.buffers.size());
      out.name = name;
      out.type = r->type();
      out.kind = BufferKind::Output;
      p_.buffers.push_back(out);
      addCopy(b, out.id);
    }
  }

  /// Whether every load of `target` in kernel `w` reads the element that
  /// `w` stores `value` to.
  bool readsOnlyInPlace(const Kernel &w, int target, int value) const {
    const Store *store = nullptr;
    for (const Store &s : w.stores)
      if (s.access.buffer == value)
        store = &s;
    if (!store)
      return false;
    auto clean = [&](const Body &b, bool sameDomain) {
      for (const Access &a : b.accesses)
        if (p_.storageOf(a.buffer) == target &&
            (!sameDomain || a.strides != store->access.strides ||
             a.offset != store->access.offset))
          return false;
      return true;
    };
    // A reduction row reads the element its epilogue writes when the load
    // follows the row alone (the same strides over the row dims, none over
    // the reduced ones).
    auto rowOnly = [&](const Body &b) {
      for (const Access &a : b.accesses) {
        if (p_.storageOf(a.buffer) != target)
          continue;
        std::vector<int64_t> outer(a.strides.begin(),
                                   a.strides.begin() + w.numOuter);
        bool innerFree =
            std::all_of(a.strides.begin() + w.numOuter, a.strides.end(),
                        [](int64_t s) { return s == 0; });
        if (!innerFree || outer != store->access.strides ||
            a.offset != store->access.offset)
          return false;
      }
      return true;
    };
    if (!clean(w.a, false) || !clean(w.b, false))
      return false;
    for (const Phase &ph : w.phases)
      if (!rowOnly(ph.body) || !ph.stores.empty())
        return false;
    return clean(w.body, true);
  }

  Status bindUpdates() {
    std::vector<bool> isTarget(p_.buffers.size(), false);
    for (const ir::Update &u : g_.updates()) {
      int target = plan_.bufferOf[u.target->index()];
      int value = plan_.bufferOf[u.value->index()];
      if (target < 0 || value < 0)
        return makeError("internal: update of '" + u.target->name() +
                         "' has no buffer");
      if (isTarget[target])
        return makeError("'" + u.target->name() + "' is updated twice");
      isTarget[target] = true;
      Buffer &vb = p_.buffers[value];
      std::vector<int> writers = writersOf(value);
      bool inPlace = vb.kind == BufferKind::Temp && vb.aliasOf < 0 &&
                     writers.size() == 1 &&
                     readsOnlyInPlace(p_.kernels[writers[0]], target, value);
      std::vector<int> readers = readersOfStorage(target);
      if (inPlace)
        for (int r : readers)
          if (r != writers[0] && reaches(writers[0], r))
            inPlace = false;
      if (!inPlace) {
        addCopy(value, target);
        continue;
      }
      setAlias(value, target);
      for (int r : readers)
        if (r != writers[0])
          edges_[r].push_back(writers[0]);
    }
    return Status::ok();
  }

  /// Temporaries nobody reads lose their stores; kernels left storing
  /// nothing go away.
  void dropDeadStores() {
    std::vector<bool> readStorage(p_.buffers.size(), false);
    for (const Kernel &k : p_.kernels)
      for (int b : k.reads)
        readStorage[p_.storageOf(b)] = true;
    std::vector<bool> viewed(p_.buffers.size(), false);
    for (const Buffer &other : p_.buffers)
      if (other.aliasOf >= 0)
        viewed[other.aliasOf] = true;
    auto live = [&](int b) {
      const Buffer &buf = p_.buffers[b];
      if (buf.kind != BufferKind::Temp)
        return true;
      if (buf.aliasOf >= 0)
        return true; // an update written in place
      if (viewed[b])
        return true;
      return bool(readStorage[b]);
    };
    for (Kernel &k : p_.kernels) {
      std::erase_if(k.stores,
                    [&](const Store &s) { return !live(s.access.buffer); });
      collectBufferUses(k);
    }
  }

  void schedule() {
    size_t n = p_.kernels.size();
    // An edge added twice counts once.
    for (std::vector<int> &e : edges_) {
      std::sort(e.begin(), e.end());
      e.erase(std::unique(e.begin(), e.end()), e.end());
    }
    std::vector<int> indegree(n, 0);
    std::vector<bool> keep(n, true);
    for (size_t k = 0; k < n; ++k)
      keep[k] = !p_.kernels[k].writes.empty();
    for (size_t k = 0; k < n; ++k)
      for (int s : edges_[k])
        ++indegree[s];
    std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
    for (size_t k = 0; k < n; ++k)
      if (!indegree[k])
        ready.push(int(k));
    std::vector<Kernel> ordered;
    while (!ready.empty()) {
      int k = ready.top();
      ready.pop();
      if (keep[k])
        ordered.push_back(std::move(p_.kernels[k]));
      for (int s : edges_[k])
        if (--indegree[s] == 0)
          ready.push(s);
    }
    VOSKHOD_CHECK(ordered.size() ==
                  size_t(std::count(keep.begin(), keep.end(), true)))
        << "kernel dependencies form a cycle";
    for (size_t i = 0; i < ordered.size(); ++i)
      ordered[i].name = "k" + std::to_string(i);
    p_.kernels = std::move(ordered);
  }

  /// A contraction accumulates in a dense batch ++ [M, N] buffer that
  /// nothing else in the kernel reads (the packed GEMM keeps partial sums
  /// there). When every store of the epilogue lands elsewhere (an update
  /// written in place over a weight the epilogue also reads), the kernel
  /// gets a scratch buffer for the product.
  void addProductBuffers() {
    for (Kernel &k : p_.kernels) {
      if (k.kind != KernelKind::Contraction)
        continue;
      // The epilogue's domain: batch ++ [M, N].
      Shape shape(k.domain.begin(), k.domain.end() - 1);
      std::vector<int64_t> dense = rowMajorStrides(shape);
      int64_t elements = 1;
      for (int64_t d : shape)
        elements *= d;
      int acc = -1;
      for (size_t i = 0; i < k.body.insts.size(); ++i)
        if (k.body.insts[i].op == ScalarOp::Acc)
          acc = int(i);
      if (acc < 0)
        continue;
      DType t = k.body.insts[acc].dtype;
      std::vector<int> read;
      for (const Body *body : {&k.a, &k.b, &k.body})
        for (const Access &a : body->accesses)
          read.push_back(p_.storageOf(a.buffer));
      bool hasAccumulator = false;
      for (const Store &s : k.stores) {
        const Buffer &b = p_.buffers[s.access.buffer];
        int storage = p_.storageOf(b.id);
        int sharing = 0;
        for (const Store &o : k.stores)
          sharing += p_.storageOf(o.access.buffer) == storage;
        hasAccumulator |=
            s.access.offset == 0 && s.access.strides == dense &&
            b.type.dtype == t && b.type.numElements() == elements &&
            std::find(read.begin(), read.end(), storage) == read.end() &&
            sharing == 1;
      }
      if (hasAccumulator)
        continue;
      Buffer product;
      product.id = int(p_.buffers.size());
      product.name = k.name + ".product";
      product.type = {t, shape};
      product.kind = BufferKind::Scratch;
      p_.buffers.push_back(product);
      k.stores.push_back({Access{product.id, 0, dense}, acc});
      collectBufferUses(k);
    }
  }

  void externalInterface() {
    for (BufferKind kind : {BufferKind::Input, BufferKind::Param,
                            BufferKind::State, BufferKind::Output})
      for (const Buffer &b : p_.buffers)
        if (b.kind == kind)
          p_.external.push_back(b.id);
  }

  const ir::Graph &g_;
  const LowerOptions &options_;
  FusionPlan plan_;
  KernelProgram p_;
  // Kernel -> kernels that must follow (possibly twice until schedule).
  std::vector<std::vector<int>> edges_;
  std::vector<uint32_t> seen_; // by kernel: the reaches search that saw it
  uint32_t search_ = 0;
  std::vector<int> stack_;
  // By buffer id: kernels reading or writing it, buffers aliasing it.
  std::vector<std::vector<int>> readers_, writers_, aliasedBy_;
};

} // namespace

Expected<KernelProgram> lowerToKernels(const ir::Graph &g,
                                       const LowerOptions &options) {
  if (g.results().empty() && g.updates().empty())
    return makeError("graph '" + g.name() + "' computes nothing to keep");
  InternalContext ctx("kernel lowering", g.name());
  for (const ir::Node *n : g)
    if (!hasKernelLowering(n))
      return makeError("'" + std::string(n->info().name) +
                       "' has no kernel lowering yet (" +
                       (n->name().empty() ? "in graph '" + g.name() + "'"
                                          : "'%" + n->name() + "'") +
                       ")");
  return ProgramBuilder(g, options).run();
}

} // namespace voskhod::kernel
