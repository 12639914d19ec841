//===- compiler/ir/Graph.cpp - node storage, rewriting, ordering ----------===//
#include "compiler/ir/Graph.h"

#include "support/InternalCheck.h"

namespace voskhod::ir {

Node *Graph::create(OpKind op, std::vector<Node *> operands, TensorType type,
                    Attrs attrs, SourceLoc loc, std::string name) {
  nodes_.push_back(
      std::unique_ptr<Node>(new Node(op, std::move(operands), std::move(type),
                                     std::move(attrs), loc, std::move(name))));
  Node *n = nodes_.back().get();
  n->index_ = int(nodes_.size() - 1);
  return n;
}

std::vector<Node *> Graph::leaves(OpKind kind) const {
  std::vector<Node *> out;
  for (Node *n : *this)
    if (n->op() == kind)
      out.push_back(n);
  return out;
}

Node *Graph::findByName(std::string_view name) const {
  for (Node *n : *this)
    if (n->name() == name)
      return n;
  return nullptr;
}

void Graph::replaceAllUsesWith(Node *from, Node *to) {
  if (from == to)
    return;
  for (auto &n : nodes_)
    for (Node *&operand : n->operands_)
      if (operand == from)
        operand = to;
  for (Node *&r : results_)
    if (r == from)
      r = to;
  if (minimize_ && minimize_->loss == from)
    minimize_->loss = to;
  for (Update &u : updates_)
    if (u.value == from)
      u.value = to;
}

void Graph::renumber() {
  for (size_t i = 0; i < nodes_.size(); ++i)
    nodes_[i]->index_ = int(i);
}

void Graph::sortAndPrune() {
  renumber();
  const size_t n = nodes_.size();
  // Depth-first post-order from the roots, visiting operands left to right and
  // roots in their original graph order, so the result is deterministic and an
  // already-sorted graph keeps its order.
  std::vector<uint8_t> state(n, 0); // 0 new, 1 on stack, 2 done
  std::vector<Node *> order;
  order.reserve(n);
  std::vector<std::pair<Node *, size_t>> stack; // shared by every root
  auto visit = [&](Node *root) {
    if (state[root->index_] == 2)
      return;
    stack.assign(1, {root, 0});
    state[root->index_] = 1;
    while (!stack.empty()) {
      auto &[node, next] = stack.back();
      if (next < node->operands_.size()) {
        Node *operand = node->operands_[next++];
        if (state[operand->index_] == 0) {
          state[operand->index_] = 1;
          stack.push_back({operand, 0});
        }
        continue;
      }
      state[node->index_] = 2;
      order.push_back(node);
      stack.pop_back();
    }
  };

  std::vector<uint8_t> isRoot(n, 0);
  for (auto &node : nodes_)
    if (node->op() == OpKind::Input || node->op() == OpKind::Param ||
        node->op() == OpKind::State)
      isRoot[node->index_] = 1;
  for (Node *r : results_)
    isRoot[r->index_] = 1;
  if (minimize_ && minimize_->loss)
    isRoot[minimize_->loss->index_] = 1;
  for (const Update &u : updates_) {
    isRoot[u.value->index_] = 1;
    isRoot[u.target->index_] = 1;
  }
  // Visit roots in original order; nodes reached only through a later root
  // are emitted as late as their first user allows.
  for (auto &node : nodes_)
    if (isRoot[node->index_])
      visit(node.get());

  std::vector<std::unique_ptr<Node>> sorted;
  sorted.reserve(order.size());
  std::vector<std::unique_ptr<Node>> old = std::move(nodes_);
  for (Node *node : order)
    sorted.push_back(std::move(old[node->index_]));
  nodes_ = std::move(sorted);
  renumber();
}

std::unique_ptr<Graph>
Graph::clone(std::unordered_map<const Node *, Node *> *mapping) const {
  auto g = std::make_unique<Graph>(name_);
  // Copies by node index (dense); the pointer map is filled only on request.
  std::vector<Node *> map(nodes_.size(), nullptr);
  auto copyOf = [&](const Node *n) {
    VOSKHOD_CHECK(n->index_ >= 0 && size_t(n->index_) < map.size() &&
                  map[size_t(n->index_)])
        << "clone of a node outside the graph";
    return map[size_t(n->index_)];
  };
  g->nodes_.reserve(nodes_.size());
  for (Node *n : *this) {
    std::vector<Node *> operands;
    operands.reserve(n->numOperands());
    for (Node *o : n->operands())
      operands.push_back(copyOf(o));
    Node *copy = g->create(n->op(), std::move(operands), n->type(), n->attrs(),
                           n->loc(), n->name());
    copy->init_ = n->init_;
    copy->constValues_ = n->constValues_;
    map[size_t(n->index_)] = copy;
  }
  for (Node *r : results_)
    g->results_.push_back(copyOf(r));
  g->resultsLoc_ = resultsLoc_;
  if (minimize_) {
    g->minimize_ = *minimize_;
    g->minimize_->loss = copyOf(minimize_->loss);
  }
  for (const Update &u : updates_)
    g->updates_.push_back({copyOf(u.target), copyOf(u.value)});
  if (mapping)
    for (Node *n : *this)
      (*mapping)[n] = map[size_t(n->index_)];
  return g;
}

std::vector<std::vector<Node *>> Graph::computeUsers() const {
  std::vector<std::vector<Node *>> users(nodes_.size());
  for (Node *n : *this)
    for (Node *o : n->operands())
      if (users[o->index()].empty() || users[o->index()].back() != n)
        users[o->index()].push_back(n);
  return users;
}

} // namespace voskhod::ir
