//===- trainer/data/FileBytes.cpp - whole files, gzip'd or not ------------===//
#include "trainer/data/FileBytes.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <zlib.h>

namespace voskhod::rt {

Expected<std::vector<uint8_t>> readFileBytes(const std::string &path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0)
    return makeError("cannot open '" + path + "': " + std::strerror(errno));
  if (S_ISDIR(info.st_mode))
    return makeError("cannot read '" + path + "': it is a directory");
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file)
    return makeError("cannot open '" + path + "': " + std::strerror(errno));
  gzbuffer(file, 1 << 17);
  std::vector<uint8_t> bytes;
  std::vector<uint8_t> chunk(1 << 20);
  for (;;) {
    int n = gzread(file, chunk.data(), unsigned(chunk.size()));
    if (n < 0) {
      int code = 0;
      std::string why = gzerror(file, &code);
      gzclose_r(file);
      return makeError("cannot read '" + path + "': " + why);
    }
    if (n == 0)
      break;
    bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + n);
  }
  // zlib reports a gzip stream cut short only here, after the last read.
  int code = 0;
  std::string why = gzerror(file, &code);
  int closed = gzclose_r(file);
  if (code != Z_OK || closed != Z_OK)
    return makeError("cannot read '" + path + "': " +
                     (code != Z_OK ? why : "corrupt or truncated gzip data"));
  return bytes;
}

} // namespace voskhod::rt
