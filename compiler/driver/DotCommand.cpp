//===- compiler/driver/DotCommand.cpp - `voskhod dot` ---------------------===//
#include "compiler/driver/Commands.h"
#include "compiler/driver/GraphLoading.h"
#include "compiler/driver/Pipeline.h"
#include "compiler/text/DotPrinter.h"

#include <CLI/CLI.hpp>

namespace voskhod::driver {

void registerDotCommand(CLI::App &app) {
  struct Options {
    std::string input, output = "-";
    PipelineFlags pipeline;
  };
  auto opts = std::make_shared<Options>();
  CLI::App *cmd =
      app.add_subcommand("dot", "Print a Graphviz picture of a graph");
  cmd->add_option("file", opts->input, "Input .vg file ('-' for stdin)")
      ->required();
  cmd->add_option("-o", opts->output, "Output file (default: stdout)");
  addPipelineFlags(*cmd, opts->pipeline);
  cmd->callback([opts] {
    ir::DiagnosticEngine diags;
    std::unique_ptr<ir::Graph> g = loadGraph(opts->input, diags);
    if (g)
      g = runPipeline(std::move(g), opts->pipeline, diags);
    if (g)
      writeOutput(opts->output, ir::printDot(*g), diags);
    exitStatus = flushDiagnostics(diags);
  });
}

} // namespace voskhod::driver
