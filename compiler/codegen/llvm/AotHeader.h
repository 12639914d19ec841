//===- compiler/codegen/llvm/AotHeader.h - the C header of an AOT model ---===//
///
/// The text of the C header that declares an AOT object's API
/// (AotCompiler.h): the shared voskhod types under a guard (so headers of
/// two models can be included together), each input's, output's and
/// parameter's dtype and shape as macros, and every `NAME_` function with
/// its documentation. Valid C99 and C++ (`extern "C"`); it includes only
/// <stdint.h>.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/codegen/llvm/AotCompiler.h"

#include <string>

namespace voskhod::cpu {

/// `fileName` is how the header names itself in its first line.
std::string renderAotHeader(const AotInterface &api,
                            const std::string &fileName);

} // namespace voskhod::cpu
