//===- compiler/driver/GraphLoading.cpp - files to verified graphs --------===//
#include "compiler/driver/GraphLoading.h"

#include "compiler/ir/Verifier.h"
#include "compiler/text/Parser.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <sys/stat.h>

namespace voskhod::driver {

std::optional<std::string> readInputFile(const std::string &path,
                                         ir::DiagnosticEngine &diags) {
  ir::SourceLoc where{ir::internFileName(path == "-" ? "<stdin>" : path)};
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    diags.error(where,
                std::string("cannot open file: ") + std::strerror(errno));
    return std::nullopt;
  }
  if (S_ISDIR(st.st_mode)) {
    diags.error(where, "cannot open file: it is a directory");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error(where,
                std::string("cannot open file: ") + std::strerror(errno));
    return std::nullopt;
  }
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  return text;
}

std::unique_ptr<ir::Graph> loadGraph(const std::string &path,
                                     ir::DiagnosticEngine &diags) {
  std::optional<std::string> text = readInputFile(path, diags);
  if (!text)
    return nullptr;
  std::string name = path == "-" ? "<stdin>" : path;
  diags.addSource(name, *text);
  std::unique_ptr<ir::Graph> g = ir::parseGraph(*text, name, diags);
  if (!g || diags.hasErrors())
    return nullptr;
  if (!ir::verify(*g, diags))
    return nullptr;
  return g;
}

int flushDiagnostics(const ir::DiagnosticEngine &diags) {
  diags.print(std::cerr);
  return diags.hasErrors() ? 1 : 0;
}

bool isDeviceOrPipe(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) &&
         !S_ISDIR(st.st_mode);
}

bool writeOutput(const std::string &path, const std::string &text,
                 ir::DiagnosticEngine &diags) {
  if (path.empty() || path == "-") {
    std::cout << text;
    std::cout.flush();
    return bool(std::cout);
  }
  ir::SourceLoc where{ir::internFileName(path)};
  // A device or pipe (`-o /dev/null`, a FIFO) is written in place: renaming a
  // temporary over it would replace the device with a regular file (run as
  // root, `-o /dev/null` did exactly that), and atomicity means nothing there.
  if (isDeviceOrPipe(path)) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    out.flush();
    if (!out) {
      diags.error(where,
                  std::string("cannot write file: ") + std::strerror(errno));
      return false;
    }
    return true;
  }
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      diags.error(where,
                  std::string("cannot write file: ") + std::strerror(errno));
      return false;
    }
    out << text;
    out.flush();
    if (!out) {
      diags.error(where, "cannot write file: write failed");
      std::remove(tmp.c_str());
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    diags.error(where,
                std::string("cannot write file: ") + std::strerror(errno));
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

} // namespace voskhod::driver
