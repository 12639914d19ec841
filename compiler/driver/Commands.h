//===- compiler/driver/Commands.h - the `voskhod` subcommands -------------===//
///
/// Each subcommand lives in its own file and registers itself on the CLI11
/// app. A command's run function returns the process exit status: 0 on
/// success, 1 for every user error (after printing diagnostics to stderr).
///
//===----------------------------------------------------------------------===//
#pragma once

namespace CLI {
class App;
}

namespace voskhod::driver {

void registerOptCommand(CLI::App &app);
void registerEvalCommand(CLI::App &app);
void registerDotCommand(CLI::App &app);
void registerCheckGradCommand(CLI::App &app);
void registerTrainCommand(CLI::App &app);
void registerPredictCommand(CLI::App &app);
void registerSampleCommand(CLI::App &app);
void registerCompileCommand(CLI::App &app);

/// Set by a subcommand's callback; main returns it.
extern int exitStatus;

} // namespace voskhod::driver
