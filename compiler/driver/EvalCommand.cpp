//===- compiler/driver/EvalCommand.cpp - `voskhod eval` -------------------===//
///
/// Initialises params from their initialisers and inputs with random values,
/// both from --seed, evaluates the graph in the float64 reference
/// interpreter, and prints the returned values and the loss. The same seed
/// always prints the same text.
///
//===----------------------------------------------------------------------===//
#include "compiler/driver/Commands.h"
#include "compiler/driver/FlagChecks.h"
#include "compiler/driver/GraphLoading.h"
#include "compiler/interpreter/Interpreter.h"
#include "compiler/interpreter/TensorFormat.h"
#include "compiler/training/Initialize.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace voskhod::driver {

void registerEvalCommand(CLI::App &app) {
  struct Options {
    std::string input;
    uint64_t seed = 0;
    bool full = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App *cmd = app.add_subcommand(
      "eval", "Evaluate a graph in the reference interpreter on random inputs");
  cmd->add_option("file", opts->input, "Input .vg file ('-' for stdin)")
      ->required();
  cmd->add_option("--seed", opts->seed, "Seed for params and inputs")
      ->check(wholeNumber(0, UINT64_MAX));
  cmd->add_flag("--full", opts->full, "Print every element of large tensors");
  cmd->callback([opts] {
    ir::DiagnosticEngine diags;
    std::unique_ptr<ir::Graph> g = loadGraph(opts->input, diags);
    if (!g) {
      exitStatus = flushDiagnostics(diags);
      return;
    }
    ir::LeafValues leaves = training::initialLeafValues(*g, opts->seed);
    Expected<ir::Evaluation> eval = ir::evaluate(*g, leaves);
    if (!eval) {
      diags.error(ir::SourceLoc{ir::internFileName(opts->input)},
                  eval.message());
      exitStatus = flushDiagnostics(diags);
      return;
    }
    for (size_t i = 0; i < g->results().size(); ++i) {
      const ir::Node *r = g->results()[i];
      std::string name =
          r->name().empty() ? "result " + std::to_string(i) : "%" + r->name();
      std::cout << name << " : " << r->type().str() << " = "
                << ir::formatTensor(eval->value(r), opts->full) << "\n";
    }
    if (const auto &m = g->minimize()) {
      const ir::HostTensor &loss = eval->value(m->loss);
      std::cout << "loss = " << ir::formatScalar(loss.data[0], ir::DType::F64)
                << "\n";
    }
    exitStatus = flushDiagnostics(diags);
  });
}

} // namespace voskhod::driver
