//===- RowReferenceCase.h - inputs and checks for the row references -----===//
//
// The softmax and layernorm reference kernels are tested twice, on the same
// cases: under the CPU emulation in the GPU-free suite
// (ReferenceKernelsTest.cpp) and on the GPU (RuntimeGpuTest.cpp). This
// header builds a case's inputs, laid out as tile-run lays them out (rows
// padded to 16 bytes), with the exact rows, and checks a result against
// them.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_UNITTESTS_ROWREFERENCECASE_H
#define TILE_UNITTESTS_ROWREFERENCECASE_H

#include "tile/Runtime/HostData.h"
#include "tile/Runtime/RowReference.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

namespace tile {
namespace runtime {

struct RowCase {
  int64_t rows, cols;
  ElementType type; // of X, W and B
};

/// Row counts that leave a block partly empty, a column count that is a
/// multiple of nothing, a single column, the longest rows tile-run is meant
/// for (65536), and every input type.
inline const std::vector<RowCase> &rowCases() {
  static const std::vector<RowCase> cases = {
      {37, 1000, ElementType::BF16}, {5, 1, ElementType::F16},
      {3, 65536, ElementType::BF16}, {9, 97, ElementType::F32},
      {16, 4099, ElementType::F16},  {1, 31, ElementType::F8E4M3}};
  return cases;
}

inline std::string describe(const RowCase &c) {
  return std::to_string(c.rows) + " x " + std::to_string(c.cols) + " " +
         elementTypeName(c.type);
}

/// A case's inputs and exact results: X (rows padded to 16 bytes), W and B,
/// and the exact softmax and layernorm of every row with eps.
struct RowCaseData {
  int64_t pitch = 0;           // elements
  std::vector<char> x, w, b;   // as the device holds them
  std::vector<double> softmax, layerNorm; // rows x cols
  std::vector<double> rowScale;           // layernorm's, per row
  std::vector<float> colScale;            // |w| + |b|
  float eps = 1e-5f;
};

/// Inputs in tile-run's ranges (RowReference.h).
inline RowCaseData makeRowCase(const RowCase &c, bool forLayerNorm) {
  RowCaseData d;
  size_t e = elementSize(c.type);
  d.pitch = (c.cols * e + 15) / 16 * 16 / e;
  std::vector<char> packed(c.rows * c.cols * e);
  double lo = forLayerNorm ? kLayerNormInputLo : kSoftmaxInputLo,
         hi = forLayerNorm ? kLayerNormInputHi : kSoftmaxInputHi;
  fillRandom(packed.data(), c.type, c.rows * c.cols, 11, lo, hi);
  d.x.assign(c.rows * d.pitch * e, 0);
  for (int64_t r = 0; r < c.rows; ++r)
    std::memcpy(&d.x[r * d.pitch * e], &packed[r * c.cols * e], c.cols * e);
  d.w.resize(c.cols * e);
  d.b.resize(c.cols * e);
  fillRandom(d.w.data(), c.type, c.cols, 12, kLayerNormAffineLo,
             kLayerNormAffineHi);
  fillRandom(d.b.data(), c.type, c.cols, 13, kLayerNormAffineLo,
             kLayerNormAffineHi);
  std::vector<float> xf(c.rows * c.cols), wf(c.cols), bf(c.cols);
  convertElements(packed.data(), c.type, xf.data(), ElementType::F32,
                  xf.size());
  convertElements(d.w.data(), c.type, wf.data(), ElementType::F32, c.cols);
  convertElements(d.b.data(), c.type, bf.data(), ElementType::F32, c.cols);
  d.colScale.resize(c.cols);
  for (int64_t j = 0; j < c.cols; ++j)
    d.colScale[j] = std::fabs(wf[j]) + std::fabs(bf[j]);
  d.softmax.resize(c.rows * c.cols);
  d.layerNorm.resize(c.rows * c.cols);
  d.rowScale.resize(c.rows);
  for (int64_t r = 0; r < c.rows; ++r) {
    const float *row = &xf[r * c.cols];
    if (forLayerNorm)
      d.rowScale[r] = layerNormRow(row, wf.data(), bf.data(), c.cols, d.eps,
                                   &d.layerNorm[r * c.cols]);
    else
      softmaxRow(row, c.cols, &d.softmax[r * c.cols]);
  }
  return d;
}

/// Every element of `got` (packed fp32) within rowReferenceLimit of the
/// exact softmax.
inline void expectSoftmaxMatchesExact(const RowCase &c, const RowCaseData &d,
                                      const std::vector<float> &got) {
  ASSERT_EQ(got.size(), size_t(c.rows * c.cols));
  size_t bad = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    double x = d.softmax[i];
    if (!(std::fabs(got[i] - x) <= rowReferenceLimit(x)) && bad++ < 5)
      ADD_FAILURE() << "Y[" << i / c.cols << ", " << i % c.cols << "] = "
                    << got[i] << ", exact " << x;
  }
  EXPECT_EQ(bad, 0u);
}

/// The same for layernorm, and its row scales.
inline void expectLayerNormMatchesExact(const RowCase &c, const RowCaseData &d,
                                        const std::vector<float> &got,
                                        const std::vector<float> &rowScale) {
  ASSERT_EQ(got.size(), size_t(c.rows * c.cols));
  ASSERT_EQ(rowScale.size(), size_t(c.rows));
  size_t bad = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    size_t r = i / c.cols, j = i % c.cols;
    double x = d.layerNorm[i];
    double limit = rowReferenceLimit(x, d.rowScale[r] * d.colScale[j]);
    if (!(std::fabs(got[i] - x) <= limit) && bad++ < 5)
      ADD_FAILURE() << "Y[" << r << ", " << j << "] = " << got[i]
                    << ", exact " << x;
  }
  EXPECT_EQ(bad, 0u);
  for (int64_t r = 0; r < c.rows; ++r)
    EXPECT_NEAR(rowScale[r], d.rowScale[r], 0x1p-22 * d.rowScale[r])
        << "row scale of row " << r;
}

} // namespace runtime
} // namespace tile

#endif // TILE_UNITTESTS_ROWREFERENCECASE_H
