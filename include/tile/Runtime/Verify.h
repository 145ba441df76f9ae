//===- Verify.h - checking a kernel's output against its reference -*- C++ -*-===//
//
// How tile-run decides that a kernel is correct (docs/verification.md has the
// derivation of the bounds):
//
//  * every output element is compared with an fp32 reference under a
//    per-element bound  |out - ref| <= rtol * |ref| + atol * row[i] * col[j]
//    + floor, where rtol covers the rounding of the output type and atol the
//    accumulation error, scaled per row and column (GEMM: the norms of A's
//    row and B's column; attention: the row's 1/sqrt(effective keys));
//  * any non-finite output element fails, and so does any non-finite
//    reference element (nothing can be checked against it);
//  * tiles of the output whose error is far above that of the other tiles
//    fail even under the bound (a systematic error in one block);
//  * the padding of each row and guard bands around each buffer hold a NaN
//    canary that the kernel must leave untouched.
//
// Plain host code: no GPU needed, so the GPU-free tests check the checker.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_RUNTIME_VERIFY_H
#define TILE_RUNTIME_VERIFY_H

#include "tile/Compiler/LaunchInfo.h"
#include "tile/Runtime/CheckElement.h"
#include "tile/Runtime/EpilogueArgs.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tile {
namespace runtime {

/// The unit roundoff 2^-p of a float type with p significand bits (the
/// implicit one included): bf16 2^-8, f16 2^-11, f32 2^-24, f8e4m3 2^-4,
/// f8e5m2 2^-3. Round to nearest is within u * |x| of x. 0 for integers.
double unitRoundoff(ElementType type);

/// The bound of one element: rtol * |ref| + atol * rowScale[i] *
/// colScale[j] + floor (an empty scale vector means 1 for every row or
/// column). `scale` multiplies the whole bound (tile-run --tolerance).
struct ErrorBound {
  double rtol = 0;
  double atol = 0;
  double floor = 0;
  double scale = 1;
  std::vector<float> rowScale, colScale;

