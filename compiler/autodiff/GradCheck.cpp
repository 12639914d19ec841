//===- compiler/autodiff/GradCheck.cpp - gradients against finite differences //
#include "compiler/autodiff/GradCheck.h"

#include "compiler/autodiff/Autodiff.h"

#include <algorithm>
#include <cmath>

namespace voskhod::autodiff {

using namespace ir;

double relativeError(double a, double b) {
  return std::abs(a - b) / std::max(std::abs(a) + std::abs(b), kRelErrorFloor);
}

namespace {

Expected<double> evaluateLoss(const Graph &g, const LeafValues &values) {
  VOSKHOD_ASSIGN_OR_RETURN(Evaluation eval, evaluate(g, values));
  return eval.value(g.minimize()->loss).data.at(0);
}

} // namespace

Expected<std::vector<ParamGradError>>
checkGradients(const Graph &g, const LeafValues &values, double epsilon) {
  if (!g.minimize())
    return makeError("graph @" + g.name() +
                     " has no 'minimize': there is no loss to check");

  // The symbolic gradients, built on a copy so `g` stays as it was.
  std::unordered_map<const Node *, Node *> mapping;
  std::unique_ptr<Graph> copy = g.clone(&mapping);
  LeafValues copyValues;
  for (Node *n : g)
    if (auto it = values.find(n); it != values.end())
      copyValues[mapping.at(n)] = it->second;
  DiagnosticEngine diags;
  std::vector<Node *> params = copy->params();
  auto grads = appendGradients(*copy, copy->minimize()->loss, params, diags);
  VOSKHOD_RETURN_IF_ERROR(grads);
  Expected<Evaluation> symbolic = evaluate(*copy, copyValues);
  VOSKHOD_RETURN_IF_ERROR(symbolic);

  std::vector<ParamGradError> errors;
  LeafValues probe = values;
  std::vector<Node *> originals = g.params();
  for (size_t p = 0; p < originals.size(); ++p) {
    const HostTensor &grad = symbolic->value((*grads)[p]);
    auto it = probe.find(originals[p]);
    if (it == probe.end())
      return makeError("no value for param " + originals[p]->name());
    std::vector<double> &x = it->second.data;
    ParamGradError error{originals[p]->name()};
    for (size_t e = 0; e < x.size(); ++e) {
      double saved = x[e];
      x[e] = saved + epsilon;
      Expected<double> up = evaluateLoss(g, probe);
      x[e] = saved - epsilon;
      Expected<double> down = evaluateLoss(g, probe);
      x[e] = saved;
      VOSKHOD_RETURN_IF_ERROR(up);
      VOSKHOD_RETURN_IF_ERROR(down);
      double numeric = (*up - *down) / (2 * epsilon);
      double symbolicValue = grad.data.at(e);
      error.maxAbsError =
          std::max(error.maxAbsError, std::abs(numeric - symbolicValue));
      error.maxRelError =
          std::max(error.maxRelError, relativeError(numeric, symbolicValue));
    }
    errors.push_back(std::move(error));
  }
  return errors;
}

} // namespace voskhod::autodiff
