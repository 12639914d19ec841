//===- api/InterpreterExecutable.cpp - a model run by the interpreter -----===//
#include "api/InterpreterExecutable.h"

#include "compiler/interpreter/Interpreter.h"

#include <cstring>

namespace voskhod {
namespace {

rt::ElementType elementTypeOf(ir::DType dtype) {
  switch (dtype) {
  case ir::DType::F32:
    return rt::ElementType::F32;
  case ir::DType::F64:
    return rt::ElementType::F64;
  case ir::DType::I32:
    return rt::ElementType::I32;
  case ir::DType::I1:
    return rt::ElementType::I1;
  }
  return rt::ElementType::F32;
}

rt::TensorInfo infoOf(const ir::Node &n, rt::TensorRole role) {
  rt::TensorInfo t;
  t.name = n.name();
  t.type = elementTypeOf(n.dtype());
  t.shape = n.shape();
  t.role = role;
  t.init = n.init();
  return t;
}

} // namespace

std::string resultName(const ir::Graph &forward, const ir::Node &result) {
  if (!result.name().empty())
    return result.name();
  for (size_t i = 0; i < forward.results().size(); ++i)
    if (forward.results()[i] == &result)
      return "result" + std::to_string(i);
  return "result";
}

namespace {

/// Every leaf of both graphs once by name, then the step's loss and the
/// forward results, as the compiled backends order their tables.
std::vector<rt::TensorInfo> tableOf(const ir::Graph *step,
                                    const ir::Graph *forward) {
  std::vector<rt::TensorInfo> table;
  auto add = [&](const ir::Node &n, rt::TensorRole role) {
    for (const rt::TensorInfo &t : table)
      if (t.name == n.name())
        return;
    table.push_back(infoOf(n, role));
  };
  for (const ir::Graph *g : {step, forward}) {
    if (!g)
      continue;
    for (const ir::Node *n : g->inputs())
      add(*n, rt::TensorRole::Input);
    for (const ir::Node *n : g->params())
      add(*n, rt::TensorRole::Param);
    for (const ir::Node *n : g->states())
      add(*n, rt::TensorRole::State);
  }
  if (step) {
    rt::TensorInfo loss =
        infoOf(*step->results().front(), rt::TensorRole::Output);
    loss.name = "step/loss";
    loss.stepOutput = true;
    table.push_back(loss);
  }
  if (forward)
    for (const ir::Node *n : forward->results()) {
      rt::TensorInfo out = infoOf(*n, rt::TensorRole::Output);
      out.name = resultName(*forward, *n);
      out.forwardOutput = true;
      table.push_back(out);
    }
  return table;
}

} // namespace

std::unique_ptr<InterpreterExecutable>
InterpreterExecutable::create(const ir::Graph *step, const ir::Graph *forward) {
  return std::unique_ptr<InterpreterExecutable>(
      new InterpreterExecutable(tableOf(step, forward), step, forward));
}

InterpreterExecutable::InterpreterExecutable(
    std::vector<rt::TensorInfo> tensors, const ir::Graph *step,
    const ir::Graph *forward)
    : rt::Executable(std::move(tensors), step != nullptr, forward != nullptr),
      step_(step), forward_(forward) {}

ir::LeafValues InterpreterExecutable::leafValues(const ir::Graph &g) {
  ir::LeafValues leaves;
  for (const ir::Node *n : g) {
    if (!n->is(ir::OpKind::Input) && !n->is(ir::OpKind::Param) &&
        !n->is(ir::OpKind::State))
      continue;
    const rt::TensorInfo &t = tensors()[size_t(find(n->name()))];
    const void *data = this->data(n->name());
    std::vector<double> values(size_t(t.numElements()));
    for (size_t i = 0; i < values.size(); ++i)
      switch (t.type) {
      case rt::ElementType::F32:
        values[i] = static_cast<const float *>(data)[i];
        break;
      case rt::ElementType::F64:
        values[i] = static_cast<const double *>(data)[i];
        break;
      case rt::ElementType::I32:
        values[i] = static_cast<const int32_t *>(data)[i];
        break;
      case rt::ElementType::I1:
        values[i] = static_cast<const uint8_t *>(data)[i] != 0;
        break;
      }
    leaves.emplace(n, ir::HostTensor(n->type(), std::move(values)));
  }
  return leaves;
}

void InterpreterExecutable::store(const std::string &name,
                                  const ir::HostTensor &value) {
  const rt::TensorInfo &t = tensors()[size_t(find(name))];
  void *data = this->data(name);
  for (size_t i = 0; i < value.data.size(); ++i) {
    double v = value.data[i];
    switch (t.type) {
    case rt::ElementType::F32:
      static_cast<float *>(data)[i] = float(v);
      break;
    case rt::ElementType::F64:
      static_cast<double *>(data)[i] = v;
      break;
    case rt::ElementType::I32:
      static_cast<int32_t *>(data)[i] = int32_t(v);
      break;
    case rt::ElementType::I1:
      static_cast<uint8_t *>(data)[i] = v != 0;
      break;
    }
  }
}

Status InterpreterExecutable::step() {
  if (!step_)
    return makeError("this model has no training step");
  ir::LeafValues leaves = leafValues(*step_);
  VOSKHOD_ASSIGN_OR_RETURN(ir::Evaluation eval, ir::evaluate(*step_, leaves));
  store("step/loss", eval.value(step_->results().front()));
  for (const auto &[leaf, value] : ir::nextLeafValues(*step_, eval, leaves))
    if (!leaf->is(ir::OpKind::Input))
      store(leaf->name(), value);
  return Status::ok();
}

Status InterpreterExecutable::forward() {
  if (!forward_)
    return makeError("this model has no forward pass");
  VOSKHOD_ASSIGN_OR_RETURN(ir::Evaluation eval,
                           ir::evaluate(*forward_, leafValues(*forward_)));
  for (const ir::Node *n : forward_->results())
    store(resultName(*forward_, *n), eval.value(n));
  return Status::ok();
}

} // namespace voskhod
