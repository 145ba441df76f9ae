//===- RowVerifyTest.cpp - the softmax and layernorm bounds ---------------===//
//
// GPU-free proof that the bounds of reference = "softmax" and "layernorm"
// (softmaxErrorBound, layerNormErrorBound in tile/Runtime/Verify.h) pass what
// a correct fp32 kernel writes, in the worst order it could sum in, rounded
// to each output type, and reject wrong kernels: rows swapped, the
// normalisation or the bias left out, the mean not subtracted, eps wrong or
// missing, a sum that misses the last partial block, exp taken in base 2,
// and test/mutants' softmax-no-mask and layernorm-unmasked-variance: a
// row's zero padding up to the block (1024 for 1000 columns) taken into
// the sum or the variance.
// The "kernels" below work as a tile kernel would: fp32 throughout, ex2 and
// rsqrt with the hardware approximations' error (2^-22 relative, signs
// scattered), one running fp32 sum over the whole row (the worst order:
// real kernels split it over lanes and merge in a tree).
//
//===----------------------------------------------------------------------===//

#include "tile/Runtime/HostData.h"
#include "tile/Runtime/RowReference.h"
#include "tile/Runtime/Verify.h"

#include "gtest/gtest.h"

#include <cmath>
#include <vector>

using namespace tile;
using namespace tile::runtime;

namespace {

/// The relative error of a hardware approximation (ex2.approx.f32,
/// rsqrt.approx.f32: about 2^-22), with a sign that depends on `i`.
float approx(float exact, size_t i) {
  float delta = ((i * 2654435761u) >> 7) % 3 == 0 ? -0x1p-22f : 0x1p-22f;
  return exact * (1.0f + delta);
}

/// Packed output of `type` from fp32 values (rounded to nearest even).
std::vector<char> rounded(const std::vector<float> &values, ElementType type) {
  std::vector<char> out(values.size() * elementSize(type));
  for (size_t i = 0; i < values.size(); ++i)
    storeElement(out.data(), type, i, values[i]);
  return out;
}

const ElementType kOutTypes[] = {ElementType::BF16, ElementType::F16,
                                 ElementType::F32};

//===----------------------------------------------------------------------===//
// softmax
//===----------------------------------------------------------------------===//

enum class SoftmaxBug {
  None,
  SwappedRows,
  NoDivision,
  ShortSum,     // the last block of 64 (partial) left out of the sum
  PaddedSum,    // zeros up to a multiple of 1024 in the sum (no mask)
  Exp2
};

/// The zero padding of a row of `cols` in a block of a power of two >= 1024
/// (as kernels/softmax.mlir picks BLOCK_C).
size_t paddingOf(size_t cols) {
  size_t block = 1024;
  while (block < cols)
    block *= 2;
  return block - cols;
}

struct SoftmaxCase {
  size_t rows, cols;
  std::vector<float> x;   // bf16 values, tile-run's range
  std::vector<float> ref; // the GPU reference: exact, rounded to fp32

  SoftmaxCase(size_t rows, size_t cols) : rows(rows), cols(cols) {
    std::vector<uint16_t> bits(rows * cols);
    fillRandom(bits.data(), ElementType::BF16, bits.size(), 21,
               kSoftmaxInputLo, kSoftmaxInputHi);
    x.resize(bits.size());
    convertElements(bits.data(), ElementType::BF16, x.data(),
                    ElementType::F32, x.size());
    ref.resize(x.size());
    std::vector<double> y(cols);
    for (size_t r = 0; r < rows; ++r) {
      softmaxRow(&x[r * cols], cols, y.data());
      for (size_t j = 0; j < cols; ++j)
        ref[r * cols + j] = static_cast<float>(y[j]);
    }
  }