  double at(size_t row, size_t col, float ref) const {
    return elementBound(rtol, atol, floor, scale,
                        rowScale.empty() ? 1.0f : rowScale[row],
                        colScale.empty() ? 1.0f : colScale[col], ref);
  }
};

/// How far C = A B may be from the exact product when the kernel multiplies
/// `inType` operands with fp32 accumulation on the tensor cores and writes
/// `outType`:
///   |c - r| <= 2 u(out) |r| + kAccumulation u_acc sqrt(K) ||a_i|| ||b_j||
/// 2 u(out) is one unit in the last place of the output (the kernel's
/// rounding and the reference's may land on two neighbours). The second
/// term is the accumulation: the tensor cores add exact products in groups
/// and add each group to the fp32 accumulator by truncation, losing up to
/// one ulp (2 u_acc) of the running sum each time; the running sums of
/// random data grow like sqrt(k), so the loss over K products comes to
/// about u_acc sqrt(K) ||a_i|| ||b_j|| / 24 on average (||a_i|| ||b_j|| is
/// K times the typical product, and bounds sum_k |a_ik b_kj| by
/// Cauchy-Schwarz). Measured on the H100 (max over every element of
/// 4096^2 outputs, K up to 16384): 0.07 u_acc sqrt(K) ||a_i|| ||b_j||,
/// under a quarter of the bound. `rowNorms` are the 2-norms of A's rows,
/// `colNorms` of B's columns (of the dequantised values).
ErrorBound gemmErrorBound(ElementType inType, ElementType outType, int64_t K,
                          std::vector<float> rowNorms,
                          std::vector<float> colNorms);

/// How far O = softmax(s) V may be from the exact result when the kernel
/// rounds P to `pType` (the type of V) before P V and writes `outType`:
///   |o - r| <= 2 u(out) |r| + kSoftmax u(P) vmax rowScale + floor
/// Rounding each p_j with relative error <= u(P) moves o by
/// sum_j d_j p_j v_j / sum_j p_j: independent errors add up to about
/// u(P) vmax sqrt(sum p_j^2) / sum p_j = u(P) vmax rowScale (rowScale is
/// 1 / sqrt(the row's effective number of keys)); kSoftmax leaves room for
/// the tails over every element of O. `vmax` is max |V|.
ErrorBound attentionErrorBound(ElementType pType, ElementType outType,
                               double vmax, std::vector<float> rowScale);

/// How far Y = softmax(X) over rows of `cols` values may be from the exact
/// result when the kernel works in fp32 and writes `outType`:
///   |y - r| <= (2 u(out) + (kRowOps + kRowSum sqrt(cols)) u(f32)) |r|
///              + floor
/// Every error of an fp32 softmax is relative: the exponential (ex2.approx,
/// 2^-22, and the rounding of its argument), the division, and the fp32 sum
/// of `cols` positive terms, whose rounding errors add up like a random
/// walk (about u(f32) sqrt(cols / 3) for one running sum, the worst order).
ErrorBound softmaxErrorBound(ElementType outType, int64_t cols);

/// How far Y = X rsqrt(mean(X^2) + eps) W over rows of `cols` values may
/// be from the exact result when the kernel works in fp32 and writes
/// `outType`: softmaxErrorBound's form, since every error is relative to
/// the element again (products only; the fp32 sum of squares of `cols`
/// positive terms moves rsqrt by at most half its relative error).
ErrorBound rmsNormErrorBound(ElementType outType, int64_t cols);

/// How far Y = (X - mean) rsqrt(var + eps) W + B over rows of `cols` values
/// may be from the exact result when the kernel works in fp32 and writes
/// `outType`:
///   |y - r| <= 2 u(out) |r| + (kRowOps + kRowSum sqrt(cols)) u(f32)
///              rowScale[i] colScale[j] + floor
/// with rowScale[i] = max(1, max_j |n_ij|) (n the normalised row) and
/// colScale[j] = |W_j| + |B_j|: the fp32 errors are relative to n w and b,
/// not to their sum, which may cancel. The sqrt(cols) term covers the fp32
/// sums of the mean and the variance.
ErrorBound layerNormErrorBound(ElementType outType, int64_t cols,
                               std::vector<float> rowScale,
                               std::vector<float> colScale);

/// How far C = f(A B ...) may be from the exact result when the kernel
/// computes A B as gemmErrorBound assumes, applies the epilogue `steps`
/// (GemmEpilogue.h) to the fp32 accumulator in fp32 and writes `outType`:
///   |c - r| <= (2 u(out) + R) |r| + A ||a_i|| ||b_j|| + F + floor
/// The error of the fp32 pre-epilogue value is tracked step by step as
/// R |y| + A ||a_i|| ||b_j|| + F (y the step's exact result), starting from
/// the GEMM's accumulation term (A = kAccumulation u_acc sqrt(K), R = F =
/// 0):
///  * bias, residual (|v| <= `operandMaxAbs[s]`, the inputs exact in
///    fp32): the fp32 addition rounds by u |y|, and R |y_before| <=
///    R (|y| + |v|): F += R max|v|, then R += u;
///  * gelu, silu (f): an absolute error e becomes at most L e (L the
///    largest |f'|: kGeluLipschitz, kSiluLipschitz); a relative one d
///    at most d (kActivationKappa |f(y)| + kActivationLambda) (|y f'(y)|
///    <= 1.5 |f(y)| + 0.125 for both); and the fp32 evaluation adds
///    kActivationEvalRel u |f(y)| + kActivationEvalAbs u (measured worst
///    cases, the approximate ex2 off by 2^-22 either way: gelu 2 u |f| +
///    5.2 u, silu 4 u |f| + 0.8 u). So A *= L, F = L F + lambda R +
///    evalAbs u, R = kappa R + evalRel u.
/// The last R |r| gets u more for the reference's own rounding to fp32;
/// the GEMM term propagated through L covers the difference of the
/// kernel's and the reference's products, as it does for a plain GEMM.
/// `operandMaxAbs` has one entry per step (ignored for activations).
ErrorBound gemmEpilogueErrorBound(ElementType inType, ElementType outType,
                                  int64_t K, llvm::ArrayRef<EpilogueOp> steps,
                                  llvm::ArrayRef<double> operandMaxAbs,
                                  std::vector<float> rowNorms,
                                  std::vector<float> colNorms);

/// The constants of the bounds (docs/verification.md has the derivations
/// and the measurements behind them).
constexpr double kAccumulation = 0.25;
constexpr double kSoftmax = 4;
constexpr double kRowOps = 32;
constexpr double kRowSum = 4;
/// GEMM epilogues: the largest |f'| of GELU's tanh form (1.1290) and of
/// SiLU (1.0998); |y f'(y)| <= kappa |f(y)| + lambda for both (y > 0:
/// y f' <= 1.3 f; y < 0: at most 0.104 over kappa |f|); the fp32
/// evaluation error of either, in units of u(f32), relative to |f(y)| and
/// absolute.
constexpr double kGeluLipschitz = 1.13;
constexpr double kSiluLipschitz = 1.1;
constexpr double kActivationKappa = 1.5;
constexpr double kActivationLambda = 0.125;
constexpr double kActivationEvalRel = 8;
constexpr double kActivationEvalAbs = 16;

/// A rows x cols output in host memory, row r at data + r * pitch elements.
struct OutputView {
  const void *data = nullptr;
  ElementType type = ElementType::F32;
  size_t rows = 0, cols = 0, pitch = 0;
};

struct CheckOptions {
  /// The output is cut into tiles of tileRows x tileCols for the outlier
  /// check (the smallest block a kernel writes).
  size_t tileRows = 64, tileCols = 64;
  /// A tile fails when the RMS of its error/bound ratios exceeds both
  /// outlierFloor and outlierFactor times the median tile's.
  double outlierFactor = 8, outlierFloor = 0.25;
  /// Worker threads (0: the hardware concurrency for large outputs).
  unsigned threads = 0;
};

/// One element as the checker saw it.
struct ElementReport {
  size_t row = 0, col = 0;
  double got = 0, expected = 0, bound = 0;
};

struct CheckResult {
  size_t count = 0;        // elements compared
  size_t overBound = 0;    // finite outputs over their bound
  size_t nanCount = 0;     // NaN outputs (the poison: unwritten elements)
  size_t infCount = 0;     // infinite outputs
  size_t refNonFinite = 0; // NaN or infinite reference elements
  /// max |out - ref| / bound over finite pairs (inf if the bound is 0 and
  /// they differ), and where it was.
  double maxRatio = 0;
  ElementReport worst;
  /// The first non-finite output or reference element, if any.
  ElementReport firstNonFinite;
  /// ||out - ref||_F / ||ref||_F over finite pairs (for information).
  double relativeError = 0;
  /// Tiles: the median and largest RMS of error/bound, and where the
  /// largest is (tile coordinates); tileOutlier when it fails the check.
  double medianTileRms = 0, worstTileRms = 0;
  size_t worstTileRow = 0, worstTileCol = 0;
  bool tileOutlier = false;
  size_t tileRows = 64, tileCols = 64; // the tile size used

