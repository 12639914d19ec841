//===- tests/unit/checkpoint/CheckpointTest.cpp - round trips -------------===//
#include "trainer/Checkpoint.h"
#include "../data/TestFiles.h"

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace voskhod::rt;
using namespace voskhod::rt::testing;

namespace {

Checkpoint randomCheckpoint(uint64_t seed) {
  Checkpoint c;
  std::vector<float> w(12);
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = float(standardNormal(seed, 1, i));
  std::vector<double> m(5);
  for (size_t i = 0; i < m.size(); ++i)
    m[i] = standardNormal(seed, 2, i);
  std::vector<int32_t> k(4);
  for (size_t i = 0; i < k.size(); ++i)
    k[i] = int32_t(uniform01(seed, 3, i) * 1000) - 500;
  c.tensors["w1"] = TensorData::fromF32({3, 4}, w);
  c.tensors["w1.exp_avg"] = TensorData::fromF64({5}, m);
  c.tensors["counts"] = TensorData::fromI32({2, 2}, k);
  c.tensors["step"] = TensorData::fromF32({}, {float(uniform01(seed, 4, 0))});
  c.tensors["empty"] = TensorData::fromF32({0, 3}, {});
  c.metadata["epoch"] = "3";
  c.metadata["model"] = "classifier \"quoted\"";
  return c;
}

std::vector<TensorSpec> specsOf(const Checkpoint &c) {
  std::vector<TensorSpec> specs;
  for (const auto &[name, t] : c.tensors)
    specs.push_back({name, t.dtype, t.shape});
  return specs;
}

/// A file made of a given header text and data, as another writer might.
std::string rawSafetensors(const std::string &header, const std::string &data) {
  std::string bytes(8, '\0');
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i)
    bytes[i] = char(n >> (8 * i));
  return bytes + header + data;
}

struct CheckpointFixture : ::testing::Test {
  TempDir dir;
  std::string path = dir.file("model.safetensors");
};

TEST_F(CheckpointFixture, RoundTripKeepsTensorsAndMetadata) {
  Checkpoint c = randomCheckpoint(7);
  ASSERT_TRUE(saveCheckpoint(path, c).isOk());
  auto back = loadCheckpoint(path);
  ASSERT_TRUE(back) << back.message();
  EXPECT_EQ(back->tensors, c.tensors);
  for (const auto &[key, value] : c.metadata)
    EXPECT_EQ(back->metadata[key], value);
  EXPECT_TRUE(back->metadata.count("crc32"));
  EXPECT_TRUE(verifyTensors(*back, specsOf(c), path).isOk());
  EXPECT_EQ(back->tensors["w1"].toF32(), c.tensors["w1"].toF32());
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST_F(CheckpointFixture, LayoutFollowsTheSafetensorsSpecification) {
  std::string bytes = encodeSafetensors(randomCheckpoint(8));
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i)
    n = (n << 8) | uint8_t(bytes[i]);
  ASSERT_EQ(n % 8, 0u) << "data must start 8-byte aligned";
  ASSERT_LE(8 + n, bytes.size());
  auto header = nlohmann::json::parse(bytes.substr(8, n));
  EXPECT_EQ(header["w1"]["dtype"], "F32");
  EXPECT_EQ(header["w1"]["shape"], nlohmann::json({3, 4}));
  EXPECT_EQ(header["counts"]["dtype"], "I32");
  // The f64 tensor comes first so that it is aligned for its width.
  EXPECT_EQ(header["w1.exp_avg"]["data_offsets"], nlohmann::json({0, 40}));
  EXPECT_EQ(header["__metadata__"]["epoch"], "3");
  // Data is raw little-endian.
  uint64_t begin = header["w1"]["data_offsets"][0];
  float first;
  std::memcpy(&first, &bytes[8 + n + begin], 4);
  EXPECT_EQ(first, float(standardNormal(8, 1, 0)));
}

