//===- compiler/kernel/FusionPlanner.cpp - which ops share a kernel -------===//
#include "compiler/kernel/FusionPlanner.h"

#include "compiler/ir/Verifier.h"
#include "support/InternalCheck.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <span>

namespace voskhod::kernel {
using ir::Node;
using ir::OpKind;
namespace OpTrait = ir::OpTrait;

namespace {

bool rootsKernel(const Node *n) {
  return n->hasTrait(OpTrait::Contraction) || n->hasTrait(OpTrait::Reduction) ||
         n->hasTrait(OpTrait::RowWise) || n->hasTrait(OpTrait::Loss);
}

bool isUniformConst(const Node *n) {
  const auto &v = n->constValues();
  return n->is(OpKind::Const) &&
         (v.size() <= 1 || std::all_of(v.begin(), v.end(), [&](double x) {
            return x == v[0] || (x != x && v[0] != v[0]);
          }));
}

/// Flops per element of the op itself; transcendentals count as many. An
/// elementwise op costs what its scalar code costs (ScalarOps.def); a layout
/// op computes nothing; anything else counts as one.
int ownCost(const Node *n) {
  if (n->hasTrait(OpTrait::Layout))
    return 0;
  if (n->hasTrait(OpTrait::Elementwise))
    return elementwiseCost(n);
  return 1;
}

/// Sorted vectors of group numbers serve as the planner's small sets: most
/// hold a group or two, where a std::set would allocate a node for each.
void insertSorted(std::vector<int> &set, int x) {
  auto it = std::lower_bound(set.begin(), set.end(), x);
  if (it == set.end() || *it != x)
    set.insert(it, x);
}

void eraseSorted(std::vector<int> &set, int x) {
  auto it = std::lower_bound(set.begin(), set.end(), x);
  if (it != set.end() && *it == x)
    set.erase(it);
}

std::string bufferName(const Node *n) {
  if (!n->name().empty())
    return n->name();
  return std::string(n->info().name) + "." + std::to_string(n->index());
}

class Planner {
public:
  Planner(const ir::Graph &g, const std::vector<const Node *> &roots)
      : g_(g), builder_(g) {
    plan_.bufferOf.assign(g.size(), -1);
    isRoot_.assign(g.size(), false);
    for (const Node *r : roots)
      isRoot_[r->index()] = true;
    indexUsers();
  }

  FusionPlan run() {
    decideBuffers();
    formGroups();
    mergeGroups();
    return std::move(plan_);
  }

private:
  /// The users of each node as Graph::computeUsers lists them (in graph
  /// order, a user once per run of operands), in one flat array rather
  /// than one vector per node.
  void indexUsers() {
    size_t count = g_.size();
    userStart_.assign(count + 1, 0);
    std::vector<const Node *> last(count, nullptr);
    for (const Node *n : g_)
      for (const Node *o : n->operands())
        if (last[o->index()] != n) {
          last[o->index()] = n;
          ++userStart_[o->index() + 1];
        }
    for (size_t i = 0; i < count; ++i)
      userStart_[i + 1] += userStart_[i];
    users_.resize(userStart_[count]);
    std::vector<size_t> next(userStart_.begin(), userStart_.end() - 1);
    std::fill(last.begin(), last.end(), nullptr);
    for (const Node *n : g_)
      for (const Node *o : n->operands())
        if (last[o->index()] != n) {
          last[o->index()] = n;
          users_[next[o->index()]++] = n;
        }
  }

  std::span<const Node *const> usersOf(size_t i) const {
    return {users_.data() + userStart_[i], users_.data() + userStart_[i + 1]};
  }

  int newBuffer(const Node *n, BufferKind kind) {
    Buffer b;
    b.id = int(plan_.buffers.size());
    b.name = bufferName(n);
    b.type = n->type();
    b.kind = kind;
    if (kind == BufferKind::Param || kind == BufferKind::State)
      b.init = n->init();
    if (kind == BufferKind::Const) {
      b.constValues = n->constValues();
      if (b.constValues.size() == 1)
        b.constValues.assign(size_t(n->type().numElements()), b.constValues[0]);
    }
    plan_.bufferOf[n->index()] = b.id;
    plan_.buffers.push_back(std::move(b));
    return plan_.bufferOf[n->index()];
  }

  void materialise(const Node *n) {
    if (plan_.bufferOf[n->index()] >= 0)
      return;
    newBuffer(n, n->is(OpKind::Const) ? BufferKind::Const : BufferKind::Temp);
  }

