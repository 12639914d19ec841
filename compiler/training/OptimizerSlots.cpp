//===- compiler/training/OptimizerSlots.cpp - optimiser slots -------------===//
#include "compiler/training/OptimizerSlots.h"

namespace voskhod::training {
using ir::OptimizerKind;

std::vector<SlotSpec> optimizerSlots(OptimizerKind optimizer,
                                     const ir::Attrs &settings) {
  const InitSpec zeros{InitKind::Zeros};
  switch (optimizer) {
  case OptimizerKind::Sgd:
    if (settings.getFloat("momentum") != 0)
      return {{"momentum_buffer", zeros}};
    return {};
  case OptimizerKind::Adagrad: {
    double initial = settings.getFloat("initial_accumulator_value");
    if (initial == 0)
      return {{"sum", zeros}};
    return {{"sum", InitSpec{InitKind::Constant, initial}}};
  }
  case OptimizerKind::Rmsprop: {
    std::vector<SlotSpec> slots{{"square_avg", zeros}};
    if (settings.getFloat("momentum") > 0)
      slots.push_back({"momentum_buffer", zeros});
    if (settings.getBool("centered"))
      slots.push_back({"grad_avg", zeros});
    return slots;
  }
  case OptimizerKind::Adam:
  case OptimizerKind::AdamW: {
    std::vector<SlotSpec> slots{{"exp_avg", zeros}, {"exp_avg_sq", zeros}};
    if (settings.getBool("amsgrad"))
      slots.push_back({"max_exp_avg_sq", zeros});
    return slots;
  }
  }
  return {};
}

std::vector<std::string_view> optimizerHparams(OptimizerKind optimizer,
                                               const ir::Attrs &settings) {
  auto zero = [&](std::string_view name) {
    return settings.getFloat(name) == 0;
  };
  std::vector<std::string_view> names;
  for (const ir::OptimizerAttrSpec &spec : ir::optimizerAttrSpecs(optimizer)) {
    std::string_view name = spec.name;
    if (spec.isBool || name == "initial_accumulator_value")
      continue;
    bool termless = (name == "weight_decay" || name == "momentum" ||
                     name == "lr_decay" || name == "dampening") &&
                    zero(name);
    // Dampening scales the momentum buffer's input: no buffer, no term.
    if (name == "dampening" && zero("momentum"))
      termless = true;
    if (!termless)
      names.push_back(name);
  }
  return names;
}

} // namespace voskhod::training
