//===- compiler/driver/CheckGradCommand.cpp - `voskhod check-grad` --------===//
///
/// Compares every param's symbolic gradient with central finite differences
/// of the loss, in float64, on random inputs and initial values from --seed.
/// Prints the worst relative error per param and exits 1 when any exceeds
/// the tolerance.
///
//===----------------------------------------------------------------------===//
#include "compiler/autodiff/GradCheck.h"
#include "compiler/driver/Commands.h"
#include "compiler/driver/FlagChecks.h"
#include "compiler/driver/GraphLoading.h"
#include "compiler/training/Initialize.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

namespace voskhod::driver {

void registerCheckGradCommand(CLI::App &app) {
  struct Options {
    std::string input;
    uint64_t seed = 0;
    double tolerance = 1e-6;
    double epsilon = 1e-6;
  };
  auto opts = std::make_shared<Options>();
  CLI::App *cmd = app.add_subcommand(
      "check-grad", "Check symbolic gradients against finite differences");
  cmd->add_option("file", opts->input, "Input .vg file ('-' for stdin)")
      ->required();
  cmd->add_option("--seed", opts->seed, "Seed for params and inputs")
      ->check(wholeNumber(0, UINT64_MAX));
  cmd->add_option("--tolerance", opts->tolerance,
                  "Largest accepted relative error")
      ->check(positiveNumber());
  cmd->add_option("--epsilon", opts->epsilon, "Finite-difference step")
      ->check(positiveNumber());
  cmd->callback([opts] {
    ir::DiagnosticEngine diags;
    std::unique_ptr<ir::Graph> g = loadGraph(opts->input, diags);
    if (!g) {
      exitStatus = flushDiagnostics(diags);
      return;
    }
    ir::SourceLoc where{ir::internFileName(opts->input)};
    if (!g->minimize()) {
      diags.error(where, "check-grad needs a 'minimize' statement");
      exitStatus = flushDiagnostics(diags);
      return;
    }
    ir::LeafValues values = training::initialLeafValues(*g, opts->seed);
    auto report = autodiff::checkGradients(*g, values, opts->epsilon);
    if (!report) {
      diags.error(where, report.message());
      exitStatus = flushDiagnostics(diags);
      return;
    }
    bool ok = true;
    for (const auto &p : *report) {
      char line[256];
      bool pass = p.maxRelError <= opts->tolerance;
      ok &= pass;
      std::snprintf(
          line, sizeof line, "%s: max relative error %.3e (abs %.3e) %s\n",
          p.param.c_str(), p.maxRelError, p.maxAbsError, pass ? "ok" : "FAIL");
      std::cout << line;
    }
    if (!ok) {
      char msg[128];
      std::snprintf(msg, sizeof msg,
                    "gradients differ from finite differences by more than "
                    "%.1e",
                    opts->tolerance);
      diags.error(where, msg);
    }
    exitStatus = flushDiagnostics(diags);
  });
}

} // namespace voskhod::driver
