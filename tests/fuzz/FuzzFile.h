//===- tests/fuzz/FuzzFile.h - fuzz input as a file on disk ---------------===//
///
/// The data readers take paths, not bytes, so the file-reading fuzzers write
/// each input to a per-process scratch file and hand its path on. The file
/// lives in the fuzzer's temporary directory and is overwritten by the next
/// input; nothing else is shared between runs.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace voskhod::fuzz {

/// Writes `size` bytes to `<tmp>/voskhod-fuzz-<pid>-<slot>` and returns the
/// path; aborts when the scratch file cannot be written, since every later
/// verdict would be meaningless.
inline std::string writeScratchFile(const uint8_t *data, size_t size,
                                    const char *slot) {
  const char *dir = std::getenv("TMPDIR");
  std::string path = std::string(dir && *dir ? dir : "/tmp") +
                     "/voskhod-fuzz-" + std::to_string(::getpid()) + "-" + slot;
  std::FILE *f = std::fopen(path.c_str(), "wb");
  if (!f || (size && std::fwrite(data, 1, size, f) != size) ||
      std::fclose(f) != 0) {
    std::perror(path.c_str());
    std::abort();
  }
  return path;
}

} // namespace voskhod::fuzz
