//===- compiler/driver/CheckpointLoading.h - parameters from a checkpoint -===//
///
/// What the commands that run a trained model (predict, sample) share:
/// finding the checkpoint file `voskhod train --checkpoint` wrote and
/// copying its parameters into a compiled executable, refusing a checkpoint
/// that lacks one of them or holds it with another type or shape.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/driver/ExecutableRunner.h"
#include "compiler/ir/Graph.h"
#include "support/Error.h"
#include "trainer/Checkpoint.h"

#include <string>

namespace voskhod::driver {

/// The checkpoint file: DIR/<graph name>.safetensors, or the path itself.
std::string checkpointFile(const std::string &path, const ir::Graph &g);

/// Writes every parameter of `exe` from `checkpoint` (read from `path`,
/// which messages name) through `runner`.
Status loadParameters(const rt::Executable &exe, ExecutableRunner &runner,
                      const rt::Checkpoint &checkpoint,
                      const std::string &path);

} // namespace voskhod::driver
