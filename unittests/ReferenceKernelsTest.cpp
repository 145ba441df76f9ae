//===- ReferenceKernelsTest.cpp - the GPU reference, emulated on the CPU ---===//
//
// The CUDA source of the reference kernels (lib/Runtime/cuda/
// ReferenceKernels.cu) compiled as host C++ under CudaEmulation.h and run
// against the exact host attention, softmax, layernorm and GEMM epilogues:
// the reference that judges every kernel is itself checked in the GPU-free
// suite, on every code path (partial blocks, causal, S_Q != S_KV, each
// head-dim variant, fp8 decoding with descale factors; rows of 1 to 65536
// columns, blocks striding over the rows; every epilogue step), and the
// device checker against the host checker. The GPU runs the same source
// through nvcc (RuntimeGpuTest does the same checks there).
//
//===----------------------------------------------------------------------===//

#include "CudaEmulation.h"

#include "../lib/Runtime/cuda/ReferenceKernels.cu"

#include "AttentionReferenceCase.h"
#include "RowReferenceCase.h"
#include "tile/Runtime/AttentionReference.h"
#include "tile/Runtime/GemmEpilogue.h"
#include "tile/Runtime/HostData.h"
#include "tile/Runtime/Verify.h"

#include "gtest/gtest.h"

#include <cmath>
#include <vector>

using namespace tile;
using namespace tile::runtime;