  size_t nonFinite() const { return nanCount + infCount; }
  bool ok() const {
    return overBound == 0 && nonFinite() == 0 && refNonFinite == 0 &&
           !tileOutlier;
  }
  /// Why it failed, e.g. "12 of 1048576 elements over the bound (worst at
  /// [3, 7]: 1.5 vs 2.25, bound 0.0093)"; "" when ok(). `where` formats an
  /// element's coordinates (default "[row, col]").
  std::string failure(
      const std::function<std::string(size_t, size_t)> &where = {}) const;
};

/// Compares every element of `out` with `ref` (packed rows x cols fp32).
/// (tile-run runs the same check on the GPU: ReferenceKernels::check.)
CheckResult checkOutput(const OutputView &out, const float *ref,
                        const ErrorBound &bound,
                        const CheckOptions &options = {});

/// The statistics of each tile of a rows x cols output (tile (tr, tc) at
/// tr * tileColsCount + tc), as the host or the device checker computed them,
/// turned into the result: totals, the worst element, the first non-finite
/// one and the tile outlier check.
CheckResult summarizeTiles(llvm::ArrayRef<TileStats> tiles, size_t rows,
                           size_t cols, const CheckOptions &options);

/// One expected value of an independent (exact) reference.
struct ExpectedPoint {
  size_t row = 0, col = 0;
  double value = 0;
  double bound = 0;
};

/// Compares the listed elements of `out` (no tiles).
CheckResult checkPoints(const OutputView &out,
                        llvm::ArrayRef<ExpectedPoint> points);

//===----------------------------------------------------------------------===//
// Canaries: padding and guard bands
//===----------------------------------------------------------------------===//

/// How a tensor sits in its allocation: `guardBytes` of canary, then `rows`
/// rows of `pitch` elements of which the first `cols` are data and the rest
/// canary (the padding), then `guardBytes` of canary again.
struct GuardedLayout {
  ElementType type = ElementType::F32;
  size_t rows = 0, cols = 0, pitch = 0;
  size_t guardBytes = 0;