  /// The index-mapping ops and gather read their operands at computed
  /// indices (KernelBuilder's gathers), so those operands live in buffers.
  static bool gathers(const Node *n) {
    return n->is(OpKind::Pad) || n->is(OpKind::Slice) ||
           n->is(OpKind::Concat) || n->is(OpKind::Gather);
  }

  /// Whether transpose `n` moves a matrix axis of an operand among the
  /// batch axes (attention's head split, [B, T, H, D] → [B, H, T, D]): a
  /// contraction reading it inline would see strided rows, which the packed
  /// GEMM does not take, so the contraction would fall back to a plain
  /// loop nest. A swap of the last two axes alone is a transposed operand,
  /// which the GEMM reads as it is.
  static bool stridesMatrixRows(const Node *n) {
    const std::vector<int64_t> &perm = n->attrs().getInts("perm");
    size_t rank = perm.size();
    for (size_t d = 0; d + 2 < rank; ++d)
      if (perm[d] != int64_t(d))
        return true;
    return false;
  }

  /// Whether node `i` must have a buffer for its users' sake: a reshape
  /// views it, a gathering op reads it, or a contraction reads it as a
  /// transpose that would stride its rows.
  bool needsBuffer(size_t i) const {
    const Node *n = g_.node(i);
    for (const Node *user : usersOf(i)) {
      if (user->is(OpKind::Reshape) || gathers(user))
        return true;
      if (user->hasTrait(OpTrait::Contraction) && n->is(OpKind::Transpose) &&
          stridesMatrixRows(n))
        return true;
    }
    return false;
  }

  void decideBuffers() {
    size_t count = g_.size();
    // Cost of a node's whole inlined tree, assuming everything that may be
    // inlined is (an upper bound: materialising only makes it cheaper).
    std::vector<int> treeCost(count, 0);
    for (Node *n : g_) {
      if (n->hasTrait(OpTrait::Leaf) || rootsKernel(n) ||
          n->is(OpKind::Reshape))
        continue;
      int c = ownCost(n);
      for (Node *o : n->operands())
        c += treeCost[o->index()];
      treeCost[n->index()] = std::min(c, 1000);
    }
    // How often each element would be computed if inlined, from the users
    // down (reverse graph order, so users are decided first).
    std::vector<double> uses(count, 0);
    std::vector<bool> inlined(count, false);
    for (size_t i = count; i-- > 0;) {
      const Node *n = g_.node(i);
      double u = 0;
      for (const Node *user : usersOf(i)) {
        double w = 1;
        if (user->hasTrait(OpTrait::RowWise) || user->hasTrait(OpTrait::Loss))
          w = 3; // max, sum, write: one pass each
        if (user->is(OpKind::Broadcast))
          w = double(user->type().numElements()) /
              double(n->type().numElements());
        if (inlined[user->index()])
          w *= uses[user->index()];
        u += w;
      }
      uses[i] = u;
      bool inlinable = n->hasTrait(OpTrait::Elementwise) ||
                       n->is(OpKind::Broadcast) || n->is(OpKind::Transpose) ||
                       n->is(OpKind::OneHot) || gathers(n);
      if (!inlinable || isRoot_[i])
        continue;
      if (needsBuffer(i))
        continue;
      inlined[i] = u <= 1.0 || treeCost[i] <= kCheapInlineCost;
    }
    for (Node *n : g_) {
      size_t i = n->index();
      switch (n->op()) {
      case OpKind::Input:
        newBuffer(n, BufferKind::Input);
        continue;
      case OpKind::Param:
        newBuffer(n, BufferKind::Param);
        continue;
      case OpKind::State:
        newBuffer(n, BufferKind::State);
        continue;
      case OpKind::Const:
        if (!isUniformConst(n) || isRoot_[i] || needsBuffer(i))
          newBuffer(n, BufferKind::Const);
        continue;
      case OpKind::Reshape: {
        const Node *x = n->operand(0);
        materialise(x);
        int view = newBuffer(n, BufferKind::Temp);
        plan_.buffers[view].aliasOf = plan_.bufferOf[x->index()];
        plan_.buffers[view].isView = true;
        continue;
      }
      default:
        break;
      }
      if (rootsKernel(n) || !inlined[i])
        newBuffer(n, BufferKind::Temp);
    }
  }

