//===- frontend/nn/Sequential.h - layers applied one after another --------===//
///
///     nn::Sequential model(nn::Linear(g, 3, 10), nn::ReLU(),
///                          nn::Linear(g, 10, 3));
///     Tensor logits = model(x);
///
/// Layers are moved in and registered under their position, as PyTorch
/// names them: the parameters above are `0.weight`, `0.bias`, `2.weight`,
/// `2.bias`. `trace` returns every layer's output, for naming or inspecting
/// intermediate values.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/nn/Module.h"

#include <concepts>
#include <memory>
#include <type_traits>
#include <vector>

namespace voskhod::nn {

class Sequential : public Module {
public:
  Sequential() = default;
  template <typename... Layers>
  requires(sizeof...(Layers) > 0 &&
           (std::derived_from<std::remove_cvref_t<Layers>, Module> && ...) &&
           !(sizeof...(Layers) == 1 &&
             (std::same_as<std::remove_cvref_t<Layers>, Sequential> &&
              ...))) explicit Sequential(Layers &&...layers) {
    // Registration problems are reported at each layer's construction.
    (add(std::forward<Layers>(layers), CallSite::at({})), ...);
  }

  /// Appends `layer` (moved in) and returns it where it now lives.
  template <typename Layer>
  requires std::derived_from<Layer, Module> &&
      (!std::is_lvalue_reference_v<Layer>)Layer &add(Layer &&layer,
                                                     CallSite site = {}) {
    auto owned = std::make_unique<Layer>(std::move(layer));
    Layer &ref = *owned;
    append(std::move(owned), site);
    return ref;
  }

  Tensor forward(const Tensor &x) override;
  /// The output of every layer in order; the last is forward's result.
  std::vector<Tensor> trace(const Tensor &x, CallSite site = {});

  size_t size() const { return layers_.size(); }
  Module &operator[](size_t i) { return *layers_[i]; }
  const Module &operator[](size_t i) const { return *layers_[i]; }

private:
  void append(std::unique_ptr<Module> layer, const CallSite &site);

  std::vector<std::unique_ptr<Module>> layers_;
};

} // namespace voskhod::nn
