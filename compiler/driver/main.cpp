//===- compiler/driver/main.cpp - the `voskhod` command -------------------===//
///
/// Parses the command line and dispatches to a subcommand. Command-line
/// mistakes (unknown flags, bad values, missing files) exit with status 1 and
/// a one-line message, like every other user error.
///
//===----------------------------------------------------------------------===//
#include "compiler/driver/Commands.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace voskhod::driver {
int exitStatus = 0;
} // namespace voskhod::driver

int main(int argc, char **argv) {
  using namespace voskhod::driver;
  CLI::App app{"voskhod: a static graph compiler for training neural networks",
               "voskhod"};
  app.set_version_flag("--version", std::string("voskhod ") + VOSKHOD_VERSION);
  app.require_subcommand(1);
  registerOptCommand(app);
  registerEvalCommand(app);
  registerDotCommand(app);
  registerCheckGradCommand(app);
  registerTrainCommand(app);
  registerPredictCommand(app);
  registerSampleCommand(app);
  registerCompileCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp &e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    std::cerr << "voskhod: error: " << e.what() << "\n"
              << "run 'voskhod --help' for usage\n";
    return 1;
  }
  return exitStatus;
}