  /// What an fp32 kernel writes (before the rounding to the output type).
  std::vector<float> kernel(SoftmaxBug bug = SoftmaxBug::None) const {
    std::vector<float> out(x.size());
    const float log2e = 1.4426950408889634f;
    for (size_t r = 0; r < rows; ++r) {
      const float *row = &x[r * cols];
      float m = -INFINITY;
      for (size_t j = 0; j < cols; ++j)
        m = std::max(m, row[j]);
      std::vector<float> e(cols);
      float sum = 0;
      for (size_t j = 0; j < cols; ++j) {
        float t = (row[j] - m) * (bug == SoftmaxBug::Exp2 ? 1.0f : log2e);
        e[j] = approx(std::exp2(t), r * cols + j);
        // The last block of 64 (partial when cols % 64 != 0) left out.
        if (bug != SoftmaxBug::ShortSum || j < (cols - 1) / 64 * 64)
          sum += e[j];
      }
      if (bug == SoftmaxBug::PaddedSum)
        for (size_t j = 0; j < paddingOf(cols); ++j)
          sum += approx(std::exp2((0.0f - m) * log2e), j);
      float inv = 1.0f / sum;
      size_t to = bug == SoftmaxBug::SwappedRows ? r ^ 1 : r;
      for (size_t j = 0; j < cols; ++j)
        out[to * cols + j] = bug == SoftmaxBug::NoDivision ? e[j] : e[j] * inv;
    }
    return out;
  }

  CheckResult check(const std::vector<float> &values, ElementType type) const {
    std::vector<char> out = rounded(values, type);
    return checkOutput({out.data(), type, rows, cols, cols}, ref.data(),
                       softmaxErrorBound(type, cols));
  }
};

TEST(RowVerify, SoftmaxBoundPassesCorrectOutputs) {
  // Columns a multiple of nothing, a single column, long rows (the sqrt(C)
  // term against one running fp32 sum of 16384 terms).
  for (auto [rows, cols] : {std::pair<size_t, size_t>{128, 1000}, {64, 1},
                            {16, 16384}}) {
    SoftmaxCase c(rows, cols);
    std::vector<float> good = c.kernel();
    for (ElementType type : kOutTypes) {
      SCOPED_TRACE(testing::Message() << rows << " x " << cols << " "
                                      << elementTypeName(type));
      CheckResult r = c.check(good, type);
      EXPECT_TRUE(r.ok()) << r.failure();
      // The rounding to a 16-bit type takes at most half of the bound; one
      // running fp32 sum of 16384 terms about a third of it.
      EXPECT_LT(r.maxRatio, type == ElementType::F32 ? 0.5 : 0.55);
    }
  }
}

TEST(RowVerify, SoftmaxBoundRejectsWrongKernels) {
  SoftmaxCase c(128, 1000);
  struct Wrong {
    SoftmaxBug bug;
    const char *what;
  };
  for (Wrong w : {Wrong{SoftmaxBug::SwappedRows, "rows swapped"},
                  Wrong{SoftmaxBug::NoDivision, "no division by the sum"},
                  Wrong{SoftmaxBug::ShortSum, "last partial block not summed"},
                  Wrong{SoftmaxBug::PaddedSum, "padding in the sum"},
                  Wrong{SoftmaxBug::Exp2, "2^x instead of e^x"}}) {
    std::vector<float> bad = c.kernel(w.bug);
    for (ElementType type : kOutTypes) {
      SCOPED_TRACE(testing::Message() << w.what << ", "
                                      << elementTypeName(type));
      CheckResult r = c.check(bad, type);
      EXPECT_FALSE(r.ok());
      // Not one unlucky element: most of the output is off.
      EXPECT_GT(r.overBound, c.rows * c.cols / 2);
    }
  }
  // A single element off by 2 units of bf16 (4 of its rounding) is seen.
  std::vector<float> one = c.kernel();
  one[77 * 1000 + 500] *= 1 + 4 * unitRoundoff(ElementType::BF16);
  CheckResult r = c.check(one, ElementType::BF16);
  EXPECT_EQ(r.overBound, 1u);
  EXPECT_EQ(r.worst.row, 77u);
  EXPECT_EQ(r.worst.col, 500u);
}

//===----------------------------------------------------------------------===//
// layernorm
//===----------------------------------------------------------------------===//

enum class LayerNormBug {
  None,
  SwappedRows,
  NoBias,
  NoMean,
  NoEps,
  WrongEps,         // 1e-6 for 1e-5
  UnbiasedVariance, // divided by C - 1 (torch.var's default, not layer_norm's)
  PaddedVariance    // (0 - mean)^2 of the zero padding in the variance
};

struct LayerNormCase {
  size_t rows, cols;
  float eps = 1e-5f;
  std::vector<float> x, w, b; // bf16 values, tile-run's ranges
  std::vector<float> ref;     // exact, rounded to fp32
  std::vector<float> rowScale, colScale;