  size_t dataBytes() const { return rows * pitch * elementSize(type); }
  size_t totalBytes() const { return dataBytes() + 2 * guardBytes; }
};

/// The layout of a tensor of `type` with `extents` (outermost first): rows
/// padded to 16 bytes (what TMA needs of every stride) unless `packed`.
/// Nothing when an extent is not positive or a byte count overflows (or
/// exceeds 2^62).
std::optional<GuardedLayout> makeGuardedLayout(ElementType type,
                                               llvm::ArrayRef<int64_t> extents,
                                               bool packed,
                                               size_t guardBytes);

/// Writes the canary element of `type` `count` times: a NaN with a payload
/// (bf16/f16 0x7FA5, f32 0x7FA5A5A5, f8 0x7F) that the output poison
/// (all bits set) and real results never equal.
void fillCanary(void *data, ElementType type, size_t count);

/// The canary element as a little-endian integer (for the device check).
uint64_t canaryPattern(ElementType type);

/// A host image of the whole allocation: guards and padding hold the
/// canary; the data is `packed` (rows x cols, row-major) or, when null, the
/// poison (every byte 0xFF: NaN for every float type).
std::vector<char> makeGuardedImage(const GuardedLayout &layout,
                                   const void *packed);

/// Canary elements of an image that are no longer the canary.
struct CanaryReport {
  size_t damaged = 0;  // elements (guards: element-sized slots)
  std::string first;   // where the first one is, e.g. "padding of row 3,
                       // column 1333" or "12 bytes after the end"
  bool ok() const { return damaged == 0; }
};
CanaryReport checkCanaries(const GuardedLayout &layout, const char *image);
/// The same for the guard bands alone (`before`, `after`: guardBytes each).
CanaryReport checkGuards(const GuardedLayout &layout, const char *before,
                         const char *after);

/// A 64-bit hash of `bytes` (to see that an input was not written): the
/// sum of hashWordTerm over its 64-bit words, finished by finishHash.
uint64_t hashBytes(const void *data, size_t bytes);
/// The hash of `bytes` bytes from the sum of their whole words' terms and
/// the `bytes % 8` bytes after them (`tail`).
uint64_t finishHash(uint64_t wordSum, const void *tail, size_t bytes);

} // namespace runtime
} // namespace tile

#endif // TILE_RUNTIME_VERIFY_H
