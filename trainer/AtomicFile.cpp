//===- trainer/AtomicFile.cpp - replace a file at once --------------------===//
#include "trainer/AtomicFile.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace voskhod::rt {
namespace {

std::string directoryOf(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Status failure(const std::string &what, const std::string &path) {
  return makeError("cannot " + what + " '" + path +
                   "': " + std::strerror(errno));
}

} // namespace

Status writeFileAtomically(const std::string &path, std::string_view bytes) {
  std::string temporary = path + ".tmp";
  int fd =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return failure("create", temporary);
  auto abandon = [&](const std::string &what) {
    Status s = failure(what, temporary);
    ::close(fd);
    ::unlink(temporary.c_str());
    return s;
  };
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      if (n == 0)
        errno = EIO;
      return abandon("write");
    }
    done += size_t(n);
  }
  if (::fsync(fd) != 0)
    return abandon("sync");
  if (::close(fd) != 0) {
    Status s = failure("close", temporary);
    ::unlink(temporary.c_str());
    return s;
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    Status s = failure("rename into", path);
    ::unlink(temporary.c_str());
    return s;
  }
  // Makes the rename itself durable; failing here loses nothing already
  // visible, so it is not an error.
  int dir = ::open(directoryOf(path).c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status::ok();
}

} // namespace voskhod::rt