  LayerNormCase(size_t rows, size_t cols) : rows(rows), cols(cols) {
    auto bf16Values = [](size_t n, uint64_t seed, double lo, double hi) {
      std::vector<uint16_t> bits(n);
      fillRandom(bits.data(), ElementType::BF16, n, seed, lo, hi);
      std::vector<float> v(n);
      convertElements(bits.data(), ElementType::BF16, v.data(),
                      ElementType::F32, n);
      return v;
    };
    x = bf16Values(rows * cols, 31, kLayerNormInputLo, kLayerNormInputHi);
    w = bf16Values(cols, 32, kLayerNormAffineLo, kLayerNormAffineHi);
    b = bf16Values(cols, 33, kLayerNormAffineLo, kLayerNormAffineHi);
    ref.resize(x.size());
    rowScale.resize(rows);
    colScale.resize(cols);
    for (size_t j = 0; j < cols; ++j)
      colScale[j] = std::fabs(w[j]) + std::fabs(b[j]);
    std::vector<double> y(cols);
    for (size_t r = 0; r < rows; ++r) {
      rowScale[r] = static_cast<float>(
          layerNormRow(&x[r * cols], w.data(), b.data(), cols, eps, y.data()));
      for (size_t j = 0; j < cols; ++j)
        ref[r * cols + j] = static_cast<float>(y[j]);
    }
  }

  /// What an fp32 kernel writes: one running sum for the mean, the
  /// variance in one pass as E[x^2] - mean^2 (the less accurate way),
  /// rsqrt with its approximation error.
  std::vector<float> kernel(LayerNormBug bug = LayerNormBug::None) const {
    std::vector<float> out(x.size());
    for (size_t r = 0; r < rows; ++r) {
      const float *row = &x[r * cols];
      float sum = 0, squares = 0;
      for (size_t j = 0; j < cols; ++j) {
        sum += row[j];
        squares += row[j] * row[j];
      }
      float n = static_cast<float>(cols);
      float mean = bug == LayerNormBug::NoMean ? 0.0f : sum / n;
      float var = squares / n - (sum / n) * (sum / n);
      if (bug == LayerNormBug::PaddedVariance)
        var += paddingOf(cols) * (sum / n) * (sum / n) / n;
      if (bug == LayerNormBug::UnbiasedVariance)
        var = var * n / (n - 1);
      float e = bug == LayerNormBug::NoEps      ? 0.0f
                : bug == LayerNormBug::WrongEps ? 1e-6f
                                                : eps;
      float rstd = approx(1.0f / std::sqrt(var + e), r);
      size_t to = bug == LayerNormBug::SwappedRows ? r ^ 1 : r;
      for (size_t j = 0; j < cols; ++j) {
        float y = (row[j] - mean) * rstd * w[j];
        if (bug != LayerNormBug::NoBias)
          y += b[j];
        out[to * cols + j] = y;
      }
    }
    return out;
  }

