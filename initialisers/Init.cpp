//===- initialisers/Init.cpp - initialiser names and fans -----------------===//
#include "initialisers/Init.h"

namespace voskhod {

namespace {
struct InitInfo {
  std::string_view name;
  int args;
};
constexpr InitInfo kInits[] = {
#define INIT(Enum, Name, NumArgs) {Name, NumArgs},
#include "initialisers/InitKinds.def"
};
} // namespace

std::string_view initKindName(InitKind kind) { return kInits[int(kind)].name; }
int initKindArgs(InitKind kind) { return kInits[int(kind)].args; }

std::optional<InitKind> lookupInitKind(std::string_view name) {
  for (size_t i = 0; i < std::size(kInits); ++i)
    if (kInits[i].name == name)
      return InitKind(i);
  return std::nullopt;
}

void computeFans(const int64_t *dims, int rank, int64_t &fanIn,
                 int64_t &fanOut) {
  if (rank == 0) {
    fanIn = fanOut = 1;
    return;
  }
  if (rank == 1) {
    fanIn = fanOut = dims[0];
    return;
  }
  if (rank == 4) { // a convolution's [O, C, KH, KW], as PyTorch counts it
    int64_t field = dims[2] * dims[3];
    fanIn = dims[1] * field;
    fanOut = dims[0] * field;
    return;
  }
  fanIn = 1;
  for (int i = 0; i + 1 < rank; ++i)
    fanIn *= dims[i];
  fanOut = dims[rank - 1];
}

} // namespace voskhod
