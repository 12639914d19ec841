//===- compiler/training/TrainStep.cpp - forward graph to training step ---===//
#include "compiler/training/TrainStep.h"

#include "compiler/autodiff/Autodiff.h"
#include "compiler/ir/Builder.h"
#include "compiler/ir/Verifier.h"
#include "compiler/training/GradAccumulation.h"
#include "compiler/training/GradClipping.h"
#include "compiler/training/LrScheduling.h"
#include "compiler/training/ModeSpecialization.h"
#include "compiler/training/OptimizerSlots.h"
#include "compiler/training/UpdateMath.h"
#include "compiler/training/UpdateRules.h"
#include "support/Hyperparameters.h"
#include "support/InternalCheck.h"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_set>
#include <utility>

namespace voskhod::training {
using namespace ir;

namespace {

bool isInterfaceLeaf(const Node *n) {
  return n->is(OpKind::Input) || n->is(OpKind::Param) || n->is(OpKind::State);
}

/// The params `loss` depends on, in graph order.
std::vector<Node *> paramsFeeding(const Graph &g, const Node *loss) {
  std::vector<char> seen(g.size(), 0); // by Node::index()
  seen[size_t(loss->index())] = 1;
  std::vector<const Node *> stack{loss};
  while (!stack.empty()) {
    const Node *n = stack.back();
    stack.pop_back();
    for (Node *o : n->operands())
      if (!std::exchange(seen[size_t(o->index())], 1))
        stack.push_back(o);
  }
  std::vector<Node *> params;
  for (Node *p : g.params())
    if (seen[size_t(p->index())])
      params.push_back(p);
  return params;
}

class StepBuilder {
public:
  StepBuilder(const Graph &forward, DiagnosticEngine &diags)
      : forward_(forward), min_(*forward.minimize()), diags_(diags),
        step_(std::make_unique<Graph>(forward.name() + ".step")),
        map_(forward.size(), nullptr) {
    for (Node *n : forward)
      if (!n->name().empty())
        names_.insert(n->name());
  }

  std::unique_ptr<Graph> build();

private:
  Node *copy(const Node *n);
  Node *mapped(const Node *n) const {
    Node *c = map_[size_t(n->index())];
    VOSKHOD_CHECK(c) << "forward node used before it was copied";
    return c;
  }
  /// A new state leaf named `name`, or null after reporting that the name is
  /// taken.
  Node *newState(const std::string &name, TensorType type, InitSpec init);
  /// Gives `n` the name when it has none and nothing else uses it.
  void nameIfFree(Node *n, const std::string &name);
  UpdateMath &mathFor(DType dtype);
  /// `step + 1`, built on first use.
  Node *counterNext();
  /// The counter dropout's masks are keyed on: the steps done, counting
  /// micro-batches when gradients accumulate (each draws its own masks).
  Node *maskCounter();
  /// The run's seed for dropout's masks (ModeSpecialization.h), declared on
  /// first use; below 2^31 - 128 so that the draw truncates to an i32.
  Node *dropoutSeed();
  static constexpr double kSeedBound = 2147483520.0;
  /// The state leaf of hyperparameter `name`, declared by declareHparams.
  Node *hparamLeaf(std::string_view name);
  /// A scalar state leaf per optimizerHparams, holding the graph's value;
  /// f64 when a trained param is f64 (UpdateMath converts for the others).
  void declareHparams(const std::vector<Node *> &trained);

