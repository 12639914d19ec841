//===- initialisers/Init.h - initialiser kinds for compiler and runtime ---===//
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace voskhod {

enum class InitKind : uint8_t {
#define INIT(Enum, Name, NumArgs) Enum,
#include "initialisers/InitKinds.def"
};

struct InitSpec {
  InitKind kind = InitKind::Zeros;
  double a = 0; // constant value, mean, or low bound
  double b = 0; // std or high bound
  bool operator==(const InitSpec &) const = default;
};

std::string_view initKindName(InitKind kind);
int initKindArgs(InitKind kind);
std::optional<InitKind> lookupInitKind(std::string_view name);

/// fan_in and fan_out of a parameter of the given shape, laid out as voskhod
/// uses weights (`x @ W`, W is [in, out]): rank >= 2 gives fan_in = product of
/// all but the last dimension and fan_out = the last; rank 4 is a
/// convolution's weight [O, C, KH, KW] (OIHW, as PyTorch): fan_in = C·KH·KW
/// and fan_out = O·KH·KW; rank 1 gives both = the length; a scalar gives 1
/// and 1.
void computeFans(const int64_t *dims, int rank, int64_t &fanIn,
                 int64_t &fanOut);

} // namespace voskhod
