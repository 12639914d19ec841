//===- compiler/driver/CheckpointLoading.cpp - checkpoint parameters ------===//
#include "compiler/driver/CheckpointLoading.h"

#include <filesystem>

namespace voskhod::driver {

std::string checkpointFile(const std::string &path, const ir::Graph &g) {
  if (std::filesystem::is_directory(path))
    return (std::filesystem::path(path) / (g.name() + ".safetensors")).string();
  return path;
}

Status loadParameters(const rt::Executable &exe, ExecutableRunner &runner,
                      const rt::Checkpoint &checkpoint,
                      const std::string &path) {
  for (const rt::TensorInfo &t : exe.tensors()) {
    if (t.role != rt::TensorRole::Param)
      continue;
    auto it = checkpoint.tensors.find(t.name);
    if (it == checkpoint.tensors.end())
      return makeError(path + ": no tensor '" + t.name +
                       "': the checkpoint is of another model");
    if (Status s = runner.writeState(t.name, it->second); !s)
      return makeError(path + ": " + s.message());
  }
  return Status::ok();
}

} // namespace voskhod::driver
