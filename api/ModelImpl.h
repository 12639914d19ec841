//===- api/ModelImpl.h - what a Model holds -------------------------------===//
///
/// Shared by compile() (which fills it) and Model's methods (which check
/// their arguments against it). Not installed.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <voskhod/Model.h>

#include "compiler/ir/Graph.h"
#include "runtime/Executable.h"

#include <memory>
#include <string>
#include <vector>

namespace voskhod {

struct Model::Impl {
  std::string name;
  Target target = Target::Cpu;
  /// The graph as built (with its loss), for the Trainer's signature.
  std::unique_ptr<ir::Graph> graph;
  /// The graphs the interpreter target evaluates (null on the compiled
  /// targets); declared before `exe`, which points into them, so they
  /// outlive it.
  std::unique_ptr<ir::Graph> step, forward;
  std::unique_ptr<rt::Executable> exe;
  /// Inputs each entry reads, by name.
  std::vector<std::string> stepInputs, forwardInputs;
  bool initialized = false;
};

} // namespace voskhod
