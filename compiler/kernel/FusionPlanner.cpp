//===- compiler/kernel/FusionPlanner.cpp - which ops share a kernel -------===//
#include "compiler/kernel/FusionPlanner.h"

#include <algorithm>
#include <cassert>
#include <set>

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

/// Flops per element of the op itself; transcendentals count as many.
int ownCost(const Node *n) {
  if (n->hasTrait(OpTrait::Layout))
    return 0;
  switch (n->op()) {
  case OpKind::Exp:
  case OpKind::Log:
  case OpKind::Sqrt:
  case OpKind::Rsqrt:
  case OpKind::Sigmoid:
  case OpKind::Tanh:
  case OpKind::Softplus:
  case OpKind::Elu:
  case OpKind::Pow:
    return 8;
  default:
    return 1;
  }
}

std::string bufferName(const Node *n) {
  if (!n->name().empty())
    return n->name();
  return std::string(n->info().name) + "." + std::to_string(n->index());
}

class Planner {
public:
  Planner(const ir::Graph &g, const std::vector<const Node *> &roots) : g_(g) {
    plan_.bufferOf.assign(g.size(), -1);
    isRoot_.assign(g.size(), false);
    for (const Node *r : roots)
      isRoot_[r->index()] = true;
    users_ = g.computeUsers();
  }

  FusionPlan run() {
    decideBuffers();
    formGroups();
    mergeGroups();
    return std::move(plan_);
  }

private:
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
    plan_.buffers.push_back(b);
    plan_.bufferOf[n->index()] = b.id;
    return b.id;
  }

  void materialise(const Node *n) {
    if (plan_.bufferOf[n->index()] >= 0)
      return;
    newBuffer(n, n->is(OpKind::Const) ? BufferKind::Const : BufferKind::Temp);
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
      for (const Node *user : users_[i]) {
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
                       n->is(OpKind::OneHot);
      if (!inlinable || isRoot_[i])
        continue;
      bool forcedByReshape = false;
      for (const Node *user : users_[i])
        forcedByReshape |= user->is(OpKind::Reshape);
      if (forcedByReshape)
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
        if (!isUniformConst(n) || isRoot_[i])
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
    for (Node *n : g_) {
      int b = plan_.bufferOf[n->index()];
      if (b < 0 || n->hasTrait(OpTrait::Leaf) || plan_.buffers[b].aliasOf >= 0)
        continue;
      groupOf_[n->index()] = int(plan_.groups.size());
      plan_.groups.push_back({kindOf(n), {n}});
      auto built = build(plan_.groups.back());
      assert(built && "a single node always forms a kernel");
      plan_.built.push_back(std::move(*built));
    }
    plan_.deps.resize(plan_.groups.size());
    for (size_t gi = 0; gi < plan_.groups.size(); ++gi)
      plan_.deps[gi] = producerGroups(plan_.built[gi], int(gi));
  }

  std::optional<BuildResult> build(const KernelSpec &spec) {
    return buildKernel(g_, spec, plan_.bufferOf, plan_.buffers);
  }

  /// The group whose kernel writes `n`'s storage (through views), or -1.
  int producerOf(const Node *n) const {
    while (n->is(OpKind::Reshape))
      n = n->operand(0);
    return groupOf_[n->index()];
  }

  std::vector<int> producerGroups(const BuildResult &r, int self) const {
    std::vector<int> out;
    for (const LoadedValue &l : r.loaded) {
      int p = producerOf(l.node);
      if (p >= 0 && p != self &&
          std::find(out.begin(), out.end(), p) == out.end())
        out.push_back(p);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  /// Whether group `from` reads, directly or not, what group `to` writes.
  bool dependsOn(int from, int to) const {
    std::vector<bool> seen(plan_.groups.size(), false);
    std::vector<int> stack = {from};
    while (!stack.empty()) {
      int x = stack.back();
      stack.pop_back();
      if (x == to)
        return true;
      if (seen[x])
        continue;
      seen[x] = true;
      for (int d : plan_.deps[x])
        stack.push_back(d);
    }
    return false;
  }

  void mergeGroups() {
    std::vector<bool> dead(plan_.groups.size(), false);
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
      for (const LoadedValue &l : plan_.built[gi].loaded)
        if (l.identity && l.node->shape() == n->shape())
          consider(groupOf_[l.node->index()]);
      // Horizontal: a loop of the same shape reading one of our inputs.
      for (const LoadedValue &l : plan_.built[gi].loaded) {
        if (!l.identity)
          continue;
        for (size_t other = 0; other < gi; ++other) {
          if (dead[other] || plan_.groups[other].kind != KernelKind::Loop ||
              plan_.groups[other].members.front()->shape() != n->shape())
            continue;
          for (const LoadedValue &ol : plan_.built[other].loaded)
            if (ol.identity && ol.node == l.node)
              consider(int(other));
        }
      }
      for (int c : candidates) {
        bool cycle = false;
        for (int p : plan_.deps[gi])
          cycle |= p != c && dependsOn(p, c);
        if (cycle)
          continue;
        KernelSpec joint = plan_.groups[c];
        joint.members.push_back(n);
        auto built = build(joint);
        if (!built)
          continue;
        plan_.groups[c] = std::move(joint);
        plan_.built[c] = std::move(*built);
        groupOf_[n->index()] = c;
        dead[gi] = true;
        // Every group reading n now reads c.
        for (auto &d : plan_.deps)
          for (int &x : d)
            if (x == int(gi))
              x = c;
        plan_.deps[c] = producerGroups(plan_.built[c], c);
        plan_.deps[gi].clear();
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
    std::vector<BuildResult> built;
    std::vector<std::vector<int>> deps;
    for (size_t i = 0; i < p.groups.size(); ++i) {
      if (dead[i])
        continue;
      groups.push_back(std::move(p.groups[i]));
      built.push_back(std::move(p.built[i]));
      std::vector<int> d;
      for (int x : p.deps[i])
        if (renumber[x] >= 0 && renumber[x] != renumber[i] &&
            std::find(d.begin(), d.end(), renumber[x]) == d.end())
          d.push_back(renumber[x]);
      std::sort(d.begin(), d.end());
      deps.push_back(std::move(d));
    }
    p.groups = std::move(groups);
    p.built = std::move(built);
    p.deps = std::move(deps);
  }

  const ir::Graph &g_;
  FusionPlan plan_;
  std::vector<bool> isRoot_;
  std::vector<std::vector<Node *>> users_;
  std::vector<int> groupOf_;
};

} // namespace

FusionPlan planFusion(const ir::Graph &g,
                      const std::vector<const ir::Node *> &roots) {
  return Planner(g, roots).run();
}

} // namespace voskhod::kernel
