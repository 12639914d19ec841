//===- tests/unit/data/TestFiles.h - fixture files the tests write --------===//
///
/// A temporary folder removed when the test ends, and writers for plain and
/// gzip'd fixtures, so every reader test builds its own input files.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/Random.h"
#include "support/Error.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>
#include <zlib.h>

namespace voskhod::rt::testing {

class TempDir {
public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "voskhod-data-XXXXXX")
            .string();
    char *made = ::mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr);
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string &name) const { return path_ + "/" + name; }
  const std::string &path() const { return path_; }

private:
  std::string path_;
};

inline void writeFile(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

inline void writeGzip(const std::string &path, const std::string &bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  gzwrite(f, bytes.data(), unsigned(bytes.size()));
  gzclose(f);
}

inline std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void appendBigEndian32(std::string &s, uint32_t v) {
  for (int i = 3; i >= 0; --i)
    s += char((v >> (8 * i)) & 0xff);
}

/// An IDX file of unsigned bytes with the given dimensions.
inline std::string idxBytes(const std::vector<uint32_t> &dims,
                            const std::vector<uint8_t> &values) {
  std::string s = {0, 0, 0x08, char(dims.size())};
  for (uint32_t d : dims)
    appendBigEndian32(s, d);
  s.append(values.begin(), values.end());
  return s;
}

/// `n` random bytes below `bound`, from a fixed seed.
inline std::vector<uint8_t> randomBytes(size_t n, uint64_t seed,
                                        int bound = 256) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = uint8_t(uniform01(seed, 7, i) * bound);
  return v;
}

template <typename T> voskhod::Status errorOf(const voskhod::Expected<T> &e) {
  return e ? voskhod::Status::ok() : e.status();
}

/// The status is an error whose message contains every one of `parts`.
inline void expectErrorMentions(const voskhod::Status &s,
                                const std::vector<std::string> &parts) {
  ASSERT_FALSE(s.isOk()) << "expected an error";
  for (const std::string &p : parts)
    EXPECT_NE(s.message().find(p), std::string::npos)
        << "'" << s.message() << "' lacks '" << p << "'";
}

} // namespace voskhod::rt::testing
