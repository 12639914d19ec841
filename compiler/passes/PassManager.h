//===- compiler/passes/PassManager.h - run passes to a fixed point --------===//
///
/// Runs an explicitly listed sequence of passes, repeating the whole list
/// until one round changes nothing or `maxRounds` rounds have run. With
/// `verifyEach` the verifier checks the graph after every pass and the first
/// invalid graph stops the run, naming the pass (a bug in that pass, never a
/// user error). With `printAfter` set to a pass name, or "all", the graph is
/// printed to `printStream` after each run of that pass, under a `//` header
/// line so the output still parses as `.vg`.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Diagnostics.h"
#include "compiler/passes/Pass.h"

#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace voskhod::passes {

struct PassManagerOptions {
  bool verifyEach = true;
  std::string printAfter;
  std::ostream *printStream = nullptr;
  int maxRounds = 10;
};

class PassManager {
public:
  explicit PassManager(PassManagerOptions options = {})
      : options_(std::move(options)) {}

  void add(std::unique_ptr<Pass> pass) { passes_.push_back(std::move(pass)); }
  std::vector<std::string> passNames() const;

  /// False when the verifier rejected a pass's output.
  bool run(ir::Graph &g, ir::DiagnosticEngine &diags);
  /// Rounds the last run took (the last one changed nothing, unless the
  /// cap was hit).
  int rounds() const { return rounds_; }

private:
  PassManagerOptions options_;
  std::vector<std::unique_ptr<Pass>> passes_;
  int rounds_ = 0;
};

} // namespace voskhod::passes
