//===- runtime/SystemMemory.h - how much memory a process may still use ---===//
///
/// The smallest of what limits this process: the kernel's estimate of
/// memory available without swapping (MemAvailable in /proc/meminfo), the
/// room left under the cgroup's limit (v2 `memory.max`, or v1
/// `memory.limit_in_bytes`, minus current use), and the address-space
/// limit (RLIMIT_AS). A model bigger than this would be killed by the OOM
/// killer or fail in malloc, so the driver refuses it up front. It is a
/// snapshot: other processes may take memory after the call.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace voskhod::rt {

/// Bytes this process can still allocate, or nullopt when no limit is
/// known (not Linux, no /proc).
std::optional<int64_t> availableMemoryBytes();

/// Parses a size such as "512M", "4G", "1.5GiB", "3000000" (bytes) or "2T";
/// K/M/G/T are powers of 1024 with or without "iB". Nullopt when the text is
/// not a positive size that fits in int64.
std::optional<int64_t> parseByteSize(const std::string &text);

} // namespace voskhod::rt
