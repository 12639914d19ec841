//===- tests/fuzz/SafetensorsFuzzer.cpp - libFuzzer target for checkpoints ===//
///
/// Decodes each input as a safetensors checkpoint, the way `--resume` and
/// `voskhod predict` load one. A corrupt file must be an error message,
/// never a crash, an exception or an allocation the file size does not
/// justify. A file that decodes must survive the rest of the path: checking
/// it against a model's tensors, and encoding it again, which must decode to
/// the same tensors and metadata.
///
//===----------------------------------------------------------------------===//
#include "trainer/Checkpoint.h"

#include <cstdio>
#include <cstdlib>

using namespace voskhod;

static void fail(const char *what) {
  std::fprintf(stderr, "SafetensorsFuzzer: %s\n", what);
  std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char *>(data), size);
  auto ckpt = rt::decodeSafetensors(bytes, "fuzz.safetensors");
  if (!ckpt) {
    if (ckpt.message().empty())
      fail("an error without a message");
    return 0;
  }
  for (const auto &[name, t] : ckpt->tensors)
    if (int64_t(t.bytes.size()) != t.numElements() * rt::dtypeBytes(t.dtype))
      fail("a tensor's bytes do not match its shape");
  std::vector<rt::TensorSpec> model = {{"w", rt::DType::F32, {2, 3}},
                                       {"step", rt::DType::I32, {}}};
  (void)rt::verifyTensors(*ckpt, model, "fuzz.safetensors");

  std::string again = rt::encodeSafetensors(*ckpt);
  auto back = rt::decodeSafetensors(again, "re-encoded");
  if (!back)
    fail(("a decoded checkpoint does not decode after encoding: " +
          back.message())
             .c_str());
  if (back->tensors != ckpt->tensors)
    fail("tensors change through encode and decode");
  return 0;
}
