//===- compiler/kernel/ModelProgram.cpp - a model lowered once ------------===//
#include "compiler/kernel/ModelProgram.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

namespace voskhod::kernel {

namespace {

/// Inputs, params and states keep their kind; everything else a program
/// hands back is an output.
BufferKind roleOf(BufferKind kind) {
  switch (kind) {
  case BufferKind::Input:
  case BufferKind::Param:
  case BufferKind::State:
    return kind;
  default:
    return BufferKind::Output;
  }
}

/// Which buffers of `p` some kernel reads, directly or through a reshape view
/// (not through a temporary that reuses its storage): one pass over the
/// kernels, so a deep model's many params cost no scan each.
std::vector<bool> buffersRead(const KernelProgram &p) {
  std::vector<bool> read(p.buffers.size(), false);
  for (const Kernel &kernel : p.kernels)
    for (int b : kernel.reads) {
      while (p.buffers[size_t(b)].isView && p.buffers[size_t(b)].aliasOf >= 0)
        b = p.buffers[size_t(b)].aliasOf;
      read[size_t(b)] = true;
    }
  return read;
}

/// Adds `program`'s external buffers to `model.tensors` (by name; a tensor
/// the other entry already added must agree in type and role) and records
/// each one's position there.
Expected<ModelEntry> addEntry(ModelProgram &model, KernelProgram program,
                              bool isStep) {
  std::unordered_map<std::string, int> byName;
  for (size_t i = 0; i < model.tensors.size(); ++i)
    byName.emplace(model.tensors[i].name, int(i));
  ModelEntry entry;
  std::vector<bool> read = buffersRead(program);
  for (size_t k = 0; k < program.external.size(); ++k) {
    const Buffer &b = program.buffers[program.external[k]];
    ModelTensor info;
    info.name = b.name;
    info.type = b.type;
    info.role = roleOf(b.kind);
    info.init = b.init;
    auto [slot, added] = byName.try_emplace(b.name, int(model.tensors.size()));
    if (added) {
      model.tensors.push_back(info);
    } else {
      const ModelTensor &known = model.tensors[slot->second];
      if (known.type != info.type || known.role != info.role)
        return makeError("tensor '" + b.name +
                         "' differs between the step and the forward graph");
    }
    ModelTensor &t = model.tensors[slot->second];
    if (info.role == BufferKind::Output)
      (isStep ? t.stepOutput : t.forwardOutput) = true;
    entry.table.push_back(slot->second);
    entry.reads.push_back(read[size_t(program.external[k])]);
  }
  model.arenaBytes = std::max(model.arenaBytes, program.memory.arenaBytes);
  entry.program = std::move(program);
  return entry;
}

/// The model's name: the forward graph's, else the step's without the
/// ".step" that training::buildTrainStep appends.
std::string modelName(const ir::Graph *step, const ir::Graph *forward) {
  if (forward)
    return forward->name();
  std::string name = step->name();
  if (name.size() > 5 && name.compare(name.size() - 5, 5, ".step") == 0)
    name.resize(name.size() - 5);
  return name;
}

} // namespace

Expected<ModelProgram> lowerModel(const ir::Graph *step,
                                  const ir::Graph *forward,
                                  const LowerOptions &options) {
  if (!step && !forward)
    return makeError("nothing to compile: neither a step nor a forward graph");
  ModelProgram model;
  model.name = modelName(step, forward);
  // The one place that decides it: a forward graph without results computes
  // nothing, so no backend gives it an entry.
  if (forward && forward->results().empty()) {
    if (!step)
      return makeError("nothing to compile: the forward graph has no results");
    forward = nullptr;
  }
  if (step) {
    // The step's unnamed results (a graph built in C++ may leave its loss
    // unnamed) must not take the forward entry's names: `result0` would be
    // the loss in one entry and the logits in the other.
    LowerOptions stepOptions = options;
    stepOptions.resultPrefix = "step." + options.resultPrefix;
    auto p = lowerToKernels(*step, stepOptions);
    VOSKHOD_RETURN_IF_ERROR(p);
    auto entry = addEntry(model, p.take(), true);
    VOSKHOD_RETURN_IF_ERROR(entry);
    model.step = entry.take();
    for (int i : model.step->table)
      if (model.tensors[size_t(i)].role == BufferKind::Output) {
        model.lossIndex = i;
        break;
      }
  }
  if (forward) {
    auto p = lowerToKernels(*forward, options);
    VOSKHOD_RETURN_IF_ERROR(p);
    auto entry = addEntry(model, p.take(), false);
    VOSKHOD_RETURN_IF_ERROR(entry);
    model.forward = entry.take();
  }
  return model;
}

} // namespace voskhod::kernel
