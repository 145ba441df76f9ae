//===- GemmEpilogue.h - GEMMs with a fused epilogue -------------*- C++ -*-===//
//
// reference = "gemm+STEP+STEP...": C = f(A B ...), the steps applied in
// order to the product:
//
//   bias      + bias[col]     an N-vector argument (one value per column)
//   residual  + R[row, col]   an M x N argument
//   gelu      0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), GELU's tanh
//             form, as cuBLASLt's GELU epilogue and torch's
//             gelu(approximate="tanh")
//   silu      x / (1 + exp(-x))
//
// The kernel's arguments are A, B, then one per bias or residual step in
// step order, then C. This file parses the reference and computes the
// epilogue exactly (double) on the host, for tile-run's exact sample and
// for the tests; the GPU reference applies it with its own code
// (tile_ref_gemm_epilogue in cuda/ReferenceKernels.cu), and the bound is
// gemmEpilogueErrorBound (Verify.h). Plain host code (no GPU).
//
//===----------------------------------------------------------------------===//
#ifndef TILE_RUNTIME_GEMMEPILOGUE_H
#define TILE_RUNTIME_GEMMEPILOGUE_H

#include "tile/Runtime/EpilogueArgs.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace tile {
namespace runtime {

/// GELU in its tanh form, in double.
double geluTanh(double x);
/// SiLU, x / (1 + exp(-x)), in double.
double silu(double x);

/// The epilogue a reference string names.
struct GemmEpilogue {
  std::vector<EpilogueOp> steps;

  /// Whether `reference` names a GEMM with an epilogue ("gemm+...").
  static bool isEpilogueReference(llvm::StringRef reference) {
    return reference.starts_with("gemm+");
  }
  /// The steps of "gemm+STEP+...". Errors: an empty or unknown step (the
  /// message lists the known ones), more than kMaxEpilogueSteps steps, a
  /// reference that does not start with "gemm+".
  static llvm::Expected<GemmEpilogue> parse(llvm::StringRef reference);

  /// Whether step `s` takes an argument (bias, residual).
  bool takesOperand(size_t s) const {
    return steps[s] == kEpilogueBias || steps[s] == kEpilogueResidual;
  }
  /// The number of arguments the steps take (between B and C).
  unsigned operandCount() const;
  /// The name the expected signature gives the operand of step `s`:
  /// "Bias" and "R", numbered when a kind occurs more than once.
  std::string operandName(size_t s) const;
  /// The expected signature, e.g. "(A: M x K, B: K x N (or N x K), Bias:
  /// N, C: M x N, written by the kernel)".
  std::string signature() const;
  /// What C is, e.g. "C = gelu(A B + Bias)".
  std::string formula() const;

  /// The epilogue applied to `product` in double: `operands[k]` is the
  /// value (at this element) of the k-th step that takes an argument.
  double apply(double product, const double *operands) const;
};

/// The name of a step ("bias", "gelu", ...).
const char *epilogueOpName(EpilogueOp op);

/// The range tile-run fills bias and residual arguments with (uniform), so
/// that the tests use it too (docs/verification.md says why this one): next
/// to a product of K-term rows with inputs in [-1, 1] (standard deviation
/// sqrt(K / 9)), a bias or residual in [-1, 1] moves most elements by more
/// than a bf16 output's bound (2^-7 |C|) up to K = 16384 at least, so that
/// a missing, doubled or misplaced one is seen, and leaves the product the
/// larger part of C, so that bugs of the product are not hidden either.
constexpr double kEpilogueOperandLo = -1.0, kEpilogueOperandHi = 1.0;

} // namespace runtime
} // namespace tile

#endif // TILE_RUNTIME_GEMMEPILOGUE_H
