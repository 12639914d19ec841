//===- compiler/codegen/llvm/VectorMath.h - branch-free transcendentals ---===//
///
/// Emits straight-line IR for exp, log, tanh, sigmoid, softplus, log1p,
/// expm1, erf, cos and sin on float, double, or fixed vectors of either, at the
/// builder's insertion point. The code has no calls and no branches (special
/// inputs are handled by selects), so the loop vectoriser widens it like any
/// other arithmetic; no libm call ever appears.
///
/// Method: Cody-Waite reduction (x = n ln2 + r, 2^n built from exponent bits;
/// x = 2^e m for log), a polynomial on the reduced argument, then the
/// reconstruction. f32 inputs are evaluated in f64 and rounded once at the
/// end: the polynomial error then sits far below half an f32 ulp, so results
/// are within 1 ulp over the whole range (denormal inputs and results, the
/// overflow and underflow edges included) with one set of routines. f64
/// inputs use the same routines with longer polynomials and a few ulp of
/// error.
///
/// cos and sin reduce by pi/2 exactly (Payne-Hanek without tables): f32
/// results are within 1 ulp over the whole range; f64 ones are accurate for
/// |x| < 2^400 and NaN beyond (VectorMath.cpp says how accurate).
///
/// Not here: tan and the inverse trigonometric functions, and any fast-math
/// shortcuts (the code is exact about NaN, infinities and signed zeros, so it
/// must not be emitted under flags that assume no NaNs or infinities).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/IR/IRBuilder.h"

#include <span>
#include <string_view>

namespace voskhod::codegen {

/// The functions emitMathFunction knows, by their C names: exp, log, tanh,
/// sigmoid, softplus, log1p, expm1, erf, cos, sin. A scalar op whose
/// ScalarOps.def entry is a math call is rendered through the routine of its
/// name.
std::span<const std::string_view> mathFunctionNames();

/// name(x) elementwise; x is float, double, or <N x float|double>. The
/// result has x's type. Null when `name` is not a math function.
llvm::Value *emitMathFunction(llvm::IRBuilderBase &builder,
                              std::string_view name, llvm::Value *x);

} // namespace voskhod::codegen
