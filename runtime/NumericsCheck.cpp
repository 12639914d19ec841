//===- runtime/NumericsCheck.cpp - stop at the first NaN or infinity ------===//
#include "runtime/NumericsCheck.h"

#include <cmath>
#include <cstdio>

namespace voskhod::rt {

namespace {
thread_local std::optional<NumericsFault> pendingFault;

template <typename T> int64_t firstNonFinite(const T *values, int64_t count) {
  for (int64_t i = 0; i < count; ++i)
    if (!std::isfinite(values[i]))
      return i;
  return -1;
}

const RuntimeSymbol kSymbols[] = {
    {"voskhod_check_finite", reinterpret_cast<void *>(&voskhod_check_finite)},
};
} // namespace

std::string NumericsFault::message() const {
  const char *what = std::isnan(value) ? "nan" : value > 0 ? "inf" : "-inf";
  return std::string("non-finite value: ") + kernel + " wrote " + what +
         " to " + buffer + "[" + std::to_string(element) + "]";
}

std::optional<NumericsFault> takeNumericsFault() {
  std::optional<NumericsFault> fault = std::move(pendingFault);
  pendingFault.reset();
  return fault;
}

std::span<const RuntimeSymbol> numericsCheckSymbols() { return kSymbols; }

} // namespace voskhod::rt

extern "C" int32_t voskhod_check_finite(const char *kernel, const char *buffer,
                                        const void *data, int64_t count,
                                        int32_t isF64) {
  using namespace voskhod::rt;
  int64_t at = isF64 ? firstNonFinite(static_cast<const double *>(data), count)
                     : firstNonFinite(static_cast<const float *>(data), count);
  if (at < 0)
    return 0;
  if (!pendingFault) {
    NumericsFault fault;
    fault.kernel = kernel;
    fault.buffer = buffer;
    fault.element = at;
    fault.value = isF64 ? static_cast<const double *>(data)[at]
                        : double(static_cast<const float *>(data)[at]);
    pendingFault = std::move(fault);
  }
  return 1;
}