TEST_F(CheckpointFixture, ReadsFilesOfOtherWriters) {
  // Written as the Python safetensors package would: no checksum, its own
  // metadata, keys in another order.
  std::string data(8, '\0');
  float v[2] = {1.5f, -2.f};
  std::memcpy(data.data(), v, 8);
  writeFile(path, rawSafetensors(
                      R"({"__metadata__":{"format":"pt"},"b":{"dtype":"F32",)"
                      R"("shape":[2],"data_offsets":[0,8]}})",
                      data));
  auto c = loadCheckpoint(path);
  ASSERT_TRUE(c) << c.message();
  EXPECT_EQ(c->tensors["b"].toF32(), (std::vector<float>{1.5f, -2.f}));
  EXPECT_EQ(c->metadata["format"], "pt");
}

TEST_F(CheckpointFixture, TruncatedAtSeveralPoints) {
  std::string full = encodeSafetensors(randomCheckpoint(9));
  uint64_t n = uint8_t(full[0]) | uint64_t(uint8_t(full[1])) << 8;
  for (size_t cut : {size_t(0), size_t(4), size_t(7), size_t(8),
                     size_t(8 + n / 2), size_t(8 + n), full.size() - 1}) {
    writeFile(path, full.substr(0, cut));
    auto c = loadCheckpoint(path);
    EXPECT_FALSE(c) << "cut at " << cut;
    if (!c)
      EXPECT_NE(c.message().find(path), std::string::npos);
  }
}

TEST_F(CheckpointFixture, EveryBitFlipInLengthOrHeaderIsCaught) {
  std::string full = encodeSafetensors(randomCheckpoint(10));
  uint64_t n = uint8_t(full[0]) | uint64_t(uint8_t(full[1])) << 8;
  // Every bit of the length; one bit per header byte, cycling through the
  // bit positions, and every bit of the padding, keeps this fast.
  for (size_t byte = 0; byte < 8 + n; ++byte) {
    bool everyBit = byte < 8 || byte + 8 >= 8 + n;
    for (int bit = everyBit ? 0 : int(byte % 8); bit < 8;
         bit += everyBit ? 1 : 8) {
      std::string flipped = full;
      flipped[byte] = char(flipped[byte] ^ (1 << bit));
      auto c = decodeSafetensors(flipped, "flipped");
      EXPECT_FALSE(c) << "flip of bit " << bit << " of byte " << byte;
    }
  }
}

TEST_F(CheckpointFixture, BitFlipInDataIsCaught) {
  std::string full = encodeSafetensors(randomCheckpoint(11));
  for (size_t back : {size_t(1), size_t(13), size_t(40)}) {
    std::string flipped = full;
    flipped[full.size() - back] ^= 0x10;
    auto c = decodeSafetensors(flipped, "flipped");
    ASSERT_FALSE(c);
    EXPECT_NE(c.message().find("checksum"), std::string::npos);
  }
}

TEST_F(CheckpointFixture, MalformedHeadersAreErrors) {
  std::string four(4, '\0');
  struct Case {
    std::string header, data, expected;
  };
  std::vector<Case> cases = {
      {"[1,2]", "", "not a JSON object"},
      {"{\"a\":", "", "not valid JSON"},
      {R"({"a":3})", "", "lacks dtype"},
      {R"({"a":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}})", four,
       "dtype 'BF16'"},
      {R"({"a":{"dtype":7,"shape":[1],"data_offsets":[0,4]}})", four,
       "not a string"},
      {R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", four,
       "invalid dimension"},
      {R"({"a":{"dtype":"F32","shape":"1","data_offsets":[0,4]}})", four,
       "not a list"},
      {R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})", four,
       "shape [2] but 4 bytes"},
      {R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})", four,
       "data_offsets"},
      {R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}})", four,
       "data_offsets"},
      {R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],)"
       R"("data_offsets":[0,4]}})",
       four, "shape"},
      {R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", four + four,
       "starts at byte 4"},
      {R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", four + four,
       "cover 4 of 8"},
      {R"({"__metadata__":{"k":1}})", "", "not a string"},
      {R"({"__metadata__":{"writer":"voskhod"}})", "", "checksum is missing"},
  };
  for (const Case &c : cases) {
    auto result = decodeSafetensors(rawSafetensors(c.header, c.data), "f");
    ASSERT_FALSE(result) << c.header;
    EXPECT_NE(result.message().find(c.expected), std::string::npos)
        << result.message();
  }
  // A length field claiming far more than the file holds.
  std::string huge(8, '\xff');
  auto result = decodeSafetensors(huge + "{}", "f");
  ASSERT_FALSE(result);
  EXPECT_NE(result.message().find("exceeds"), std::string::npos);
}

