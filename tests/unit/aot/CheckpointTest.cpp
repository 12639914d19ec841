//===- tests/unit/aot/CheckpointTest.cpp - NAME_save and NAME_load --------===//
///
/// Checkpoints of an AOT handle: save → load → continue gives the losses of
/// an uninterrupted run; the C++ runtime reads what the AOT runtime writes
/// and the other way round; a truncated file, a corrupted one, one from
/// another model and a missing path each give their error code and leave
/// the handle as it was; a process killed in the middle of a save leaves
/// the previous checkpoint whole.
///
//===----------------------------------------------------------------------===//
#include "AotTestSupport.h"

#include "trainer/Checkpoint.h"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace voskhod::aot::test {
namespace {

namespace fs = std::filesystem;

std::string readAll(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeAll(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

constexpr const char *kModel = "tests/aot/models/inits.vg";

struct Fixture {
  const Model &model = sharedModel(kModel);
  std::string dir = freshDirectory("checkpoint");
  const AotLibrary *lib = &sharedLibrary(kModel);
  std::vector<std::vector<uint8_t>> batch(uint64_t i) {
    return stepInputs(model, lib->api(), 4, i);
  }
};

TEST(AotCheckpoint, SaveLoadContinueMatchesUninterruptedTraining) {
  Fixture f;
  ASSERT_TRUE(f.lib);
  std::string path = f.dir + "/run.safetensors";
  AotHandle uninterrupted(*f.lib, "m", 4);
  std::vector<double> expected;
  for (int i = 0; i < 20; ++i) {
    if (i == 10) {
      ASSERT_EQ(uninterrupted.save(path), Ok) << uninterrupted.lastError();
    }
    expected.push_back(uninterrupted.trainStep(f.batch(uint64_t(i))));
  }
  // Another seed, so only the checkpoint can make the runs agree.
  AotHandle resumed(*f.lib, "m", 999);
  ASSERT_EQ(resumed.load(path), Ok) << resumed.lastError();
  for (int i = 10; i < 20; ++i)
    EXPECT_EQ(resumed.trainStep(f.batch(uint64_t(i))), expected[size_t(i)])
        << "step " << i;
  EXPECT_FALSE(fs::exists(path + ".tmp"));
}

TEST(AotCheckpoint, RuntimeReadsWhatAotSaves) {
  Fixture f;
  ASSERT_TRUE(f.lib);
  AotHandle aot(*f.lib, "m", 4);
  for (int i = 0; i < 3; ++i)
    aot.trainStep(f.batch(uint64_t(i)));
  std::string path = f.dir + "/aot.safetensors";
  ASSERT_EQ(aot.save(path), Ok) << aot.lastError();
  auto checkpoint = rt::loadCheckpoint(path);
  ASSERT_TRUE(checkpoint) << checkpoint.message();
  EXPECT_EQ(checkpoint->metadata["writer"], "voskhod");
  EXPECT_EQ(checkpoint->metadata["model"], "m");
  const cpu::AotInterface &api = f.lib->api();
  EXPECT_EQ(checkpoint->tensors.size(), api.params.size() + api.states.size());
  for (int i : api.params) {
    const cpu::AotTensor &t = api.tensors[i];
    const rt::TensorData &data = checkpoint->tensors.at(t.name);
    EXPECT_EQ(data.shape, t.shape);
    EXPECT_EQ(data.bytes, aot.param(t.name)) << t.name;
  }
  for (int i : api.states)
    EXPECT_TRUE(checkpoint->tensors.count(api.tensors[i].name));
  // Byte for byte what the runtime itself writes for the same tensors.
  EXPECT_EQ(rt::encodeSafetensors(*checkpoint), readAll(path));
}

TEST(AotCheckpoint, AotReadsWhatRuntimeSaves) {
  Fixture f;
  ASSERT_TRUE(f.lib);
  const cpu::AotInterface &api = f.lib->api();
  rt::Executable &jit = sharedJit(kModel, 4, 2);
  for (int i = 0; i < 5; ++i) {
    feedJit(jit, api, f.batch(uint64_t(i)));
    ASSERT_TRUE(jit.step());
  }
  rt::Checkpoint checkpoint;
  for (const rt::TensorInfo &t : jit.tensors()) {
    if (t.role != rt::TensorRole::Param && t.role != rt::TensorRole::State)
      continue;
    rt::TensorData data;
    data.dtype =
        t.type == rt::ElementType::F64 ? rt::DType::F64 : rt::DType::F32;
    data.shape = t.shape;
    data.bytes = jitBytes(jit, t.name);
    checkpoint.tensors[t.name] = data;
  }
  // What a Trainer adds: statistics and its own metadata.
  checkpoint.tensors["data/mean"] = rt::TensorData::fromF32({2}, {0.5f, -1});
  checkpoint.metadata["epoch"] = "3";
  std::string path = f.dir + "/runtime.safetensors";
  ASSERT_TRUE(rt::saveCheckpoint(path, checkpoint));

  AotHandle aot(*f.lib, "m", 12345);
  ASSERT_EQ(aot.load(path), Ok) << aot.lastError();
  for (int i : api.params)
    EXPECT_EQ(aot.param(api.tensors[i].name),
              jitBytes(jit, api.tensors[i].name));
  for (int i = 5; i < 10; ++i) {
    feedJit(jit, api, f.batch(uint64_t(i)));
    ASSERT_TRUE(jit.step());
    EXPECT_EQ(aot.trainStep(f.batch(uint64_t(i))), *jit.loss());
  }
}

/// Loading `path` fails with `code` and changes nothing.
void expectRejected(AotHandle &h, const std::string &path, int code,
                    const std::string &messagePart) {
  auto before = h.params();
  EXPECT_EQ(h.load(path), code) << h.lastError();
  EXPECT_NE(h.lastError().find(messagePart), std::string::npos)
      << h.lastError();
  EXPECT_EQ(h.params(), before) << "the handle changed";
}

TEST(AotCheckpoint, TruncatedFilesAreRejected) {
  Fixture f;
  ASSERT_TRUE(f.lib);
  AotHandle h(*f.lib, "m", 4);
  std::string good = f.dir + "/good.safetensors";
  ASSERT_EQ(h.save(good), Ok);
  std::string bytes = readAll(good);
  uint64_t header = 0;
  for (int i = 7; i >= 0; --i)
    header = (header << 8) | uint8_t(bytes[size_t(i)]);
  AotHandle other(*f.lib, "m", 77);
  for (size_t length : {size_t(0), size_t(5), size_t(8 + header / 2),
                        size_t(8 + header + 3), bytes.size() - 1}) {
    std::string path = f.dir + "/cut" + std::to_string(length);
    writeAll(path, bytes.substr(0, length));
    expectRejected(other, path, Truncated, "truncated");
  }
}

TEST(AotCheckpoint, CorruptFilesAreRejected) {
  Fixture f;
  ASSERT_TRUE(f.lib);
  AotHandle h(*f.lib, "m", 4);
  std::string good = f.dir + "/good.safetensors";
  ASSERT_EQ(h.save(good), Ok);
  std::string bytes = readAll(good);
  AotHandle other(*f.lib, "m", 77);
  // A flipped bit in the data, and in the header's JSON.
  std::string flipped = bytes;
  flipped[bytes.size() - 5] ^= 0x10;
  writeAll(f.dir + "/data", flipped);
  expectRejected(other, f.dir + "/data", Corrupt, "checksum");
  flipped = bytes;
  flipped[8] = '[';
  writeAll(f.dir + "/json", flipped);
  expectRejected(other, f.dir + "/json", Corrupt, "corrupt");
  // An oversized header length.
  flipped = bytes;
  flipped[6] = char(0x7f);
  writeAll(f.dir + "/length", flipped);
  expectRejected(other, f.dir + "/length", Truncated, "truncated");
}

TEST(AotCheckpoint, FilesOfAnotherModelAreRejected) {
  Fixture f;
  ASSERT_TRUE(f.lib);
  AotHandle clf(sharedLibrary("examples/classifier.vg"), "m", 1);
  AotHandle big(sharedLibrary("tests/aot/models/mlp.vg"), "m", 1);
  std::string clfPath = f.dir + "/clf.safetensors";
  ASSERT_EQ(clf.save(clfPath), Ok);
  AotHandle h(*f.lib, "m", 4);
  // No tensor of the same name.
  expectRejected(h, clfPath, Mismatch, "has no tensor");
  // The same names with other shapes.
  expectRejected(big, clfPath, Mismatch, "another shape");
}

TEST(AotCheckpoint, MissingPathIsNotFound) {
  Fixture f;
  ASSERT_TRUE(f.lib);
  AotHandle h(*f.lib, "m", 4);
  expectRejected(h, f.dir + "/no/such/file.safetensors", NotFound,
                 "cannot open");
}

TEST(AotCheckpoint, KillDuringSaveKeepsThePreviousCheckpoint) {
  Fixture f;
  ASSERT_TRUE(f.lib);
  std::string path = f.dir + "/kept.safetensors";
  AotHandle h(*f.lib, "m", 4);
  ASSERT_EQ(h.save(path), Ok);
  std::string previous = readAll(path);
  auto previousParams = h.params();
  for (int i = 0; i < 3; ++i)
    h.trainStep(f.batch(uint64_t(i)));
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The kernel kills the writer with SIGXFSZ halfway through the file,
    // as a crash would: nothing of the save runs after that write.
    struct rlimit limit = {previous.size() / 2, previous.size() / 2};
    setrlimit(RLIMIT_FSIZE, &limit);
    h.save(path);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the save was not interrupted";
  EXPECT_EQ(WTERMSIG(status), SIGXFSZ);
  EXPECT_EQ(readAll(path), previous);
  AotHandle reloaded(*f.lib, "m", 99);
  ASSERT_EQ(reloaded.load(path), Ok) << reloaded.lastError();
  EXPECT_EQ(reloaded.params(), previousParams);
}

} // namespace
} // namespace voskhod::aot::test
