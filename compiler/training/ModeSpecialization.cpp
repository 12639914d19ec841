//===- compiler/training/ModeSpecialization.cpp - train and eval forms ----===//
#include "compiler/training/ModeSpecialization.h"

#include "compiler/ir/Builder.h"
#include "compiler/ir/Verifier.h"
#include "runtime/Random.h"
#include "support/InternalCheck.h"

#include <string>
#include <vector>

namespace voskhod::training {
using namespace ir;

namespace {

/// Builds a node's replacement; `ordinal` counts the graph's unnamed nodes
/// of the same op before it.
using FormFn = Node *(*)(Graph &, Node *, const ModeInputs &, int ordinal);

/// An op's two forms, side by side.
struct ModeForms {
  FormFn train;
  FormFn eval;
};

Node *built(Expected<Node *> n) {
  VOSKHOD_CHECK(n) << "mode specialisation built an invalid node: "
                   << n.message();
  return *n;
}

Node *dropoutTrain(Graph &g, Node *n, const ModeInputs &in, int ordinal) {
  VOSKHOD_CHECK(in.counter && in.seed)
      << "training form of dropout without a counter and a seed";
  Node *counter = in.counter(), *seed = in.seed();
  if (!counter || !seed)
    return nullptr; // the caller reported why
  Attrs attrs;
  attrs.set("p", n->attrs().getFloat("p"));
  std::string name =
      n->name().empty() ? "dropout#" + std::to_string(ordinal) : n->name();
  attrs.set("key", int64_t(dropoutKey(name)));
  return built(buildBroadcasting(g, OpKind::DropoutTrain,
                                 {n->operand(0), counter, seed},
                                 std::move(attrs), n->loc()));
}

Node *identity(Graph &, Node *n, const ModeInputs &, int) {
  return n->operand(0);
}

/// The table: every op with the ModeDependent trait has a row.
const ModeForms *formsOf(OpKind op) {
  static const ModeForms dropout{dropoutTrain, identity};
  switch (op) {
  case OpKind::Dropout:
    return &dropout;
  default:
    return nullptr;
  }
}

} // namespace

uint32_t dropoutKey(std::string_view name) {
  uint64_t h = rt::streamOf(name);
  return uint32_t(h ^ (h >> 32));
}

bool specializeForMode(Graph &g, Mode mode, const ModeInputs &inputs) {
  std::vector<Node *> dependent;
  for (Node *n : g)
    if (n->hasTrait(OpTrait::ModeDependent))
      dependent.push_back(n);
  if (dependent.empty())
    return false;
  std::vector<int> unnamed(kNumOps, 0);
  for (Node *n : dependent) {
    InternalContext ctx("ModeSpecialization", n, describeNode);
    const ModeForms *forms = formsOf(n->op());
    VOSKHOD_CHECK(forms) << "mode-dependent op without train and eval forms";
    int ordinal = n->name().empty() ? unnamed[size_t(n->op())]++ : 0;
    Node *form = (mode == Mode::Train ? forms->train
                                      : forms->eval)(g, n, inputs, ordinal);
    if (!form)
      return false;
    g.replaceAllUsesWith(n, form);
    // The new node prints under the old one's name.
    if (form != n->operand(0) && form->name().empty() && !n->name().empty()) {
      std::string name = n->name();
      n->setName("");
      form->setName(std::move(name));
    }
  }
  g.sortAndPrune();
  return true;
}

} // namespace voskhod::training