TEST_F(CheckpointFixture, VerifyNamesDtypesAndShapes) {
  Checkpoint c = randomCheckpoint(12);
  expectErrorMentions(
      verifyTensors(c, {{"w2", DType::F32, {3, 4}}}, "m.safetensors"),
      {"m.safetensors", "no tensor 'w2'"});
  expectErrorMentions(verifyTensors(c, {{"w1", DType::F64, {3, 4}}}, "m"),
                      {"'w1'", "dtype F32, expected F64"});
  expectErrorMentions(verifyTensors(c, {{"w1", DType::F32, {4, 3}}}, "m"),
                      {"'w1'", "shape [3, 4], expected [4, 3]"});
  expectErrorMentions(errorOf(loadCheckpoint(dir.file("none.safetensors"))),
                      {dir.file("none.safetensors"), "cannot open"});
}

TEST_F(CheckpointFixture, FailedTemporaryLeavesTheOldFile) {
  ASSERT_TRUE(saveCheckpoint(path, randomCheckpoint(1)).isOk());
  std::string before = readFile(path);
  // Something in the way of the temporary file: the save fails cleanly.
  std::filesystem::create_directory(path + ".tmp");
  expectErrorMentions(saveCheckpoint(path, randomCheckpoint(2)),
                      {path + ".tmp"});
  EXPECT_EQ(readFile(path), before);
  std::filesystem::remove(path + ".tmp");
}

/// Runs `save` in a child process whose file-size limit is below the size
/// of the new checkpoint; returns the child's wait status.
int saveUnderSizeLimit(const std::string &path, bool survive) {
  pid_t child = ::fork();
  if (child == 0) {
    if (survive)
      ::signal(SIGXFSZ, SIG_IGN); // write(2) then fails with EFBIG
    struct rlimit limit = {4096, 4096};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    Checkpoint big;
    std::vector<float> values(1 << 14);
    for (size_t i = 0; i < values.size(); ++i)
      values[i] = float(uniform01(5, 5, i));
    big.tensors["w"] = TensorData::fromF32({int64_t(values.size())}, values);
    ::_exit(saveCheckpoint(path, big).isOk() ? 0 : 3);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return status;
}

TEST_F(CheckpointFixture, FailedWriteLeavesTheOldFile) {
  ASSERT_TRUE(saveCheckpoint(path, randomCheckpoint(3)).isOk());
  std::string before = readFile(path);
  int status = saveUnderSizeLimit(path, /*survive=*/true);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3) << "the save should have failed";
  EXPECT_EQ(readFile(path), before);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST_F(CheckpointFixture, CrashDuringSaveLeavesTheOldFile) {
  ASSERT_TRUE(saveCheckpoint(path, randomCheckpoint(4)).isOk());
  std::string before = readFile(path);
  int status = saveUnderSizeLimit(path, /*survive=*/false);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the save should have been killed";
  EXPECT_EQ(readFile(path), before);
  auto old = loadCheckpoint(path);
  ASSERT_TRUE(old) << old.message();
  // The half-written temporary does not block the next save.
  Checkpoint next = randomCheckpoint(5);
  ASSERT_TRUE(saveCheckpoint(path, next).isOk());
  auto back = loadCheckpoint(path);
  ASSERT_TRUE(back) << back.message();
  EXPECT_EQ(back->tensors, next.tensors);
}

} // namespace
