//===- frontend/nn/Module.h - layers with named parameters ----------------===//
///
/// The base of every layer, as PyTorch's nn.Module: a module registers its
/// parameters and its submodules under local names, and `parameters()` lists
/// them all, in registration order, with hierarchical names (`fc1.weight`).
/// The IR nodes carry those same names, so a graph built from modules prints
/// and checkpoints with them.
///
///     class Net : public nn::Module {
///     public:
///       explicit Net(Graph &g) : fc1(g, 4, 16), fc2(g, 16, 3) {
///         registerModule("fc1", fc1);
///         registerModule("fc2", fc2);
///       }
///       Tensor forward(const Tensor &x) override { return fc2(fc1(x).relu());
///       } nn::Linear fc1, fc2;
///     };
///
/// A parameter is created in the graph under its local name (made unique
/// with a `_N` suffix while its module stands alone); registering the module
/// in a parent renames it to `parent.local`, and so on up. Built-in layers
/// create theirs lazily, in `createParameters`, when they are registered or
/// first used: so `Sequential(Linear(...), Linear(...))` creates them in
/// layer order, whatever order C++ evaluates the constructor's arguments in.
/// Custom modules may do the same; those that register parameters in their
/// constructor get them in construction order.
///
/// The parent copies the child's parameter list when it registers it, so a
/// module keeps no pointers to its children and moves freely; parameters a
/// child registers after that are not seen by the parent. Calling a module,
/// `m(x)`, runs `forward` with the caller's line as the location of what the
/// library's own layers build.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/Graph.h"
#include "frontend/Tensor.h"

#include <string>
#include <string_view>
#include <vector>

namespace voskhod::nn {

struct NamedParameter {
  std::string name; // relative to the module that lists it
  Tensor tensor;
};

class Module {
public:
  Module() = default;
  virtual ~Module() = default;
  Module(const Module &) = delete;
  Module &operator=(const Module &) = delete;
  Module(Module &&) = default;
  Module &operator=(Module &&) = default;

  /// Runs forward(x); nodes the library builds inside point at this call.
  Tensor operator()(const Tensor &x, CallSite site = {});
  /// The layer's computation. A module without a single-input forward
  /// records an error when called.
  virtual Tensor forward(const Tensor &x);

  /// This module's parameters and its submodules', in registration order
  /// (creating them if they are not yet).
  std::vector<Tensor> parameters();
  const std::vector<NamedParameter> &namedParameters();
  /// The parameter registered as `name` ("weight", "fc1.bias"); an invalid
  /// Tensor when there is none.
  Tensor parameter(std::string_view name);

protected:
  /// Where a module that creates its parameters lazily does so; called once,
  /// at its registration in a parent or its first use, whichever is first.
  virtual void createParameters() {}
  void ensureParameters();

  /// Creates a parameter in `g` and registers it as `name`.
  Tensor registerParameter(Graph &g, const std::string &name,
                           ir::TensorType type, InitSpec init,
                           CallSite site = {});
  /// Adopts `child`'s parameters as `name.<theirs>`, renaming their nodes.
  void registerModule(const std::string &name, Module &child,
                      CallSite site = {});
  /// The site of the `m(x)` call running forward; unknown when forward is
  /// called directly.
  const CallSite &callSite() const { return site_; }

private:
  std::vector<NamedParameter> params_;
  CallSite site_ = CallSite::at({});
  bool parametersCreated_ = false;
};

} // namespace voskhod::nn
