//===- AttentionReferenceCase.h - inputs and checks for the reference ------===//
//
// The attention reference kernel is tested twice, on the same cases: under
// the CPU emulation in the GPU-free suite (ReferenceKernelsTest.cpp) and on
// the GPU (RuntimeGpuTest.cpp). This header builds a case's inputs, laid out
// as tile-run lays them out, with the exact rows of every query, and checks
// a result against them.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_UNITTESTS_ATTENTIONREFERENCECASE_H
#define TILE_UNITTESTS_ATTENTIONREFERENCECASE_H

#include "tile/Runtime/AttentionReference.h"
#include "tile/Runtime/HostData.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

namespace tile {
namespace runtime {

struct AttentionCase {
  int64_t heads, queryLen, keyLen, headDim;
  bool causal;
  ElementType type;
  float descale; // of Q, K and V alike
};

/// Partial blocks, S_Q != S_KV, causal, each head-dim variant of the kernel
/// (64, 128, 256, and D below each), 16-bit and fp8 inputs with descales.
inline const std::vector<AttentionCase> &attentionCases() {
  static const std::vector<AttentionCase> cases = {
      {2, 70, 70, 64, false, ElementType::BF16, 1},
      {2, 70, 70, 64, true, ElementType::BF16, 1},
      {1, 100, 77, 128, true, ElementType::F16, 1},
      {1, 33, 150, 96, false, ElementType::BF16, 1},
      {1, 65, 66, 256, true, ElementType::BF16, 1},
      {1, 70, 70, 64, true, ElementType::F8E4M3, 0.5f},
      {1, 64, 100, 40, false, ElementType::F8E5M2, 2},
      {1, 3, 1, 32, false, ElementType::F32, 1}};
  return cases;
}

inline std::string describe(const AttentionCase &c) {
  return std::to_string(c.heads) + " heads " + std::to_string(c.queryLen) +
         "x" + std::to_string(c.keyLen) + " D=" + std::to_string(c.headDim) +
         (c.causal ? " causal " : " ") + elementTypeName(c.type);
}

/// A case's inputs: Q, K, V with rows padded to 16 bytes, and the exact
/// rows (every row: the cases have at most 4 heads and 512 queries).
struct AttentionCaseData {
  AttentionProblem problem;
  int64_t pitch = 0; // elements
  std::vector<std::vector<char>> padded; // Q, K, V
  std::unique_ptr<ExactAttentionRows> exact;
};

inline AttentionCaseData makeAttentionCase(const AttentionCase &c) {
  AttentionCaseData data;
  AttentionProblem &p = data.problem;
  p.heads = c.heads;
  p.queryLen = c.queryLen;
  p.keyLen = c.keyLen;
  p.headDim = c.headDim;
  p.scale = 1.0f / std::sqrt(float(c.headDim));
  p.causal = c.causal;
  size_t e = elementSize(c.type);
  data.pitch = (c.headDim * e + 15) / 16 * 16 / e;
  data.exact = std::make_unique<ExactAttentionRows>(p, 3);
  for (int which = 0; which < 3; ++which) {
    int64_t rows = c.heads * (which == 0 ? c.queryLen : c.keyLen);
    std::vector<char> packed(rows * c.headDim * e);
    fillRandom(packed.data(), c.type, rows * c.headDim, 20 + which,
               which == 2 ? -1.0 : -1.7, which == 2 ? 1.0 : 1.7);
    data.exact->setInput(static_cast<ExactAttentionRows::Input>(which),
                         packed.data(), c.type, c.descale);
    std::vector<char> padded(rows * data.pitch * e, 0);
    for (int64_t r = 0; r < rows; ++r)
      std::memcpy(&padded[r * data.pitch * e], &packed[r * c.headDim * e],
                  c.headDim * e);
    data.padded.push_back(std::move(padded));
  }
  data.exact->computeExpected();
  return data;
}

/// Checks `out` (packed fp32 rows of O) and `rowScale` against the exact
/// rows to 1e-5 relative; `worst` receives the largest error.
inline void expectMatchesExact(const AttentionCase &c,
                               const AttentionCaseData &data,
                               const std::vector<float> &out,
                               const std::vector<float> &rowScale,
                               double &worst) {
  const ExactAttentionRows &exact = *data.exact;
  ASSERT_EQ(exact.sampledRows().size(), size_t(c.heads * c.queryLen));
  worst = 0;
  for (size_t i = 0; i < exact.sampledRows().size(); ++i) {
    ASSERT_EQ(size_t(exact.sampledRows()[i]), i);
    EXPECT_NEAR(rowScale[i], exact.rowScale(i), 1e-5 * exact.rowScale(i))
        << "row " << i;
    for (int64_t d = 0; d < c.headDim; ++d) {
      double x = exact.expectedRow(i)[d];
      double err = std::fabs(out[i * c.headDim + d] - x);
      worst = std::max(worst, err);
      ASSERT_LE(err, 1e-5 * (std::fabs(x) + c.descale))
          << "row " << i << " col " << d;
    }
  }
}

} // namespace runtime
} // namespace tile

#endif // TILE_UNITTESTS_ATTENTIONREFERENCECASE_H