namespace {

TEST(ReferenceKernels, AttentionMatchesExactRows) {
  for (const AttentionCase &c : attentionCases()) {
    SCOPED_TRACE(describe(c));
    AttentionCaseData data = makeAttentionCase(c);
    size_t rows = c.heads * c.queryLen;
    std::vector<float> out(rows * c.headDim, NAN), rowScale(rows, NAN);
    int type = static_cast<int>(c.type);
    auto kernel = c.headDim <= 64    ? tile_ref_attention_d64
                  : c.headDim <= 128 ? tile_ref_attention_d128
                                     : tile_ref_attention_d256;
    Dim3 grid{unsigned((c.queryLen + 63) / 64), unsigned(c.heads), 1};
    emulateLaunch(grid, kThreads, [&] {
      kernel(data.padded[0].data(), data.padded[1].data(),
             data.padded[2].data(), out.data(), rowScale.data(), type, type,
             type, data.pitch, data.pitch, data.pitch, int(c.queryLen),
             int(c.keyLen), int(c.headDim), data.problem.scale,
             c.causal ? 1 : 0, c.descale, c.descale, c.descale);
    });
    double worst;
    expectMatchesExact(c, data, out, rowScale, worst);
  }
}

/// The softmax and layernorm references against exact rows: a full grid
/// (ReferenceKernels' launch) and a short one whose blocks stride over the
/// rows.
TEST(ReferenceKernels, RowReferencesMatchExactRows) {
  for (const RowCase &c : rowCases()) {
    unsigned full = unsigned((c.rows + kRowsPerBlock - 1) / kRowsPerBlock);
    for (unsigned grid : {full, 2u}) {
      SCOPED_TRACE(testing::Message() << describe(c) << ", " << grid
                                      << " block(s)");
      int type = static_cast<int>(c.type);
      RowCaseData sm = makeRowCase(c, /*forLayerNorm=*/false);
      std::vector<float> out(c.rows * c.cols, NAN);
      emulateLaunch({grid, 1, 1}, kThreads, [&] {
        tile_ref_softmax(sm.x.data(), type, c.rows, c.cols, sm.pitch,
                         out.data());
      });
      expectSoftmaxMatchesExact(c, sm, out);

      RowCaseData ln = makeRowCase(c, /*forLayerNorm=*/true);
      std::vector<float> rowScale(c.rows, NAN);
      out.assign(c.rows * c.cols, NAN);
      emulateLaunch({grid, 1, 1}, kThreads, [&] {
        tile_ref_layernorm(ln.x.data(), type, c.rows, c.cols, ln.pitch,
                           ln.w.data(), type, ln.b.data(), type, ln.eps,
                           out.data(), rowScale.data());
      });
      expectLayerNormMatchesExact(c, ln, out, rowScale);
    }
  }
}

/// The device checker (tile_check_output, emulated) and the host checker
/// (checkOutput) reach the same verdict on the same data.
TEST(ReferenceKernels, DeviceCheckMatchesHostCheck) {
  const size_t rows = 130, cols = 150;
  std::vector<float> ref(rows * cols), rowScale(rows), colScale(cols);
  fillRandom(ref.data(), ElementType::F32, ref.size(), 5, -3, 3);
  fillRandom(rowScale.data(), ElementType::F32, rows, 6, 0.5, 2);
  fillRandom(colScale.data(), ElementType::F32, cols, 7, 0.5, 2);
  for (ElementType type : {ElementType::BF16, ElementType::F16,
                           ElementType::F32, ElementType::F8E4M3}) {
    for (int variant = 0; variant < 4; ++variant) {
      SCOPED_TRACE(testing::Message() << elementTypeName(type) << " variant "
                                      << variant);
      ErrorBound bound;
      bound.rtol = 2 * unitRoundoff(type);
      bound.atol = 1e-3;
      bound.floor = 1e-6;
      bound.scale = 1.5;
      bound.rowScale = rowScale;
      bound.colScale = colScale;
      size_t e = elementSize(type), pitch = cols + 3;
      std::vector<char> out(rows * pitch * e, 0);
      std::vector<float> refUsed = ref;
      for (size_t i = 0; i < rows * cols; ++i)
        storeElement(out.data(), type, i / cols * pitch + i % cols, ref[i]);
      if (variant >= 1) { // elements over the bound, a NaN and an Inf
        storeElement(out.data(), type, 7 * pitch + 9, ref[7 * cols + 9] + 1);
        storeElement(out.data(), type, 99 * pitch + 140, -50);
        std::memset(&out[(64 * pitch + 3) * e], 0xFF, e);
        if (type != ElementType::F8E4M3) // E4M3FN has no infinity
          storeElement(out.data(), type, 5 * pitch + 5, INFINITY);
      }
      if (variant >= 2) { // a tile with a systematic error under the bound
        for (size_t r = 64; r < 128; ++r)
          for (size_t c = 64; c < 128; ++c)
            storeElement(out.data(), type, r * pitch + c,
                         ref[r * cols + c] +
                             0.45 * bound.at(r, c, ref[r * cols + c]));
      }
      if (variant == 3) // a non-finite reference element
        refUsed[3 * cols + 100] = NAN;

      CheckOptions options;
      options.tileRows = 64;
      options.tileCols = 50;
      OutputView view{out.data(), type, rows, cols, pitch};
      CheckResult host = checkOutput(view, refUsed.data(), bound, options);

      long long tileColsCount = 3, tileCount = 3 * 3;
      std::vector<TileStats> tiles(tileCount);
      emulateLaunch({3, 1, 1}, kThreads, [&] {
        tile_check_output(out.data(), static_cast<int>(type), rows, cols,
                          pitch, refUsed.data(), rowScale.data(),
                          colScale.data(), bound.rtol, bound.atol,
                          bound.floor, bound.scale, 64, 50, tileColsCount,
                          tileCount, tiles.data());
      });
      CheckResult device = summarizeTiles(tiles, rows, cols, options);

      EXPECT_EQ(device.count, host.count);
      EXPECT_EQ(device.overBound, host.overBound);
      EXPECT_EQ(device.nanCount, host.nanCount);
      EXPECT_EQ(device.infCount, host.infCount);
      EXPECT_EQ(device.refNonFinite, host.refNonFinite);
      EXPECT_EQ(device.maxRatio, host.maxRatio);
      EXPECT_EQ(device.worst.row, host.worst.row);
      EXPECT_EQ(device.worst.col, host.worst.col);
      EXPECT_EQ(device.worst.bound, host.worst.bound);
      EXPECT_EQ(device.firstNonFinite.row, host.firstNonFinite.row);
      EXPECT_EQ(device.firstNonFinite.col, host.firstNonFinite.col);
      EXPECT_EQ(device.tileOutlier, host.tileOutlier);
      EXPECT_EQ(device.worstTileRow, host.worstTileRow);
      EXPECT_EQ(device.worstTileCol, host.worstTileCol);
      EXPECT_NEAR(device.worstTileRms, host.worstTileRms,
                  1e-9 * host.worstTileRms);
      EXPECT_NEAR(device.relativeError, host.relativeError,
                  1e-9 * host.relativeError + 1e-300);
      EXPECT_EQ(device.ok(), host.ok());
      EXPECT_EQ(host.ok(), variant == 0);
      if (variant >= 2) {
        EXPECT_TRUE(host.tileOutlier);
      }
    }
  }
}

/// The device's canary count and hash agree with the host's.
TEST(ReferenceKernels, DeviceCanaryAndHashMatchHost) {
  GuardedLayout layout;
  layout.type = ElementType::BF16;
  layout.rows = 9;
  layout.cols = 13;
  layout.pitch = 16;
  layout.guardBytes = 256;
  std::vector<uint16_t> data(9 * 13, 0x3F80);
  std::vector<char> image = makeGuardedImage(layout, data.data());
  // Damage: padding of rows 2 and 7, and 6 bytes after the end.
  image[256 + (2 * 16 + 14) * 2] = 0;
  image[256 + (7 * 16 + 13) * 2 + 1] = 0;
  image[256 + 9 * 16 * 2 + 6] = 0;
  CanaryReport host = checkCanaries(layout, image.data());
  ASSERT_EQ(host.damaged, 3u);

  auto count = [&](const char *base, long long rows, long long stride,
                   long long begin, long long end) {
    unsigned long long result[2] = {0, ~0ull};
    emulateLaunch({2, 1, 1}, kThreads, [&] {
      tile_count_changed(reinterpret_cast<const unsigned char *>(base), rows,
                         stride, begin, end, 2, canaryPattern(ElementType::BF16),
                         result);
    });
    return std::pair<unsigned long long, unsigned long long>(result[0],
                                                             result[1]);
  };
  auto padding = count(image.data() + 256, 9, 32, 26, 32);
  EXPECT_EQ(padding.first, 2u);
  EXPECT_EQ(padding.second, (2 * 16 + 14) * 2u); // row 2, column 14
  auto before = count(image.data(), 1, 256, 0, 256);
  EXPECT_EQ(before.first, 0u);
  auto after = count(image.data() + 256 + 288, 1, 256, 0, 256);
  EXPECT_EQ(after.first, 1u);
  EXPECT_EQ(after.second, 6u);

  // The hash: words summed on the "device", the tail on the host.
  for (size_t bytes : {size_t(800), size_t(803)}) {
    std::vector<char> buf(image.begin(), image.begin() + bytes);
    unsigned long long sum = 0;
    emulateLaunch({1, 1, 1}, kThreads, [&] {
      tile_hash_words(reinterpret_cast<const unsigned long long *>(buf.data()),
                      bytes / 8, &sum);
    });
    EXPECT_EQ(finishHash(sum, buf.data() + bytes / 8 * 8, bytes),
              hashBytes(buf.data(), bytes))
        << bytes;
  }
}

/// The GEMM reference against exact products: B as K x N and as N x K,
/// sizes that are not multiples of the block, fp8 with scales.
TEST(ReferenceKernels, GemmMatchesExactProducts) {
  struct Case {
    int64_t M, N, K;
    bool transB;
    ElementType type;
    float aScale, bScale;
  };
  for (const Case &c : {Case{70, 65, 37, false, ElementType::BF16, 1, 1},
                        Case{64, 130, 96, true, ElementType::F16, 1, 1},
                        Case{100, 70, 160, true, ElementType::F8E4M3, 0.5f, 3},
                        Case{33, 64, 64, true, ElementType::F8E5M2, 2, 0.25f}}) {
    SCOPED_TRACE(testing::Message() << c.M << "x" << c.N << "x" << c.K
                                    << (c.transB ? " NT " : " NN ")
                                    << elementTypeName(c.type));
    size_t e = elementSize(c.type);
    int64_t lda = c.K + 16 / e, ldb = (c.transB ? c.K : c.N) + 16 / e;
    std::vector<char> a(c.M * lda * e), b((c.transB ? c.N : c.K) * ldb * e);
    fillRandom(a.data(), c.type, a.size() / e, 31, -2, 2);
    fillRandom(b.data(), c.type, b.size() / e, 32, -2, 2);
    std::vector<float> out(c.M * c.N, NAN);
    int type = static_cast<int>(c.type);
    Dim3 grid{unsigned((c.N + 63) / 64), unsigned((c.M + 63) / 64), 1};
    emulateLaunch(grid, kThreads, [&] {
      tile_ref_gemm(a.data(), b.data(), out.data(), type, type, c.M, c.N, c.K,
                    lda, ldb, c.transB ? 1 : 0, c.aScale, c.bScale);
    });
    for (int64_t i = 0; i < c.M; ++i)
      for (int64_t j = 0; j < c.N; ++j) {
        double sum = 0, mag = 0;
        for (int64_t k = 0; k < c.K; ++k) {
          double x = loadElement(a.data(), c.type, i * lda + k) * c.aScale;
          double y = loadElement(b.data(), c.type,
                                 c.transB ? j * ldb + k : k * ldb + j) *
                     c.bScale;
          sum += x * y;
          mag += std::fabs(x * y);
        }
        ASSERT_NEAR(out[i * c.N + j], sum, 1e-6 * mag + 1e-30)
            << "C[" << i << ", " << j << "]";
      }
  }
}

/// The GEMM epilogue reference against the host's exact epilogue
/// (GemmEpilogue::apply) on the same fp32 product: every step, operands of
/// several types, a residual with padded rows, a full grid and a short one
/// whose blocks stride over C.
TEST(ReferenceKernels, GemmEpilogueMatchesExact) {
  struct Case {
    const char *reference;
    int64_t M, N;
    ElementType type; // of the operands
  };
  for (const Case &c :
       {Case{"gemm+bias+gelu", 70, 65, ElementType::BF16},
        Case{"gemm+bias+silu", 33, 130, ElementType::F16},
        Case{"gemm+residual", 64, 48, ElementType::BF16},
        Case{"gemm+residual+gelu+bias+silu", 17, 40, ElementType::F32}}) {
    auto epilogue = GemmEpilogue::parse(c.reference);
    ASSERT_TRUE(bool(epilogue)) << llvm::toString(epilogue.takeError());
    // The product: values over the range where GELU and SiLU bend, and
    // beyond (where exp overflows or underflows).
    std::vector<float> product(c.M * c.N);
    fillRandom(product.data(), ElementType::F32, product.size(), 41, -12, 12);
    product[0] = 0;
    product[1] = -200;
    product[2] = 200;
    size_t e = elementSize(c.type);
    int64_t pitch = c.N + 16 / e; // residual rows padded
    std::vector<std::vector<char>> operands;
    EpilogueArgs args = {};
    args.count = static_cast<int>(epilogue->steps.size());
    for (size_t s = 0; s < epilogue->steps.size(); ++s) {
      EpilogueStepArgs &step = args.step[s];
      step.op = epilogue->steps[s];
      if (!epilogue->takesOperand(s))
        continue;
      bool bias = step.op == kEpilogueBias;
      size_t count = bias ? c.N : c.M * pitch;
      operands.emplace_back(count * e);
      fillRandom(operands.back().data(), c.type, count, 50 + s, -1, 1);
      step.data = reinterpret_cast<unsigned long long>(operands.back().data());
      step.type = static_cast<int>(c.type);
      step.pitch = bias ? 0 : pitch;
    }
    unsigned full = unsigned((c.M * c.N + kThreads - 1) / kThreads);
    for (unsigned grid : {full, 2u}) {
      SCOPED_TRACE(testing::Message()
                   << c.reference << " " << c.M << "x" << c.N << " "
                   << elementTypeName(c.type) << ", " << grid << " block(s)");
      std::vector<float> out = product;
      emulateLaunch({grid, 1, 1}, kThreads, [&] {
        tile_ref_gemm_epilogue(out.data(), c.M, c.N, args);
      });
      std::vector<double> values(epilogue->operandCount());
      for (int64_t i = 0; i < c.M; ++i)
        for (int64_t j = 0; j < c.N; ++j) {
          for (size_t s = 0, k = 0; s < epilogue->steps.size(); ++s)
            if (epilogue->takesOperand(s)) {
              bool bias = epilogue->steps[s] == kEpilogueBias;
              values[k] = loadElement(operands[k].data(), c.type,
                                      bias ? j : i * pitch + j);
              ++k;
            }
          double x = epilogue->apply(product[i * c.N + j], values.data());
          ASSERT_NEAR(out[i * c.N + j], x, 0x1p-23 * std::fabs(x) + 1e-30)
              << "C[" << i << ", " << j << "]";
        }
    }
  }
}

} // namespace
