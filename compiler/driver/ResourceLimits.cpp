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

namespace {

/// The limits a model is held to, in the order they are checked.
std::vector<std::pair<int64_t, std::string>>
memoryLimits(const std::string &maxMemory, bool runsHere) {
  std::vector<std::pair<int64_t, std::string>> limits;
  if (!maxMemory.empty()) {
    std::optional<int64_t> limit = rt::parseByteSize(maxMemory);
    VOSKHOD_CHECK(limit) << "--max-memory is validated when it is parsed";
    limits.emplace_back(*limit, "--max-memory");
  }
  if (runsHere)
    if (std::optional<int64_t> room = rt::availableMemoryBytes())
      limits.emplace_back(*room, "memory available to this process");
  return limits;
}

} // namespace

bool memoryBoundFits(const std::vector<const ir::Graph *> &graphs,
                     const std::string &maxMemory, bool runsHere) {
  auto limits = memoryLimits(maxMemory, runsHere);
  if (limits.empty())
    return true;
  int64_t bound = kernel::memoryUpperBound(graphs);
  for (const auto &[limit, name] : limits)
    if (bound > limit)
      return false;
  return true;
}

Status checkModelMemory(const kernel::ModelProgram &model,
                        const std::string &maxMemory, bool runsHere) {
  for (const auto &[limit, name] : memoryLimits(maxMemory, runsHere))
    VOSKHOD_RETURN_IF_ERROR(kernel::checkMemoryBudget(model, limit, name));
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
