//===- compiler/interpreter/SequenceOps.cpp - gather and layer_norm -------===//
#include "compiler/interpreter/SequenceOps.h"

#include <cmath>
#include <string>

namespace voskhod::ir {

Expected<HostTensor> gatherDirect(const TensorType &out,
                                  const HostTensor &table,
                                  const HostTensor &indices, int64_t axis) {
  const Shape &ts = table.type.shape;
  int64_t outer = 1, inner = 1, rows = ts[size_t(axis)];
  for (int64_t d = 0; d < axis; ++d)
    outer *= ts[size_t(d)];
  for (size_t d = size_t(axis) + 1; d < ts.size(); ++d)
    inner *= ts[d];
  int64_t count = int64_t(indices.data.size());
  HostTensor r(out);
  for (int64_t i = 0; i < count; ++i) {
    double index = indices.data[size_t(i)];
    if (!(index >= 0 && index < double(rows)))
      return makeError("'gather' index " + std::to_string(int64_t(index)) +
                       " (element " + std::to_string(i) +
                       " of the indices) is outside [0, " +
                       std::to_string(rows) + ")");
  }
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < count; ++i) {
      int64_t row = int64_t(indices.data[size_t(i)]);
      for (int64_t j = 0; j < inner; ++j)
        r.data[size_t((o * count + i) * inner + j)] =
            table.data[size_t((o * rows + row) * inner + j)];
    }
  return r;
}

HostTensor layerNormDirect(const HostTensor &x, const HostTensor &gamma,
                           const HostTensor &beta, int64_t normalised,
                           double eps) {
  HostTensor r(x.type);
  int64_t n = 1;
  for (size_t d = x.type.shape.size() - size_t(normalised);
       d < x.type.shape.size(); ++d)
    n *= x.type.shape[d];
  int64_t rows = n > 0 ? int64_t(x.data.size()) / n : 0;
  for (int64_t row = 0; row < rows; ++row) {
    const double *v = x.data.data() + row * n;
    double mean = 0;
    for (int64_t j = 0; j < n; ++j)
      mean += v[j];
    mean /= double(n);
    double var = 0;
    for (int64_t j = 0; j < n; ++j)
      var += (v[j] - mean) * (v[j] - mean);
    var /= double(n);
    double scale = 1 / std::sqrt(var + eps);
    for (int64_t j = 0; j < n; ++j)
      r.data[size_t(row * n + j)] =
          (v[j] - mean) * scale * gamma.data[size_t(j)] + beta.data[size_t(j)];
  }
  return r;
}

} // namespace voskhod::ir
