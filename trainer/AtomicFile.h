//===- trainer/AtomicFile.h - replace a file all at once or not at all ----===//
///
/// Writes `<path>.tmp` in the same directory, fsyncs it, renames it over
/// `path` and fsyncs the directory. rename(2) within one file system is
/// atomic, so a reader — or a run resumed after a crash or power cut in the
/// middle of a save — sees either the previous file or the new one, never a
/// mix. If anything fails, the temporary is removed and `path` is untouched.
/// It deliberately does not guard against two processes saving the same
/// path at once: they would share the temporary name.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Error.h"

#include <string>
#include <string_view>

namespace voskhod::rt {

Status writeFileAtomically(const std::string &path, std::string_view bytes);

} // namespace voskhod::rt
