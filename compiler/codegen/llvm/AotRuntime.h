//===- compiler/codegen/llvm/AotRuntime.h - the embedded AOT runtime ------===//
///
/// The support code every AOT object carries (runtime/aot/*.c: the handle,
/// its thread pool, the initialisers, checkpoints), as LLVM bitcode that the
/// build compiled with clang and embedded in the voskhod binary
/// (cmake/AotRuntime.cmake), one module per source file. Empty when the build
/// found no clang that LLVM 16 can read; `voskhod compile` then says so.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace voskhod::cpu {

struct AotBitcode {
  const char *name;
  const unsigned char *data;
  std::size_t size;
};

std::span<const AotBitcode> aotRuntimeBitcode();

/// The public types every model header declares (voskhod_dtype,
/// voskhod_status, voskhod_tensor_info, under one guard): the text of
/// runtime/aot/CommonTypes.h below its file comment, which the AOT runtime
/// itself is compiled against. Embedded whether or not clang was found.
std::string_view aotCommonTypes();

} // namespace voskhod::cpu