  static KernelKind kindOf(const Node *n) {
    if (n->hasTrait(OpTrait::Contraction))
      return KernelKind::Contraction;
    if (rootsKernel(n))
      return KernelKind::Reduction;
    return KernelKind::Loop;
  }

  void formGroups() {
    groupOf_.assign(g_.size(), -1);
    size_t expected = 0;
    for (const Buffer &b : plan_.buffers)
      expected += b.kind == BufferKind::Temp && b.aliasOf < 0;
    plan_.groups.reserve(expected);
    loaded_.reserve(expected);
    for (Node *n : g_) {
      int b = plan_.bufferOf[n->index()];
      if (b < 0 || n->hasTrait(OpTrait::Leaf) || plan_.buffers[b].aliasOf >= 0)
        continue;
      InternalContext at("FusionPlanner", n, ir::describeNode);
      groupOf_[n->index()] = int(plan_.groups.size());
      plan_.groups.push_back({kindOf(n), {n}});
      auto loaded = check(plan_.groups.back());
      VOSKHOD_CHECK(loaded) << "a single node always forms a kernel";
      loaded_.push_back(std::move(*loaded));
    }
    size_t count = plan_.groups.size();
    plan_.deps.resize(count);
    dependents_.assign(count, {});
    identityReaders_.assign(g_.size(), {});
    // Groups are formed in graph order, so their numbers are a first
    // topological order; spaced out so that merges can slot groups in.
    order_.resize(count);
    for (size_t gi = 0; gi < count; ++gi) {
      plan_.deps[gi] = producerGroups(loaded_[gi], int(gi));
      for (int d : plan_.deps[gi])
        insertSorted(dependents_[d], int(gi));
      indexLoads(int(gi));
      order_[gi] = int64_t(gi + 1) << kOrderSpacing;
      groupAt_.emplace(order_[gi], int(gi));
    }
  }

  /// Remembers which nodes loop group `gi` reads at the same index.
  void indexLoads(int gi) {
    if (plan_.groups[gi].kind != KernelKind::Loop)
      return;
    for (const LoadedValue &l : loaded_[gi])
      if (l.identity)
        insertSorted(identityReaders_[l.node->index()], gi);
  }

  static bool loadsAtIdentity(const std::vector<LoadedValue> &loaded,
                              const Node *n) {
    for (const LoadedValue &l : loaded)
      if (l.identity && l.node == n)
        return true;
    return false;
  }

  /// Whether `spec` builds, and what its kernel loads. Groups are only
  /// checked while they merge; each surviving group's kernel is built once,
  /// at the end, from the same spec and buffers, so to the same result.
  std::optional<std::vector<LoadedValue>> check(const KernelSpec &spec) {
    return builder_.check(spec, plan_.bufferOf, plan_.buffers);
  }

  /// The group whose kernel writes `n`'s storage (through views), or -1.
  int producerOf(const Node *n) const {
    while (n->is(OpKind::Reshape))
      n = n->operand(0);
    return groupOf_[n->index()];
  }

