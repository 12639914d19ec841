//===- frontend/Initializers.h - parameter initialiser specs --------------===//
///
/// Named constructors for the InitSpec values of initialisers/InitKinds.def,
/// the same initialisers the `.vg` format spells `init = ...`. They describe
/// how the runtime fills a parameter (PyTorch's formulas, fans as
/// initialisers/Init.h's computeFans lays them out: a [in, out] weight has
/// fan_in = in); they draw nothing themselves.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "initialisers/Init.h"

namespace voskhod::init {

inline InitSpec zeros() { return {InitKind::Zeros}; }
inline InitSpec ones() { return {InitKind::Ones}; }
inline InitSpec constant(double value) { return {InitKind::Constant, value}; }
inline InitSpec normal(double mean, double stddev) {
  return {InitKind::Normal, mean, stddev};
}
inline InitSpec uniform(double low, double high) {
  return {InitKind::Uniform, low, high};
}
/// U(±√(6/(fan_in + fan_out))), Glorot and Bengio's.
inline InitSpec xavierUniform() { return {InitKind::XavierUniform}; }
/// Normal, mean 0, std √(2/(fan_in + fan_out)).
inline InitSpec xavierNormal() { return {InitKind::XavierNormal}; }
/// Normal, mean 0, std √(1/fan_in).
inline InitSpec lecunNormal() { return {InitKind::LecunNormal}; }
/// Normal, mean 0, std √(2/fan_in): PyTorch's kaiming_normal_.
inline InitSpec heNormal() { return {InitKind::HeNormal}; }
/// U(±√(6/fan_in)): PyTorch's kaiming_uniform_ for ReLU (gain √2).
inline InitSpec heUniform() { return {InitKind::HeUniform}; }

} // namespace voskhod::init