  CheckResult check(const std::vector<float> &values, ElementType type) const {
    std::vector<char> out = rounded(values, type);
    return checkOutput({out.data(), type, rows, cols, cols}, ref.data(),
                       layerNormErrorBound(type, cols, rowScale, colScale));
  }
};

TEST(RowVerify, LayerNormBoundPassesCorrectOutputs) {
  for (auto [rows, cols] : {std::pair<size_t, size_t>{128, 1000}, {64, 1},
                            {16, 16384}}) {
    LayerNormCase c(rows, cols);
    std::vector<float> good = c.kernel();
    for (ElementType type : kOutTypes) {
      SCOPED_TRACE(testing::Message() << rows << " x " << cols << " "
                                      << elementTypeName(type));
      CheckResult r = c.check(good, type);
      EXPECT_TRUE(r.ok()) << r.failure();
      EXPECT_LT(r.maxRatio, type == ElementType::F32 ? 0.35 : 0.55);
    }
  }
  // One column: n is 0, y is B exactly, whatever X and eps are.
  LayerNormCase one(64, 1);
  for (size_t r = 0; r < 64; ++r)
    EXPECT_EQ(one.ref[r], one.b[0]);
}

TEST(RowVerify, LayerNormBoundRejectsWrongKernels) {
  LayerNormCase c(128, 1000);
  const size_t all = c.rows * c.cols;
  struct Wrong {
    LayerNormBug bug;
    const char *what;
    size_t over16; // elements over the bound of a 16-bit output, at least
  };
  for (Wrong w :
       {Wrong{LayerNormBug::SwappedRows, "rows swapped", all / 2},
        Wrong{LayerNormBug::NoBias, "no bias", all / 2},
        Wrong{LayerNormBug::NoMean, "mean not subtracted", all / 2},
        Wrong{LayerNormBug::NoEps, "no eps", all / 2},
        Wrong{LayerNormBug::WrongEps, "eps 1e-6 for 1e-5", all / 2},
        // C - 1 for C moves y by 0.05% of n w: over the bound of a 16-bit
        // output only where n w + b nearly cancels.
        Wrong{LayerNormBug::UnbiasedVariance, "variance divided by C - 1", 1},
        // 24 (-mean)^2 in the variance: n w off by 0.9%, about a 16-bit
        // output's bound.
        Wrong{LayerNormBug::PaddedVariance, "padding in the variance",
              all / 10}}) {
    std::vector<float> bad = c.kernel(w.bug);
    for (ElementType type : kOutTypes) {
      SCOPED_TRACE(testing::Message() << w.what << ", "
                                      << elementTypeName(type));
      CheckResult r = c.check(bad, type);
      EXPECT_FALSE(r.ok());
      // An f32 output is off nearly everywhere.
      EXPECT_GE(r.overBound, type == ElementType::F32 ? all / 2 : w.over16);
    }
  }
  // A single element off by 4 units of bf16's rounding is seen.
  std::vector<float> one = c.kernel();
  one[3 * 1000 + 999] += 4 * unitRoundoff(ElementType::BF16) *
                         (std::fabs(c.ref[3 * 1000 + 999]) + 1);
  CheckResult r = c.check(one, ElementType::BF16);
  EXPECT_EQ(r.overBound, 1u);
  EXPECT_EQ(r.worst.row, 3u);
  EXPECT_EQ(r.worst.col, 999u);
}

//===----------------------------------------------------------------------===//
// The exact rows
//===----------------------------------------------------------------------===//

TEST(RowVerify, ExactRows) {
  // softmax(a, a + d) = (1, e^d) / (1 + e^d), whatever a is (d is ln 3 as
  // far as floats near 100 get).
  float x[2] = {100.0f, 100.0f + static_cast<float>(std::log(3.0))};
  double d = static_cast<double>(x[1]) - x[0];
  double y[2];
  softmaxRow(x, 2, y);
  EXPECT_NEAR(y[0], 1 / (1 + std::exp(d)), 1e-15);
  EXPECT_NEAR(y[1], std::exp(d) / (1 + std::exp(d)), 1e-15);
  EXPECT_NEAR(y[1], 0.75, 1e-5);
  float one = 7;
  softmaxRow(&one, 1, y);
  EXPECT_EQ(y[0], 1.0);

  // layer_norm((1, 3, 5)): mean 3, biased variance 8/3, so n = (-1, 0, 1)
  // * sqrt(3/2) / sqrt(1 + 3 eps / 8); then times w, plus b.
  float v[3] = {1, 3, 5}, w[3] = {2, 1, -1}, b[3] = {0.5f, -1, 0};
  double out[3];
  double eps = 1e-5;
  double scale = layerNormRow(v, w, b, 3, eps, out);
  double n = 2 / std::sqrt(8.0 / 3 + eps);
  EXPECT_NEAR(out[0], -2 * n + 0.5, 1e-12);
  EXPECT_NEAR(out[1], -1, 1e-12);
  EXPECT_NEAR(out[2], -n, 1e-12);
  EXPECT_NEAR(scale, n, 1e-12);
  // A constant row normalises to 0; the row scale is at least 1.
  float flat[4] = {2, 2, 2, 2}, ones[4] = {1, 1, 1, 1}, zeros[4] = {};
  double z[4];
  EXPECT_EQ(layerNormRow(flat, ones, zeros, 4, eps, z), 1.0);
  for (double zi : z)
    EXPECT_EQ(zi, 0.0);
}



//===----------------------------------------------------------------------===//
// rmsnorm (rmsNormErrorBound): an fp32 kernel passes, wrong ones fail
//===----------------------------------------------------------------------===//

enum class RmsBug { None, NoWeight, MeanOverBlock, LargeEps };

/// Y = X rsqrt(mean(X^2) + eps) W: exact (double) when `exact`, else as an
/// fp32 kernel computes it (one running sum, rsqrt with its 2^-22 error).
std::vector<float> rmsNorm(const std::vector<float> &x,
                           const std::vector<float> &w, size_t rows,
                           size_t cols, bool exact, RmsBug bug = RmsBug::None) {
  std::vector<float> y(rows * cols);
  for (size_t r = 0; r < rows; ++r) {
    const float *row = &x[r * cols];
    double rstd;
    if (exact) {
      double sq = 0;
      for (size_t j = 0; j < cols; ++j)
        sq += double(row[j]) * row[j];
      rstd = 1.0 / std::sqrt(sq / double(cols) + 1e-6);
    } else {
      float sq = 0;
      for (size_t j = 0; j < cols; ++j)
        sq += row[j] * row[j];
      float n = bug == RmsBug::MeanOverBlock ? 1024.0f : float(cols);
      float eps = bug == RmsBug::LargeEps ? 1e-5f : 1e-6f;
      rstd = approx(1.0f / std::sqrt(sq * (1.0f / n) + eps), r);
    }
    for (size_t j = 0; j < cols; ++j) {
      float v = exact ? static_cast<float>(double(row[j]) * rstd * w[j])
                      : static_cast<float>(row[j] * float(rstd));
      y[r * cols + j] = exact || bug == RmsBug::NoWeight ? v : v * w[j];
    }
  }
  return y;
}

TEST(RowVerify, RmsNormBoundPassesCorrectAndRejectsWrongOutputs) {
  const size_t rows = 64, cols = 1000;
  std::vector<float> x(rows * cols), w(cols);
  fillRandom(x.data(), ElementType::F32, x.size(), 5, kRmsNormInputLo,
             kRmsNormInputHi);
  fillRandom(w.data(), ElementType::F32, w.size(), 6, kSoftmaxInputLo,
             kSoftmaxInputHi);
  // The inputs as bf16 would give them.
  for (float &v : x)
    v = bf16ToFloat(floatToBF16(v));
  for (float &v : w)
    v = bf16ToFloat(floatToBF16(v));
  std::vector<float> ref = rmsNorm(x, w, rows, cols, /*exact=*/true);
  for (ElementType type : kOutTypes) {
    SCOPED_TRACE(elementTypeName(type));
    auto check = [&](RmsBug bug) {
      std::vector<char> out =
          rounded(rmsNorm(x, w, rows, cols, /*exact=*/false, bug), type);
      return checkOutput({out.data(), type, rows, cols, cols}, ref.data(),
                         rmsNormErrorBound(type, cols));
    };
    CheckResult good = check(RmsBug::None);
    EXPECT_TRUE(good.ok()) << good.failure();
    EXPECT_LT(good.maxRatio, 0.75);
    for (RmsBug bug :
         {RmsBug::NoWeight, RmsBug::MeanOverBlock, RmsBug::LargeEps})
      EXPECT_FALSE(check(bug).ok()) << static_cast<int>(bug);
  }
}

} // namespace
