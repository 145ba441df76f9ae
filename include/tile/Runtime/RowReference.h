//===- RowReference.h - exact softmax and layernorm rows ------*- C++ -*-===//
//
// One row of Y = softmax(X) or Y = layer_norm(X) W + B, computed on the host
// in double: the exact reference that tile-run's sample of rows (and the
// tests of the GPU reference kernels) compare with. Plain host code (no
// GPU).
//
//===----------------------------------------------------------------------===//
#ifndef TILE_RUNTIME_ROWREFERENCE_H
#define TILE_RUNTIME_ROWREFERENCE_H

#include <cstdint>

namespace tile {
namespace runtime {

/// y[j] = exp(x[j] - max x) / sum_k exp(x[k] - max x) over `cols` values,
/// in double.
void softmaxRow(const float *x, int64_t cols, double *y);

/// y[j] = (x[j] - mean) / sqrt(var + eps) * w[j] + b[j] over `cols` values,
/// in double, with the mean and the biased variance (divided by cols) of
/// the row, as torch.nn.functional.layer_norm. Returns max(1, max_j |n_j|)
/// with n_j = (x[j] - mean) / sqrt(var + eps): the row scale of
/// layerNormErrorBound (Verify.h).
double layerNormRow(const float *x, const float *w, const float *b,
                    int64_t cols, double eps, double *y);

/// The ranges tile-run fills the inputs with (uniform), here so that the
/// tests use them too (docs/verification.md says why these). Softmax's X
/// has unit variance, like the peers' torch.randn: the largest p of a row
/// is 32 times the smallest, and values that should not take part (a row's
/// zero padding) would add as much as typical ones. Layernorm's X has a
/// variance of about 3 eps (eps = 1e-5), so that eps moves every output by
/// ~14% (at unit variance no eps bug would show), and a mean of 0.87
/// standard deviations, so that padding or a missing mean in the variance
/// does not go unseen; W and B have unit variance.
constexpr double kSoftmaxInputLo = -1.7320508075688772,
                 kSoftmaxInputHi = 1.7320508075688772;
constexpr double kLayerNormInputLo = -0.005, kLayerNormInputHi = 0.015;
/// RMSNorm's X: mean(X^2) = 8.3e-6, so that its eps (1e-6) moves every
/// output by about 6% (at unit variance a wrong eps would not show).
constexpr double kRmsNormInputLo = -0.005, kRmsNormInputHi = 0.005;
constexpr double kLayerNormAffineLo = -1.7320508075688772,
                 kLayerNormAffineHi = 1.7320508075688772;

/// How far the GPU reference (ReferenceKernels.h: double arithmetic, the
/// result rounded to fp32) may be from the exact row: the rounding to fp32,
/// with room for a double exp or sqrt a unit off, relative to the value
/// plus, for layernorm, kRowReferenceAtol times the row scale times
/// |w| + |b| (the terms of n w + b, which may cancel). Thousands of times
/// tighter than any kernel is checked at.
constexpr double kRowReferenceRtol = 0x1p-22;
constexpr double kRowReferenceAtol = 0x1p-30;
inline double rowReferenceLimit(double exact, double termScale = 0) {
  return kRowReferenceRtol * (exact < 0 ? -exact : exact) +
         kRowReferenceAtol * termScale + 1e-30;
}

} // namespace runtime
} // namespace tile

#endif // TILE_RUNTIME_ROWREFERENCE_H