  const Graph &forward_;
  const Minimize &min_;
  DiagnosticEngine &diags_;
  std::unique_ptr<Graph> step_;
  // By forward node index: its copy in the step (indices are dense, so a
  // vector, not a pointer-keyed hash map).
  std::vector<Node *> map_;
  // Lookups only, never iterated.
  std::unordered_set<std::string> names_;
  Node *counter_ = nullptr;
  Node *counterNext_ = nullptr;
  Node *dropoutSeed_ = nullptr;
  // Gradient accumulation's micro-batch counter, when the clause asks.
  Node *micro_ = nullptr;
  Node *maskCounter_ = nullptr;
  // (name, leaf, read by a rule), in optimizerHparams' order.
  struct Hparam {
    std::string_view name;
    Node *leaf;
    bool used;
  };
  std::vector<Hparam> hparams_;
  DType hparamDType_ = DType::F32;
  std::map<DType, UpdateMath> math_;
  // The schedule's values, built in hparamDType_ before any rule reads lr.
  std::optional<ScheduledHparams> scheduled_;
};

Node *StepBuilder::copy(const Node *n) {
  std::vector<Node *> operands;
  for (Node *o : n->operands())
    operands.push_back(mapped(o));
  Node *c = step_->create(n->op(), std::move(operands), n->type(), n->attrs(),
                          n->loc(), n->name());
  c->setInit(n->init());
  c->setConstValues(n->constValues());
  map_[size_t(n->index())] = c;
  return c;
}

Node *StepBuilder::newState(const std::string &name, TensorType type,
                            InitSpec init) {
  if (!names_.insert(name).second) {
    Node *clash = forward_.findByName(name);
    std::string owner =
        name == kStepCounterName   ? "the training step's counter"
        : name == kMicroStepName   ? "the gradient accumulation's micro-batch "
                                     "counter"
        : name == kDropoutSeedName ? "the seed of dropout's masks"
        : !hparamOfTensor(name).empty()
            ? "hyperparameter '" + std::string(hparamOfTensor(name)) +
                  "' of optimizer '" +
                  std::string(optimizerName(min_.optimizer)) + "'"
            : "the state of optimizer '" +
                  std::string(optimizerName(min_.optimizer)) + "'";
    diags_.error(clash ? clash->loc() : min_.loc,
                 "'%" + name + "' is reserved for " + owner +
                     "; rename this value");
    return nullptr;
  }
  Expected<Node *> leaf =
      buildState(*step_, std::move(type), init, min_.loc, name);
  VOSKHOD_CHECK(leaf) << "state leaf copied from a valid param type failed";
  return *leaf;
}

void StepBuilder::nameIfFree(Node *n, const std::string &name) {
  if (n->name().empty() && names_.insert(name).second)
    n->setName(name);
}

UpdateMath &StepBuilder::mathFor(DType dtype) {
  auto it = math_.find(dtype);
  if (it == math_.end()) {
    it = math_
             .try_emplace(
                 dtype, *step_, dtype, min_.loc, counter_,
                 [this] { return counterNext(); },
                 [this](std::string_view name) { return hparamLeaf(name); })
             .first;
    if (scheduled_) {
      it->second.overrideHparam("lr", scheduled_->lr);
      if (scheduled_->momentum)
        it->second.overrideHparam(scheduled_->momentumName,
                                  scheduled_->momentum);
    }
  }
  return it->second;
}

Node *StepBuilder::maskCounter() {
  if (!micro_)
    return counter_;
  // Every micro-batch draws its own masks: updates·k + micro-batches since
  // the last update counts them all (exact in f32 up to 2^24).
  if (!maskCounter_) {
    UpdateMath &m = mathFor(DType::F32);
    maskCounter_ = m.add(m.mul(counter_, double(min_.accumulate)), micro_);
  }
  return maskCounter_;
}

Node *StepBuilder::dropoutSeed() {
  if (!dropoutSeed_)
    dropoutSeed_ =
        newState(std::string(kDropoutSeedName), TensorType{DType::I32, {}},
                 InitSpec{InitKind::Uniform, 0, kSeedBound});
  return dropoutSeed_;
}

Node *StepBuilder::counterNext() {
  if (!counterNext_) {
    Node *one = buildScalar(*step_, 1, DType::F32, min_.loc);
    counterNext_ =
        *buildNode(*step_, OpKind::Add, {counter_, one}, {}, min_.loc);
  }
  return counterNext_;
}

Node *StepBuilder::hparamLeaf(std::string_view name) {
  for (Hparam &h : hparams_)
    if (h.name == name) {
      h.used = true;
      return h.leaf;
    }
  VOSKHOD_UNREACHABLE("update rule read a hyperparameter optimizerHparams "
                      "does not declare");
  return nullptr;
}

void StepBuilder::declareHparams(const std::vector<Node *> &trained) {
  for (Node *p : trained)
    if (p->dtype() == DType::F64)
      hparamDType_ = DType::F64;
  auto declare = [&](std::string_view name, double value) {
    Node *leaf = newState(hparamTensorName(name), TensorType{hparamDType_, {}},
                          InitSpec{InitKind::Constant, value});
    hparams_.push_back({name, leaf, false});
  };
  for (std::string_view name : optimizerHparams(min_.optimizer, min_.settings))
    declare(name, min_.settings.getFloat(name));
  if (min_.clip)
    declare(gradClipHparam(*min_.clip), min_.clip->limit);
}

std::unique_ptr<Graph> StepBuilder::build() {
  if (Status s = checkOptimizerSettings(min_.optimizer, min_.settings); !s) {
    diags_.error(min_.loc, s.message());
    return nullptr;
  }
  for (const Update &u : forward_.updates())
    if (u.target->is(OpKind::Param)) {
      diags_.error(u.target->loc(), describeNode(u.target) +
                                        " is assigned by an 'update' but is "
                                        "trained by the optimizer");
      return nullptr;
    }
  // batch_norm's training form assigns its running statistics, so they
  // must be assignable and untouched by the optimiser.
  for (Node *n : forward_)
    if (n->is(OpKind::BatchNorm))
      for (size_t k : {size_t(3), size_t(4)})
        if (!n->operand(k)->is(OpKind::State))
          diags_.error(n->loc(), std::string("'batch_norm' ") +
                                     (k == 3 ? "running_mean" : "running_var") +
                                     " must be a 'state' leaf, got " +
                                     describeNode(n->operand(k)) + " ('" +
                                     std::string(opName(n->operand(k)->op())) +
                                     "')");
  if (diags_.hasErrors())
    return nullptr;
  std::vector<Node *> trained = paramsFeeding(forward_, min_.loss);
  std::unordered_set<const Node *> isTrained(trained.begin(), trained.end());
  for (Node *p : forward_.params())
    if (!isTrained.count(p))
      diags_.warning(p->loc(), "parameter " + describeNode(p) +
                                   " does not affect the loss and is not "
                                   "trained");
  if (trained.empty()) {
    diags_.error(min_.loc, "nothing to train: the loss depends on no param");
    return nullptr;
  }

  // Leaves first, so the step reads like a forward graph: its interface,
  // then the computation.
  for (Node *n : forward_)
    if (isInterfaceLeaf(n))
      copy(n);
  counter_ = newState(std::string(kStepCounterName), TensorType{DType::F32, {}},
                      InitSpec{InitKind::Zeros});
  declareHparams(trained);
  std::vector<SlotSpec> slotSpecs =
      optimizerSlots(min_.optimizer, min_.settings);
  std::vector<ParamUpdate::Slots> slots(trained.size());
  std::vector<Node *> gradSums(trained.size(), nullptr);
  if (min_.accumulate > 1)
    micro_ = newState(std::string(kMicroStepName), TensorType{DType::F32, {}},
                      InitSpec{InitKind::Zeros});
  for (size_t i = 0; i < trained.size(); ++i) {
    std::string prefix = trained[i]->name().empty()
                             ? "param" + std::to_string(trained[i]->index())
                             : trained[i]->name();
    for (const SlotSpec &spec : slotSpecs) {
      Node *leaf = newState(prefix + "." + std::string(spec.name),
                            trained[i]->type(), spec.init);
      slots[i].push_back({spec.name, leaf});
    }
    if (micro_)
      gradSums[i] = newState(prefix + "." + std::string(kGradSumSlot),
                             trained[i]->type(), InitSpec{InitKind::Zeros});
  }
  if (diags_.hasErrors())
    return nullptr;
  for (Node *n : forward_)
    if (!isInterfaceLeaf(n))
      copy(n);

  Node *loss = mapped(min_.loss);
  step_->results() = {loss};
  step_->setResultsLoc(min_.loc);
  for (const Update &u : forward_.updates())
    step_->updates().push_back({mapped(u.target), mapped(u.value)});

  // The training forms of mode-dependent ops (dropout), before the
  // gradients, so the backward pass differentiates what the step computes.
  ModeInputs modeInputs{[this] { return maskCounter(); },
                        [this] { return dropoutSeed(); }};
  specializeForMode(*step_, Mode::Train, modeInputs);
  if (diags_.hasErrors())
    return nullptr;

  // The schedule after the specialisation, whose pruning would drop its
  // nodes (nothing reads them until the update rules run).
  if (const auto &schedule = min_.schedule) {
    std::string_view momentum;
    if (cyclesMomentum(*schedule)) {
      Expected<std::string_view> name =
          cycledMomentumName(min_.optimizer, min_.settings);
      if (!name) {
        diags_.error(schedule->loc, name.message());
        return nullptr;
      }
      momentum = *name;
    }
    // Built with the hyperparameters' own math (lr is not yet overridden
    // there: the schedule reads baseHparam), then every dtype's math,
    // this one included, reads the scheduled values as its lr.
    UpdateMath &m = mathFor(hparamDType_);
    ScheduledHparams values = buildLrSchedule(*schedule, m, momentum);
    nameIfFree(values.lr, "lr.scheduled");
    if (values.momentum)
      nameIfFree(values.momentum,
                 std::string(values.momentumName) + ".scheduled");
    scheduled_ = values;
    // Every math made so far (dropout's mask counter may have made one)
    // reads the scheduled values too; mathFor gives them to later ones.
    for (auto &[dtype, math] : math_) {
      math.overrideHparam("lr", values.lr);
      if (values.momentum)
        math.overrideHparam(values.momentumName, values.momentum);
    }
    // one_cycle with its own max_lr ignores the rule's lr, and a cycled
    // momentum the rule's own, as PyTorch does; both stay hyperparameters
    // of the step all the same.
    hparamLeaf("lr");
    if (values.momentum)
      hparamLeaf(values.momentumName);
  }

  std::vector<Node *> params;
  for (Node *p : trained)
    params.push_back(mapped(p));
  size_t errorsBefore = diags_.errorCount();
  Expected<std::vector<Node *>> grads =
      autodiff::appendGradients(*step_, loss, params, diags_);
  if (!grads) {
    if (diags_.errorCount() == errorsBefore)
      diags_.error(min_.loc, grads.message());
    return nullptr;
  }

  for (size_t i = 0; i < params.size(); ++i)
    nameIfFree((*grads)[i], params[i]->name() + ".grad");
  std::vector<Node *> clipped = *grads;
  std::optional<GradAccumulation> accumulation;
  if (micro_) {
    accumulation.emplace(mathFor(DType::F32), micro_, min_.accumulate);
    for (size_t i = 0; i < params.size(); ++i) {
      UpdateMath &m = mathFor(params[i]->dtype());
      clipped[i] = accumulation->meanGradient(m, gradSums[i], (*grads)[i]);
      nameIfFree(clipped[i], params[i]->name() + ".grad.mean");
    }
  }
  // Only the update step's values are kept when accumulating.
  auto onUpdate = [&](Node *next, Node *current) {
    return accumulation ? accumulation->onUpdate(mathFor(current->dtype()),
                                                 next, current)
                        : next;
  };
  if (min_.clip) {
    clipped =
        clipGradients(*min_.clip, clipped, mathFor(hparamDType_),
                      [this](DType d) -> UpdateMath & { return mathFor(d); });
    for (size_t i = 0; i < params.size(); ++i)
      nameIfFree(clipped[i], params[i]->name() + ".grad.clipped");
  }

  for (size_t i = 0; i < params.size(); ++i) {
    Node *p = params[i];
    Node *grad = clipped[i];
    ParamUpdate u(mathFor(p->dtype()), min_.settings, p, grad, slots[i]);
    Node *next = buildParamUpdate(min_.optimizer, u);
    nameIfFree(next, p->name() + ".next");
    step_->updates().push_back({p, onUpdate(next, p)});
    // Slot updates in the order the slots are declared, whatever order the
    // rule computed them in.
    VOSKHOD_CHECK(u.nextSlots().size() == slots[i].size())
        << "update rule left a slot without a next value";
    for (const auto &[slotName, leaf] : slots[i]) {
      Node *value = nullptr;
      for (const auto &[setName, next] : u.nextSlots())
        if (setName == slotName)
          value = next;
      VOSKHOD_CHECK(value) << "update rule left a slot without a next value";
      nameIfFree(value, leaf->name() + ".next");
      step_->updates().push_back({leaf, onUpdate(value, leaf)});
    }
    if (accumulation) {
      UpdateMath &m = mathFor(p->dtype());
      Node *sumNext = accumulation->sumNext(m, gradSums[i], (*grads)[i]);
      nameIfFree(sumNext, gradSums[i]->name() + ".next");
      step_->updates().push_back({gradSums[i], sumNext});
    }
  }
  for (const Hparam &h : hparams_)
    VOSKHOD_CHECK(h.used) << "hyperparameter '" << h.name
                          << "' is declared but no update rule reads it";
  nameIfFree(counterNext(), std::string(kStepCounterName) + ".next");
  step_->updates().push_back({counter_, onUpdate(counterNext(), counter_)});
  if (accumulation) {
    Node *microNext = accumulation->microNext();
    nameIfFree(microNext, std::string(kMicroStepName) + ".next");
    step_->updates().push_back({micro_, microNext});
  }

  step_->sortAndPrune();
  if (!verify(*step_, diags_))
    return nullptr;
  return std::move(step_);
}

} // namespace

std::unique_ptr<Graph> buildTrainStep(const Graph &forward,
                                      DiagnosticEngine &diags) {
  if (!forward.minimize()) {
    diags.error(forward.resultsLoc(),
                "graph @" + forward.name() +
                    " has no 'minimize' clause: there is nothing to train");
    return nullptr;
  }
  return StepBuilder(forward, diags).build();
}

} // namespace voskhod::training
