//===- compiler/driver/ResourceLimits.cpp - refuse what will not fit ------===//
#include "compiler/driver/ResourceLimits.h"

#include "compiler/kernel/MemoryBudget.h"
#include "runtime/SystemMemory.h"
#include "support/InternalCheck.h"

#include <CLI/CLI.hpp>

namespace voskhod::driver {

void addMaxMemoryOption(CLI::App &cmd, std::string &value) {
  cmd.add_option("--max-memory", value,
                 "Refuse a model that needs more memory than this (e.g. "
                 "512M, 4G)")
      ->check(CLI::Validator(
          [](std::string &text) -> std::string {
            if (rt::parseByteSize(text))
              return "";
            return "'" + text +
                   "' is not a memory size (a positive number, optionally "
                   "followed by K, M, G or T)";
          },
          "SIZE"));
}

Status checkModelMemory(const std::vector<const ir::Graph *> &graphs,
                        const std::string &maxMemory, bool runsHere) {
  if (!maxMemory.empty()) {
    std::optional<int64_t> limit = rt::parseByteSize(maxMemory);
    VOSKHOD_CHECK(limit) << "--max-memory is validated when it is parsed";
    VOSKHOD_RETURN_IF_ERROR(
        kernel::checkMemoryBudget(graphs, *limit, "--max-memory"));
  }
  if (runsHere)
    if (std::optional<int64_t> room = rt::availableMemoryBytes())
      return kernel::checkMemoryBudget(graphs, *room,
                                       "memory available to this process");
  return Status::ok();
}

Status checkInterpreterMemory(const ir::Graph &step,
                              const std::string &maxMemory) {
  int64_t needed = kernel::interpreterBytes(step);
  auto check = [&](int64_t limit, const std::string &name) -> Status {
    if (needed <= limit)
      return Status::ok();
    return makeError("the model needs " + kernel::formatBytes(needed) +
                     " in the interpreter, which keeps every value in "
                     "float64, more than the " +
                     kernel::formatBytes(limit) + " of " + name);
  };
  if (!maxMemory.empty())
    VOSKHOD_RETURN_IF_ERROR(
        check(*rt::parseByteSize(maxMemory), "--max-memory"));
  if (std::optional<int64_t> room = rt::availableMemoryBytes())
    return check(*room, "memory available to this process");
  return Status::ok();
}

} // namespace voskhod::driver
