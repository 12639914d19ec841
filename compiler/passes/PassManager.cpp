//===- compiler/passes/PassManager.cpp - run passes to a fixed point ------===//
#include "compiler/passes/PassManager.h"

#include "compiler/ir/Verifier.h"
#include "compiler/text/Printer.h"
#include "support/InternalCheck.h"

namespace voskhod::passes {

std::vector<std::string> PassManager::passNames() const {
  std::vector<std::string> names;
  for (const auto &p : passes_)
    names.emplace_back(p->name());
  return names;
}

bool PassManager::run(ir::Graph &g, ir::DiagnosticEngine &diags) {
  rounds_ = 0;
  for (int round = 1; round <= options_.maxRounds; ++round) {
    rounds_ = round;
    bool changed = false;
    for (const auto &pass : passes_) {
      InternalContext ctx(pass->name());
      changed |= pass->run(g);
      if (options_.verifyEach && !ir::verify(g, diags)) {
        diags.error({}, "internal error: pass '" + std::string(pass->name()) +
                            "' produced an invalid graph");
        return false;
      }
      if (options_.printStream && (options_.printAfter == "all" ||
                                   options_.printAfter == pass->name())) {
        *options_.printStream << "// ----- after " << pass->name() << " (round "
                              << round << ") -----\n";
        ir::printGraph(g, *options_.printStream);
      }
    }
    if (!changed)
      break;
  }
  return true;
}

} // namespace voskhod::passes
