//===- frontend/nn/Module.cpp - parameter registration and naming ---------===//
#include "frontend/nn/Module.h"

#include "frontend/GraphState.h"

namespace voskhod::nn {

void Module::ensureParameters() {
  if (parametersCreated_)
    return;
  parametersCreated_ = true;
  createParameters();
}

Tensor Module::operator()(const Tensor &x, CallSite site) {
  ensureParameters();
  CallSite outer = site_;
  site_ = site;
  Tensor y = forward(x);
  site_ = outer;
  return y;
}

Tensor Module::forward(const Tensor &x) {
  detail::fail(x, site_,
               "this module has no single-input forward(); override it or "
               "call the module's own entry point");
  return detail::TensorAccess::make(detail::TensorAccess::state(x), nullptr);
}

std::vector<Tensor> Module::parameters() {
  ensureParameters();
  std::vector<Tensor> out;
  out.reserve(params_.size());
  for (const NamedParameter &p : params_)
    out.push_back(p.tensor);
  return out;
}

const std::vector<NamedParameter> &Module::namedParameters() {
  ensureParameters();
  return params_;
}

Tensor Module::parameter(std::string_view name) {
  ensureParameters();
  for (const NamedParameter &p : params_)
    if (p.name == name)
      return p.tensor;
  return Tensor();
}

Tensor Module::registerParameter(Graph &g, const std::string &name,
                                 ir::TensorType type, InitSpec init,
                                 CallSite site) {
  // A standalone module's parameters go by their local names; a clash (two
  // unregistered Linears) is settled with a suffix until a parent renames.
  std::string unique = name;
  for (int n = 1; g.irGraph().findByName(unique); ++n)
    unique = name + "_" + std::to_string(n);
  Tensor t = g.param(unique, std::move(type), init, site);
  params_.push_back({name, t});
  return t;
}

void Module::registerModule(const std::string &name, Module &child,
                            CallSite site) {
  child.ensureParameters();
  if (name.empty() && !child.params_.empty()) {
    detail::fail(child.params_[0].tensor, site,
                 "a submodule needs a non-empty name");
    return;
  }
  for (const NamedParameter &p : child.params_) {
    std::string full = name + "." + p.name;
    p.tensor.named(full,
                   site.loc().known()
                       ? site
                       : CallSite::at(p.tensor.node() ? p.tensor.node()->loc()
                                                      : ir::SourceLoc()));
    params_.push_back({full, p.tensor});
  }
}

} // namespace voskhod::nn
