//===- RowReference.cpp - exact softmax and layernorm rows on the host ----===//

#include "tile/Runtime/RowReference.h"

#include <algorithm>
#include <cmath>

using namespace tile::runtime;

// Plain double sums: over at most a few million terms of at most 24
// significant bits they are good to ~1e-10 relative, far below what any
// fp32 result is checked at.

void tile::runtime::softmaxRow(const float *x, int64_t cols, double *y) {
  double m = -INFINITY;
  for (int64_t j = 0; j < cols; ++j)
    m = std::max(m, static_cast<double>(x[j]));
  double sum = 0;
  for (int64_t j = 0; j < cols; ++j) {
    y[j] = std::exp(static_cast<double>(x[j]) - m);
    sum += y[j];
  }
  for (int64_t j = 0; j < cols; ++j)
    y[j] /= sum;
}

double tile::runtime::layerNormRow(const float *x, const float *w,
                                   const float *b, int64_t cols, double eps,
                                   double *y) {
  double sum = 0;
  for (int64_t j = 0; j < cols; ++j)
    sum += x[j];
  double mean = sum / static_cast<double>(cols);
  // Two passes: the variance around the mean, not E[x^2] - mean^2.
  double squares = 0;
  for (int64_t j = 0; j < cols; ++j) {
    double d = x[j] - mean;
    squares += d * d;
  }
  double rstd = 1.0 / std::sqrt(squares / static_cast<double>(cols) + eps);
  double scale = 1;
  for (int64_t j = 0; j < cols; ++j) {
    double n = (x[j] - mean) * rstd;
    scale = std::max(scale, std::fabs(n));
    y[j] = n * static_cast<double>(w[j]) + static_cast<double>(b[j]);
  }
  return scale;
}
