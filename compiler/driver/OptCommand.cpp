//===- compiler/driver/OptCommand.cpp - `voskhod opt` ---------------------===//
///
/// Parses a graph, runs the requested transformations in a fixed order
/// (autodiff, training step, simplification) and prints the result as `.vg`
/// text. Every stage's output is an ordinary graph, so every stage can be
/// inspected and tested with FileCheck.
///
//===----------------------------------------------------------------------===//
#include "compiler/driver/Commands.h"
#include "compiler/driver/GraphLoading.h"
#include "compiler/driver/Pipeline.h"
#include "compiler/text/Printer.h"

#include <CLI/CLI.hpp>

namespace voskhod::driver {
namespace {
struct OptOptions {
  std::string input;
  std::string output = "-";
  PipelineFlags pipeline;
};
} // namespace

void registerOptCommand(CLI::App &app) {
  auto opts = std::make_shared<OptOptions>();
  CLI::App *cmd =
      app.add_subcommand("opt", "Parse, verify, transform and print a graph");
  cmd->add_option("file", opts->input, "Input .vg file ('-' for stdin)")
      ->required();
  cmd->add_option("-o", opts->output, "Output file (default: stdout)");
  addPipelineFlags(*cmd, opts->pipeline);
  cmd->callback([opts] {
    ir::DiagnosticEngine diags;
    std::unique_ptr<ir::Graph> g = loadGraph(opts->input, diags);
    if (!g) {
      exitStatus = flushDiagnostics(diags);
      return;
    }
    g = runPipeline(std::move(g), opts->pipeline, diags);
    if (!g) {
      exitStatus = flushDiagnostics(diags);
      return;
    }
    writeOutput(opts->output, ir::printGraph(*g), diags);
    exitStatus = flushDiagnostics(diags);
  });
}

} // namespace voskhod::driver
