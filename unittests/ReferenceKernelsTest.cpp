//===- ReferenceKernelsTest.cpp - the GPU reference, emulated on the CPU ---===//
//
// The CUDA source of the reference kernels (lib/Runtime/cuda/
// ReferenceKernels.cu) compiled as host C++ under CudaEmulation.h and run
// against the exact host attention: the reference that judges every kernel
// is itself checked in the GPU-free suite, on every code path (partial
// blocks, causal, S_Q != S_KV, each head-dim variant, fp8 decoding with
// descale factors). The GPU runs the same source through nvcc
// (RuntimeGpuTest's AttentionReferenceKernel does the same check there).
//
//===----------------------------------------------------------------------===//

#include "CudaEmulation.h"

#include "../lib/Runtime/cuda/ReferenceKernels.cu"

#include "tile/Runtime/AttentionReference.h"
#include "tile/Runtime/HostData.h"

#include "gtest/gtest.h"

#include <cmath>
#include <vector>

using namespace tile;
using namespace tile::runtime;

namespace {

struct Case {
  int64_t heads, queryLen, keyLen, headDim;
  bool causal;
  ElementType type;
  float descale;
};

void runCase(const Case &c) {
  SCOPED_TRACE(testing::Message()
               << c.heads << " heads " << c.queryLen << "x" << c.keyLen
               << " D=" << c.headDim << (c.causal ? " causal " : " ")
               << elementTypeName(c.type));
  AttentionProblem p;
  p.heads = c.heads;
  p.queryLen = c.queryLen;
  p.keyLen = c.keyLen;
  p.headDim = c.headDim;
  p.scale = 1.0f / std::sqrt(float(c.headDim));
  p.causal = c.causal;
  size_t e = elementSize(c.type);
  int64_t pitch = (c.headDim * e + 15) / 16 * 16 / e; // as tile-run pads
  ExactAttentionRows exact(p, 3);
  ASSERT_EQ(exact.sampledRows().size(), size_t(c.heads * c.queryLen));
  std::vector<std::vector<char>> padded(3);
  for (int which = 0; which < 3; ++which) {
    int64_t rows = c.heads * (which == 0 ? c.queryLen : c.keyLen);
    std::vector<char> packed(rows * c.headDim * e);
    fillRandom(packed.data(), c.type, rows * c.headDim, 20 + which,
               which == 2 ? -1.0 : -1.7, which == 2 ? 1.0 : 1.7);
    exact.setInput(static_cast<ExactAttentionRows::Input>(which),
                   packed.data(), c.type, c.descale);
    padded[which].assign(rows * pitch * e, 0);
    for (int64_t r = 0; r < rows; ++r)
      std::memcpy(&padded[which][r * pitch * e], &packed[r * c.headDim * e],
                  c.headDim * e);
  }
  exact.computeExpected();
  size_t rows = c.heads * c.queryLen;
  std::vector<float> out(rows * c.headDim, NAN), rowScale(rows, NAN);
  int type = static_cast<int>(c.type);
  auto kernel = c.headDim <= 64    ? tile_ref_attention_d64
                : c.headDim <= 128 ? tile_ref_attention_d128
                                   : tile_ref_attention_d256;
  Dim3 grid{unsigned((c.queryLen + 63) / 64), unsigned(c.heads), 1};
  emulateLaunch(grid, kThreads, [&] {
    kernel(padded[0].data(), padded[1].data(), padded[2].data(), out.data(),
           rowScale.data(), type, type, type, pitch, pitch, pitch,
           int(c.queryLen), int(c.keyLen), int(c.headDim), p.scale,
           c.causal ? 1 : 0, c.descale, c.descale, c.descale);
  });
  for (size_t i = 0; i < rows; ++i) {
    ASSERT_EQ(size_t(exact.sampledRows()[i]), i);
    EXPECT_NEAR(rowScale[i], exact.rowScale(i), 1e-5 * exact.rowScale(i))
        << "row " << i;
    for (int64_t d = 0; d < c.headDim; ++d) {
      double x = exact.expectedRow(i)[d];
      ASSERT_NEAR(out[i * c.headDim + d], x, 1e-5 * (std::fabs(x) + c.descale))
          << "row " << i << " col " << d;
    }
  }
}

TEST(ReferenceKernels, AttentionMatchesExactRows) {
  runCase({2, 70, 70, 64, false, ElementType::BF16, 1});
  runCase({2, 70, 70, 64, true, ElementType::BF16, 1});
  runCase({1, 100, 77, 128, true, ElementType::F16, 1});
  runCase({1, 33, 150, 96, false, ElementType::BF16, 1});
  runCase({1, 65, 66, 256, true, ElementType::BF16, 1});
  runCase({1, 70, 70, 64, true, ElementType::F8E4M3, 0.5f});
  runCase({1, 64, 100, 40, false, ElementType::F8E5M2, 2});
  runCase({1, 3, 1, 32, false, ElementType::F32, 1});
}

} // namespace
