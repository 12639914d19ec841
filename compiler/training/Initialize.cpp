//===- compiler/training/Initialize.cpp - deterministic starting values ---===//
#include "compiler/training/Initialize.h"

#include "runtime/Random.h"

#include <algorithm>
#include <cmath>

namespace voskhod::training {
using namespace ir;

ir::LeafValues initialState(const Graph &g, uint64_t seed) {
  LeafValues values;
  for (Node *n : g) {
    if (!n->hasTrait(OpTrait::Stateful))
      continue;
    HostTensor t(n->type());
    int64_t fanIn, fanOut;
    computeFans(n->shape().data(), int(n->rank()), fanIn, fanOut);
    rt::fillInit(t.data.data(), int64_t(t.data.size()), n->init(), fanIn,
                 fanOut, seed, rt::streamOf(n->name()));
    if (n->dtype() == DType::F32)
      for (double &v : t.data)
        v = double(float(v));
    // As the runtime stores an i32 (Executable::initialize): truncated.
    if (n->dtype() == DType::I32)
      for (double &v : t.data)
        v = double(int32_t(v));
    values.emplace(n, std::move(t));
  }
  return values;
}

/// The number of classes an i32 input ranges over, from how it is used: the
/// most classes a loss or one_hot takes, but no index past a table that
/// gathers with it.
static int64_t labelRange(const Graph &g, const Node *input) {
  int64_t range = 0, rows = 0;
  for (Node *n : g) {
    if (n->is(OpKind::SoftmaxCrossEntropy) && n->operand(1) == input)
      range = std::max(range, n->operand(0)->shape().back());
    if (n->is(OpKind::OneHot) && n->operand(0) == input)
      range = std::max(range, n->attrs().getInt("depth"));
    if (n->is(OpKind::Gather) && n->operand(1) == input) {
      int64_t r = n->operand(0)->shape()[size_t(n->attrs().getInt("axis"))];
      rows = rows ? std::min(rows, r) : r;
    }
  }
  if (rows)
    return range ? std::min(range, rows) : rows;
  return range ? range : 10;
}

ir::LeafValues randomInputs(const Graph &g, uint64_t seed, uint64_t step) {
  LeafValues values;
  for (Node *n : g.inputs()) {
    HostTensor t(n->type());
    uint64_t stream = rt::streamOf("input:" + n->name()) + step;
    int64_t classes = n->dtype() == DType::I32 ? labelRange(g, n) : 2;
    for (size_t i = 0; i < t.data.size(); ++i) {
      switch (n->dtype()) {
      case DType::F32:
        t.data[i] = double(float(rt::standardNormal(seed, stream, i)));
        break;
      case DType::F64:
        t.data[i] = rt::standardNormal(seed, stream, i);
        break;
      case DType::I32:
      case DType::I1:
        t.data[i] =
            std::floor(rt::uniform01(seed, stream, i) * double(classes));
        break;
      }
    }
    values.emplace(n, std::move(t));
  }
  return values;
}

ir::LeafValues initialLeafValues(const Graph &g, uint64_t seed) {
  LeafValues values = initialState(g, seed);
  values.merge(randomInputs(g, seed));
  return values;
}

} // namespace voskhod::training
