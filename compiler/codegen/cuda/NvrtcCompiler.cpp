//===- compiler/codegen/cuda/NvrtcCompiler.cpp - NVRTC with a disk cache --===//
#include "compiler/codegen/cuda/NvrtcCompiler.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <unistd.h>

#ifdef VOSKHOD_HAVE_NVRTC
#include <nvrtc.h>
#endif

namespace voskhod::cuda {
namespace fs = std::filesystem;

namespace {

uint64_t fnv1a(const std::string &s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

fs::path cacheDirectory(const NvrtcOptions &o) {
  if (!o.cacheDir.empty())
    return o.cacheDir;
  if (const char *d = std::getenv("VOSKHOD_CACHE_DIR"); d && *d)
    return fs::path(d) / "cuda";
  if (const char *d = std::getenv("XDG_CACHE_HOME"); d && *d)
    return fs::path(d) / "voskhod" / "cuda";
  if (const char *d = std::getenv("HOME"); d && *d)
    return fs::path(d) / ".cache" / "voskhod" / "cuda";
  return fs::temp_directory_path() / "voskhod-cuda-cache";
}

bool readFile(const fs::path &p, std::string &out) {
  std::ifstream in(p, std::ios::binary);
  if (!in)
    return false;
  out.assign(std::istreambuf_iterator<char>(in), {});
  return bool(in) || in.eof();
}

/// Writes atomically so a concurrent reader never sees half a file.
void writeFile(const fs::path &p, const std::string &data) {
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  fs::path tmp = p;
  tmp += ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      return;
    out << data;
    if (!out) {
      fs::remove(tmp, ec);
      return;
    }
  }
  fs::rename(tmp, p, ec);
  if (ec)
    fs::remove(tmp, ec);
}

/// The cache file format: "VSKC1\n", then the PTX length, the cubin length
/// and the log length as decimal lines, then the three blobs back to back.
std::string encodeEntry(const NvrtcResult &r) {
  std::ostringstream os;
  os << "VSKC1\n"
     << r.ptx.size() << "\n"
     << r.cubin.size() << "\n"
     << r.log.size() << "\n"
     << r.ptx << r.cubin << r.log;
  return os.str();
}

bool decodeEntry(const std::string &data, NvrtcResult &r) {
  std::istringstream is(data);
  std::string magic;
  size_t nPtx, nCubin, nLog;
  if (!std::getline(is, magic) || magic != "VSKC1")
    return false;
  if (!(is >> nPtx >> nCubin >> nLog) || is.get() != '\n')
    return false;
  size_t offset = size_t(is.tellg());
  if (offset + nPtx + nCubin + nLog != data.size())
    return false;
  r.ptx = data.substr(offset, nPtx);
  r.cubin = data.substr(offset + nPtx, nCubin);
  r.log = data.substr(offset + nPtx + nCubin, nLog);
  return true;
}

} // namespace

#ifdef VOSKHOD_HAVE_NVRTC

bool nvrtcAvailable() { return true; }

std::string nvrtcVersion() {
  int major = 0, minor = 0;
  if (::nvrtcVersion(&major, &minor) != NVRTC_SUCCESS)
    return "unknown";
  return std::to_string(major) + "." + std::to_string(minor);
}

std::vector<std::string> nvrtcSupportedArchs() {
  int n = 0;
  std::vector<std::string> out;
  if (nvrtcGetNumSupportedArchs(&n) != NVRTC_SUCCESS || n <= 0)
    return out;
  std::vector<int> archs(n);
  if (nvrtcGetSupportedArchs(archs.data()) != NVRTC_SUCCESS)
    return out;
  for (int a : archs)
    out.push_back("sm_" + std::to_string(a));
  return out;
}

Expected<NvrtcResult> compileCuda(const std::string &source,
                                  const std::string &name,
                                  const NvrtcOptions &options) {
  std::vector<std::string> args = {"--gpu-architecture=" + options.arch,
                                   "--std=c++17", "-default-device",
                                   "--extra-device-vectorization"};
  if (options.fastMath)
    args.push_back("--use_fast_math");
  else
    args.push_back("--fmad=true");

  std::string key = nvrtcVersion() + "\n" + options.arch + "\n" +
                    (options.emitCubin ? "cubin" : "ptx");
  for (const std::string &a : args)
    key += "\n" + a;
  char hash[40];
  std::snprintf(hash, sizeof hash, "%016llx%016llx",
                (unsigned long long)fnv1a(source),
                (unsigned long long)fnv1a(key, fnv1a(source)));
  fs::path entry = cacheDirectory(options) / (std::string(hash) + ".bin");
  if (options.useCache) {
    std::string data;
    NvrtcResult cached;
    if (readFile(entry, data) && decodeEntry(data, cached)) {
      cached.fromCache = true;
      return cached;
    }
  }

  nvrtcProgram prog;
  if (nvrtcCreateProgram(&prog, source.c_str(), name.c_str(), 0, nullptr,
                         nullptr) != NVRTC_SUCCESS)
    return makeError("nvrtc: cannot create program '" + name + "'");
  std::vector<const char *> argv;
  for (const std::string &a : args)
    argv.push_back(a.c_str());
  nvrtcResult status = nvrtcCompileProgram(prog, int(argv.size()), argv.data());
  NvrtcResult result;
  size_t logSize = 0;
  nvrtcGetProgramLogSize(prog, &logSize);
  if (logSize > 1) {
    result.log.resize(logSize);
    nvrtcGetProgramLog(prog, result.log.data());
    while (!result.log.empty() &&
           (result.log.back() == '\0' || result.log.back() == '\n'))
      result.log.pop_back();
  }
  if (status != NVRTC_SUCCESS) {
    nvrtcDestroyProgram(&prog);
    return makeError("nvrtc failed to compile '" + name + "' for " +
                     options.arch + " (" + nvrtcGetErrorString(status) +
                     "):\n" + result.log);
  }
  size_t ptxSize = 0;
  nvrtcGetPTXSize(prog, &ptxSize);
  result.ptx.resize(ptxSize);
  nvrtcGetPTX(prog, result.ptx.data());
  if (!result.ptx.empty() && result.ptx.back() == '\0')
    result.ptx.pop_back();
  if (options.emitCubin) {
    size_t cubinSize = 0;
    if (nvrtcGetCUBINSize(prog, &cubinSize) == NVRTC_SUCCESS && cubinSize) {
      result.cubin.resize(cubinSize);
      nvrtcGetCUBIN(prog, result.cubin.data());
    }
  }
  nvrtcDestroyProgram(&prog);
  if (options.useCache)
    writeFile(entry, encodeEntry(result));
  return result;
}

#else

bool nvrtcAvailable() { return false; }
std::string nvrtcVersion() { return "NVRTC not available in this build"; }
std::vector<std::string> nvrtcSupportedArchs() { return {}; }
Expected<NvrtcResult> compileCuda(const std::string &, const std::string &,
                                  const NvrtcOptions &) {
  return makeError("this voskhod was built without NVRTC (the CUDA toolkit "
                   "was not found at configure time)");
}

#endif

} // namespace voskhod::cuda
