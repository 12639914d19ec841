//===- frontend/Graph.cpp - leaves, minimize, returns and build -----------===//
#include "frontend/Graph.h"

#include "compiler/ir/Builder.h"
#include "compiler/ir/Verifier.h"
#include "frontend/GraphState.h"

namespace voskhod {

using detail::TensorAccess;

static bool isGraphName(const std::string &name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9') || name[0] == '.')
    return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_' || c == '.'))
      return false;
  return true;
}

Graph::Graph(std::string name, CallSite site)
    : state_(std::make_unique<detail::GraphState>(name)) {
  if (!isGraphName(name))
    state_->fail(site, "graph name '" + name +
                           "' must match [A-Za-z_][A-Za-z0-9_.]*");
}

Graph::~Graph() = default;

bool Graph::acceptName(const std::string &name, const CallSite &site) {
  if (state_->failed())
    return false;
  if (auto problem = detail::checkName(state_->graph, name)) {
    state_->fail(site, *problem);
    return false;
  }
  return true;
}

Tensor Graph::leaf(Expected<ir::Node *> node, const CallSite &site) {
  if (!node) {
    state_->fail(site, node.message());
    return TensorAccess::make(state_.get(), nullptr);
  }
  return TensorAccess::make(state_.get(), *node);
}

Tensor Graph::input(const std::string &name, ir::TensorType type,
                    CallSite site) {
  if (!acceptName(name, site))
    return TensorAccess::make(state_.get(), nullptr);
  return leaf(ir::buildInput(state_->graph, std::move(type), site.loc(), name),
              site);
}

Tensor Graph::param(const std::string &name, ir::TensorType type, InitSpec init,
                    CallSite site) {
  if (!acceptName(name, site))
    return TensorAccess::make(state_.get(), nullptr);
  return leaf(
      ir::buildParam(state_->graph, std::move(type), init, site.loc(), name),
      site);
}

Tensor Graph::state(const std::string &name, ir::TensorType type, InitSpec init,
                    CallSite site) {
  if (!acceptName(name, site))
    return TensorAccess::make(state_.get(), nullptr);
  return leaf(
      ir::buildState(state_->graph, std::move(type), init, site.loc(), name),
      site);
}

Tensor Graph::constant(ir::TensorType type, std::vector<double> values,
                       CallSite site) {
  if (state_->failed())
    return TensorAccess::make(state_.get(), nullptr);
  return leaf(ir::buildConst(state_->graph, std::move(type), std::move(values),
                             site.loc()),
              site);
}

Tensor Graph::scalar(double value, ir::DType dtype, CallSite site) {
  return constant(ir::TensorType{dtype, {}}, {value}, site);
}

/// Whether `t` is a valid tensor of `state`'s graph; records why not when it
/// is not and the graph has not failed yet.
static bool isOwnTensor(detail::GraphState &state, const Tensor &t,
                        const CallSite &site, const char *what) {
  if (state.failed())
    return false;
  if (TensorAccess::state(t) != &state) {
    state.fail(site, std::string(what) + (TensorAccess::state(t)
                                              ? " belongs to another graph"
                                              : " is an empty Tensor"));
    return false;
  }
  return t.valid();
}

void Graph::minimize(const Tensor &loss, const optim::Spec &optimizer,
                     CallSite site) {
  if (!isOwnTensor(*state_, loss, site, "the minimized value"))
    return;
  optim::IRSpec spec = optim::toIR(optimizer);
  if (Status s = ir::setMinimize(state_->graph, loss.node(), spec.kind,
                                 std::move(spec.settings), site.loc());
      !s)
    state_->fail(site, s.message());
}

void Graph::minimize(const Tensor &loss, const optim::Spec &optimizer,
                     const optim::Clip &clip, CallSite site) {
  minimize(loss, optimizer, site);
  if (state_->failed())
    return;
  ir::GradClip ir = optim::toIR(clip);
  ir.loc = site.loc();
  if (Status s = ir::setGradClip(state_->graph, ir); !s)
    state_->fail(site, s.message());
}

void Graph::accumulateGradients(int64_t steps, CallSite site) {
  if (state_->failed())
    return;
  if (Status s = ir::setGradAccumulation(state_->graph, steps, site.loc()); !s)
    state_->fail(site, s.message());
}

namespace {

/// Checks `schedule` and gives it to the graph's minimize clause.
void attachSchedule(detail::GraphState &state, const optim::Schedule &schedule,
                    const CallSite &site) {
  if (state.failed())
    return;
  ir::LrSchedule ir = optim::toIR(schedule);
  ir.loc = site.loc();
  if (Status s = ir::checkLrSchedule(ir); !s) {
    state.fail(site, s.message());
    return;
  }
  state.graph.minimize()->schedule = std::move(ir);
}

} // namespace

void Graph::minimize(const Tensor &loss, const optim::Spec &optimizer,
                     const optim::Schedule &schedule, CallSite site) {
  minimize(loss, optimizer, site);
  attachSchedule(*state_, schedule, site);
}

void Graph::minimize(const Tensor &loss, const optim::Spec &optimizer,
                     const optim::Schedule &schedule, const optim::Clip &clip,
                     CallSite site) {
  minimize(loss, optimizer, clip, site);
  attachSchedule(*state_, schedule, site);
}

void Graph::returns(const std::vector<Tensor> &results, CallSite site) {
  if (state_->failed())
    return;
  if (results.empty()) {
    state_->fail(site, "'returns' needs at least one value");
    return;
  }
  std::vector<ir::Node *> nodes;
  for (const Tensor &t : results) {
    if (!isOwnTensor(*state_, t, site, "a returned value"))
      return;
    nodes.push_back(t.node());
  }
  state_->graph.results() = std::move(nodes);
  state_->graph.setResultsLoc(site.loc());
}

static std::string render(const ir::Diagnostic &d) {
  ir::DiagnosticEngine engine;
  std::string text = engine.format(d);
  if (!text.empty() && text.back() == '\n')
    text.pop_back();
  return text;
}

Expected<std::unique_ptr<ir::Graph>> Graph::build(CallSite site) const {
  if (state_->error)
    return makeError(render(*state_->error));
  if (state_->graph.results().empty())
    return makeError(
        render({ir::Severity::Error, site.loc(),
                "graph @" + state_->graph.name() +
                    " returns nothing; call returns() before build()"}));
  std::unique_ptr<ir::Graph> graph = state_->graph.clone();
  ir::DiagnosticEngine diags;
  if (!ir::verify(*graph, diags)) {
    std::string text;
    for (const ir::Diagnostic &d : diags.diagnostics())
      text += (text.empty() ? "" : "\n") + render(d);
    return makeError(text);
  }
  return graph;
}

bool Graph::failed() const { return state_->failed(); }

const std::optional<ir::Diagnostic> &Graph::error() const {
  return state_->error;
}

const ir::Graph &Graph::irGraph() const { return state_->graph; }

} // namespace voskhod