  std::vector<int> producerGroups(const std::vector<LoadedValue> &loaded,
                                  int self) const {
    std::vector<int> out;
    for (const LoadedValue &l : loaded) {
      int p = producerOf(l.node);
      if (p >= 0 && p != self &&
          std::find(out.begin(), out.end(), p) == out.end())
        out.push_back(p);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  /// Whether group `from` reads, directly or not, what group `to` writes.
  /// While order_ is a topological order of the groups, only groups between
  /// the two in that order can be on a path, and they are searched nearest
  /// to `to` first: in a training step a late group usually reaches an early
  /// one through a few long edges (a gradient reading a forward value), which
  /// this search follows before the many short ones.
  bool dependsOn(int from, int to) {
    if (!orderValid_)
      return dependsOnUnordered(from, to);
    if (order_[from] < order_[to])
      return false;
    ++epoch_;
    // A min-heap on place, in a vector kept from one search to the next.
    std::vector<std::pair<int64_t, int>> &queue = searchQueue_;
    auto push = [&](int x) {
      queue.push_back({order_[x], x});
      std::push_heap(queue.begin(), queue.end(), std::greater<>());
    };
    queue.clear();
    push(from);
    seen_[from] = epoch_;
    while (!queue.empty()) {
      std::pop_heap(queue.begin(), queue.end(), std::greater<>());
      int x = queue.back().second;
      queue.pop_back();
      if (x == to)
        return true;
      ++plan_.mergeSearchSteps;
      for (int d : plan_.deps[x])
        if (seen_[d] != epoch_ && order_[d] >= order_[to]) {
          seen_[d] = epoch_;
          push(d);
        }
    }
    return false;
  }

  /// dependsOn without a topological order: a plain depth-first search.
  bool dependsOnUnordered(int from, int to) {
    ++epoch_;
    std::vector<int> stack = {from};
    while (!stack.empty()) {
      int x = stack.back();
      stack.pop_back();
      if (x == to)
        return true;
      if (seen_[x] == epoch_)
        continue;
      seen_[x] = epoch_;
      ++plan_.mergeSearchSteps;
      for (int d : plan_.deps[x])
        stack.push_back(d);
    }
    return false;
  }

  /// Group `gi` has just been merged into `c`: c takes the later of the two
  /// places in the topological order, and the groups that read c and sat
  /// between the two places move, in their order, to just after it. When
  /// that cannot restore a topological order (no room left between two
  /// places, or a cycle), the search in dependsOn stops relying on it.
  void reorderAfterMerge(int gi, int c) {
    if (!orderValid_)
      return;
    int64_t place = std::max(order_[gi], order_[c]);
    groupAt_.erase(order_[gi]);
    groupAt_.erase(order_[c]);
    order_[c] = place;
    groupAt_.emplace(place, c);
    for (int d : plan_.deps[c])
      if (order_[d] >= place)
        return invalidateOrder();
    // Everything reading c that sits before it, and what reads those.
    std::vector<int> moved;
    ++epoch_;
    std::vector<int> stack(dependents_[c].begin(), dependents_[c].end());
    while (!stack.empty()) {
      int x = stack.back();
      stack.pop_back();
      if (seen_[x] == epoch_ || order_[x] > place)
        continue;
      if (x == c)
        return invalidateOrder(); // a cycle
      seen_[x] = epoch_;
      ++plan_.mergeSearchSteps;
      moved.push_back(x);
      stack.insert(stack.end(), dependents_[x].begin(), dependents_[x].end());
    }
    if (moved.empty())
      return;
    std::sort(moved.begin(), moved.end(),
              [&](int a, int b) { return order_[a] < order_[b]; });
    int64_t step = roomAfter(order_[c], moved.size());
    if (step < 1) {
      respaceOrder();
      step = roomAfter(order_[c], moved.size());
    }
    if (step < 1)
      return invalidateOrder();
    place = order_[c];
    for (size_t i = 0; i < moved.size(); ++i) {
      groupAt_.erase(order_[moved[i]]);
      order_[moved[i]] = place + step * int64_t(i + 1);
      groupAt_.emplace(order_[moved[i]], moved[i]);
    }
  }

  /// The spacing that fits `count` places after `place`, before the next.
  int64_t roomAfter(int64_t place, size_t count) const {
    auto next = groupAt_.upper_bound(place);
    int64_t limit = next == groupAt_.end()
                        ? place + (int64_t(count + 1) << kOrderSpacing)
                        : next->first;
    return (limit - place) / int64_t(count + 1);
  }

  /// Spreads the places out evenly again, keeping their order.
  void respaceOrder() {
    std::map<int64_t, int> spaced;
    int64_t i = 0;
    for (auto [place, group] : groupAt_) {
      order_[group] = ++i << kOrderSpacing;
      spaced.emplace(order_[group], group);
    }
    groupAt_ = std::move(spaced);
  }

  void invalidateOrder() { orderValid_ = false; }

  void mergeGroups() {
    std::vector<bool> dead(plan_.groups.size(), false);
    seen_.assign(plan_.groups.size(), 0);
    for (size_t gi = 0; gi < plan_.groups.size(); ++gi) {
      KernelSpec &spec = plan_.groups[gi];
      if (spec.kind != KernelKind::Loop || spec.members.size() != 1)
        continue;
      const Node *n = spec.members.front();
      std::vector<int> candidates;
      auto consider = [&](int c) {
        if (c >= 0 && c != int(gi) && !dead[c] &&
            std::find(candidates.begin(), candidates.end(), c) ==
                candidates.end())
          candidates.push_back(c);
      };
      // Vertical: a producer read at the same index.
      for (const LoadedValue &l : loaded_[gi])
        if (l.identity && l.node->shape() == n->shape())
          consider(groupOf_[l.node->index()]);
      // Horizontal: a loop of the same shape reading one of our inputs,
      // found through the index of who reads what at the same index.
      for (const LoadedValue &l : loaded_[gi]) {
        if (!l.identity)
          continue;
        std::vector<int> &readers = identityReaders_[l.node->index()];
        // Groups merged away for good leave the index as they are passed.
        size_t kept = 0, i = 0;
        for (; i < readers.size() && readers[i] < int(gi); ++i) {
          int other = readers[i];
          ++plan_.mergeSearchSteps;
          if (dead[other])
            continue;
          readers[kept++] = other;
          if (plan_.groups[other].members.front()->shape() != n->shape() ||
              !loadsAtIdentity(loaded_[other], l.node))
            continue;
          consider(other);
        }
        readers.erase(readers.begin() + kept, readers.begin() + i);
      }
      for (int c : candidates) {
        bool cycle = false;
        for (int p : plan_.deps[gi])
          cycle |= p != c && dependsOn(p, c);
        if (cycle)
          continue;
        KernelSpec joint = plan_.groups[c];
        joint.members.push_back(n);
        auto loaded = check(joint);
        if (!loaded)
          continue;
        plan_.groups[c] = std::move(joint);
        loaded_[c] = std::move(*loaded);
        indexLoads(c);
        groupOf_[n->index()] = c;
        dead[gi] = true;
        // Every group reading n now reads c.
        for (int r : dependents_[gi]) {
          for (int &x : plan_.deps[r])
            if (x == int(gi))
              x = c;
          insertSorted(dependents_[c], r);
        }
        dependents_[gi].clear();
        for (int d : plan_.deps[c])
          eraseSorted(dependents_[d], c);
        plan_.deps[c] = producerGroups(loaded_[c], c);
        for (int d : plan_.deps[c])
          insertSorted(dependents_[d], c);
        for (int d : plan_.deps[gi])
          eraseSorted(dependents_[d], int(gi));
        plan_.deps[gi].clear();
        reorderAfterMerge(int(gi), c);
        break;
      }
    }
    // Compact, keeping creation order.
    FusionPlan &p = plan_;
    std::vector<int> renumber(p.groups.size(), -1);
    int next = 0;
    for (size_t i = 0; i < p.groups.size(); ++i)
      if (!dead[i])
        renumber[i] = next++;
    std::vector<KernelSpec> groups;
    std::vector<std::vector<int>> deps;
    p.built.reserve(next);
    for (size_t i = 0; i < p.groups.size(); ++i) {
      if (dead[i])
        continue;
      groups.push_back(std::move(p.groups[i]));
      auto built = builder_.build(groups.back(), p.bufferOf, p.buffers);
      VOSKHOD_CHECK(built) << "a group builds as it did when last checked";
      p.built.push_back(std::move(*built));
      std::vector<int> d;
      for (int x : p.deps[i])
        if (renumber[x] >= 0 && renumber[x] != renumber[i] &&
            std::find(d.begin(), d.end(), renumber[x]) == d.end())
          d.push_back(renumber[x]);
      std::sort(d.begin(), d.end());
      deps.push_back(std::move(d));
    }
    p.groups = std::move(groups);
    p.deps = std::move(deps);
  }

  const ir::Graph &g_;
  KernelBuilder builder_;
  FusionPlan plan_;
  std::vector<bool> isRoot_;
  std::vector<const Node *> users_; // usersOf(i): users_[userStart_[i]..]
  std::vector<size_t> userStart_;
  std::vector<int> groupOf_;
  std::vector<std::vector<LoadedValue>> loaded_; // by group, while planning
  // Indexes that keep merging near-linear. dependents_[g]: the groups whose
  // deps hold g. identityReaders_[node]: the loop groups that loaded the node
  // at the same index (possibly stale: checked when used). order_: a
  // topological order of the groups (deps first) while orderValid_;
  // groupAt_ inverts it.
  std::vector<std::vector<int>> dependents_;      // sorted
  std::vector<std::vector<int>> identityReaders_; // sorted
  static constexpr int kOrderSpacing = 20;
  std::vector<int64_t> order_;
  std::map<int64_t, int> groupAt_;
  bool orderValid_ = true;
  std::vector<uint32_t> seen_; // by group: the dependsOn search that saw it
  std::vector<std::pair<int64_t, int>> searchQueue_; // (place, group)
  uint32_t epoch_ = 0;
};

} // namespace

FusionPlan planFusion(const ir::Graph &g,
                      const std::vector<const ir::Node *> &roots) {
  InternalContext ctx("FusionPlanner", g.name());
  return Planner(g, roots).run();
}

} // namespace voskhod::kernel
