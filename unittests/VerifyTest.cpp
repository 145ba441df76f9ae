//===- VerifyTest.cpp - the checker rejects every kind of wrong result ----===//
//
// GPU-free proof that tile-run's verifier (tile/Runtime/Verify.h) rejects
// what the review of issue 8 found passing: a zero tile, f32 output rounded
// through bf16, a non-finite reference, finite garbage in rows the old
// sample never read, a tile with a systematic error under the bound, writes
// into the padding and past the end of a buffer; and that correct results
// (the rounding a real kernel does) pass.
//
//===----------------------------------------------------------------------===//

#include "tile/Runtime/AttentionReference.h"
#include "tile/Runtime/HostData.h"
#include "tile/Runtime/Verify.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

using namespace tile;
using namespace tile::runtime;

namespace {

TEST(Verify, UnitRoundoff) {
  EXPECT_EQ(unitRoundoff(ElementType::BF16), std::ldexp(1.0, -8));
  EXPECT_EQ(unitRoundoff(ElementType::F16), std::ldexp(1.0, -11));
  EXPECT_EQ(unitRoundoff(ElementType::F32), std::ldexp(1.0, -24));
  EXPECT_EQ(unitRoundoff(ElementType::F8E4M3), std::ldexp(1.0, -4));
  EXPECT_EQ(unitRoundoff(ElementType::F8E5M2), std::ldexp(1.0, -3));
  // Rounding to nearest is within u |x| for every value of a binade.
  for (float x = 1.0f; x < 2.0f; x += 0.0009765625f) {
    EXPECT_LE(std::fabs(bf16ToFloat(floatToBF16(x)) - x),
              unitRoundoff(ElementType::BF16) * x);
    EXPECT_LE(std::fabs(f8E4M3ToFloat(floatToF8E4M3(x)) - x),
              unitRoundoff(ElementType::F8E4M3) * x);
  }
}

TEST(Verify, Basics) {
  ErrorBound exact; // bound 0: only equal values pass
  std::vector<float> ref = {3, 4, 0};
  std::vector<float> same = ref;
  OutputView v{same.data(), ElementType::F32, 1, 3, 3};
  CheckResult r = checkOutput(v, ref.data(), exact);
  EXPECT_TRUE(r.ok()) << r.failure();
  EXPECT_EQ(r.count, 3u);
  EXPECT_EQ(r.maxRatio, 0.0);

  std::vector<float> off = {3, 5, 0};
  v.data = off.data();
  r = checkOutput(v, ref.data(), exact);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.overBound, 1u);
  EXPECT_EQ(r.worst.col, 1u);
  EXPECT_DOUBLE_EQ(r.relativeError, 0.2); // |(0,1,0)| / |(3,4,0)|
  EXPECT_NE(r.failure().find("1 of 3 element(s) over the bound (worst at "
                             "[0, 1]: 5 vs 4, bound 0)"),
            std::string::npos)
      << "message: " << r.failure();

  // rtol 0.25 lets 5 vs 4 pass; atol scales by row and column.
  ErrorBound loose;
  loose.rtol = 0.25;
  EXPECT_TRUE(checkOutput(v, ref.data(), loose).ok());
  ErrorBound scaled;
  scaled.atol = 0.5;
  scaled.colScale = {1, 1.5, 1};
  EXPECT_FALSE(checkOutput(v, ref.data(), scaled).ok()); // 0.75 < 1
  scaled.colScale = {1, 2, 1};
  EXPECT_TRUE(checkOutput(v, ref.data(), scaled).ok()); // 1 <= 1
  scaled.scale = 0.99;
  EXPECT_FALSE(checkOutput(v, ref.data(), scaled).ok());

  // NaN (the poison of an unwritten element) and Inf outputs fail.
  float nan = std::numeric_limits<float>::quiet_NaN();
  float inf = std::numeric_limits<float>::infinity();
  std::vector<float> bad = {nan, 4, -inf};
  v.data = bad.data();
  r = checkOutput(v, ref.data(), loose);
  EXPECT_EQ(r.nanCount, 1u);
  EXPECT_EQ(r.infCount, 1u);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.failure().find("2 of 3 element(s) not finite"),
            std::string::npos)
      << r.failure();
}

TEST(Verify, NonFiniteReferenceFails) {
  // An all-NaN reference used to give error 0 and "ok".
  float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> ref(64, nan), out(64, 1.0f);
  ErrorBound loose;
  loose.rtol = 1e9;
  loose.atol = 1e9;
  CheckResult r =
      checkOutput({out.data(), ElementType::F32, 8, 8, 8}, ref.data(), loose);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.refNonFinite, 64u);
  EXPECT_NE(r.failure().find("the reference has 64 non-finite element(s)"),
            std::string::npos)
      << r.failure();
  // Even one.
  std::vector<float> ref1(64, 1.0f);
  ref1[20] = std::numeric_limits<float>::infinity();
  r = checkOutput({out.data(), ElementType::F32, 8, 8, 8}, ref1.data(), loose);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.firstNonFinite.row, 2u);
  EXPECT_EQ(r.firstNonFinite.col, 4u);
}

/// A GEMM small enough to compute exactly on the host, with what a correct
/// kernel writes (fp32 sums rounded to the output type).
struct GemmCase {
  size_t M, N, K;
  std::vector<uint16_t> a, b; // bf16, row-major, B is K x N
  std::vector<double> exact;
  std::vector<float> ref;     // the "GPU reference": float sums
  std::vector<float> f32Out;  // a kernel's f32 output: sums in another order

  GemmCase(size_t M, size_t N, size_t K) : M(M), N(N), K(K) {
    a.resize(M * K);
    b.resize(K * N);
    fillRandom(a.data(), ElementType::BF16, a.size(), 1);
    fillRandom(b.data(), ElementType::BF16, b.size(), 2);
    exact.assign(M * N, 0);
    ref.assign(M * N, 0);
    f32Out.assign(M * N, 0);
    for (size_t i = 0; i < M; ++i)
      for (size_t j = 0; j < N; ++j) {
        double sum = 0;
        float forward = 0, blocked = 0, block = 0;
        for (size_t k = 0; k < K; ++k) {
          float p = bf16ToFloat(a[i * K + k]) * bf16ToFloat(b[k * N + j]);
          sum += p;
          forward += p;
          block += p; // 16-term chunks, like the tensor cores' k-steps
          if (k % 16 == 15 || k + 1 == K) {
            blocked += block;
            block = 0;
          }
        }
        exact[i * N + j] = sum;
        ref[i * N + j] = forward;
        f32Out[i * N + j] = blocked;
      }
  }

  ErrorBound bound(ElementType out) const {
    return gemmErrorBound(ElementType::BF16, out, K,
                          rowNorms(a.data(), ElementType::BF16, M, K),
                          columnNorms(b.data(), ElementType::BF16, K, N));
  }

  std::vector<uint16_t> bf16Out() const {
    std::vector<uint16_t> out(M * N);
    for (size_t i = 0; i < M * N; ++i)
      out[i] = floatToBF16(f32Out[i]);
    return out;
  }
};

TEST(Verify, GemmBoundsPassCorrectOutputs) {
  GemmCase g(192, 160, 1024);
  std::vector<uint16_t> out = g.bf16Out();
  CheckResult r = checkOutput({out.data(), ElementType::BF16, g.M, g.N, g.N},
                              g.ref.data(), g.bound(ElementType::BF16));
  EXPECT_TRUE(r.ok()) << r.failure();
  EXPECT_LT(r.maxRatio, 0.6); // rounding to bf16 is at most u |x|
  r = checkOutput({g.f32Out.data(), ElementType::F32, g.M, g.N, g.N},
                  g.ref.data(), g.bound(ElementType::F32));
  EXPECT_TRUE(r.ok()) << r.failure();
  EXPECT_LT(r.maxRatio, 0.25);
}

TEST(Verify, GemmZeroTileFails) {
  // One 64 x 64 tile written as zeros: zeros are finite, so the poison
  // misses them, and the relative Frobenius error stays small.
  GemmCase g(256, 256, 1024);
  std::vector<uint16_t> out = g.bf16Out();
  for (size_t i = 64; i < 128; ++i)
    for (size_t j = 128; j < 192; ++j)
      out[i * g.N + j] = 0;
  CheckResult r = checkOutput({out.data(), ElementType::BF16, g.M, g.N, g.N},
                              g.ref.data(), g.bound(ElementType::BF16));
  EXPECT_FALSE(r.ok());
  EXPECT_GT(r.overBound, 4000u);
  EXPECT_GE(r.worst.row, 64u);
  EXPECT_LT(r.worst.row, 128u);
  EXPECT_TRUE(r.tileOutlier);
  EXPECT_EQ(r.worstTileRow, 1u);
  EXPECT_EQ(r.worstTileCol, 2u);
  EXPECT_LT(r.relativeError, 0.3);
}

TEST(Verify, GemmF32OutputRoundedThroughBF16Fails) {
  GemmCase g(128, 128, 4096);
  std::vector<float> out(g.M * g.N);
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = bf16ToFloat(floatToBF16(g.f32Out[i]));
  CheckResult r = checkOutput({out.data(), ElementType::F32, g.M, g.N, g.N},
                              g.ref.data(), g.bound(ElementType::F32));
  EXPECT_FALSE(r.ok());
  EXPECT_GT(r.overBound, g.M * g.N / 4);
  EXPECT_GT(r.maxRatio, 4);
  // The same values pass as a bf16 output.
  std::vector<uint16_t> bf(g.M * g.N);
  for (size_t i = 0; i < bf.size(); ++i)
    bf[i] = floatToBF16(out[i]);
  EXPECT_TRUE(checkOutput({bf.data(), ElementType::BF16, g.M, g.N, g.N},
                          g.ref.data(), g.bound(ElementType::BF16))
                  .ok());
}

TEST(Verify, GemmSkippedKBlockFails) {
  // The last 64 products left out of every sum.
  GemmCase g(64, 64, 512);
  std::vector<uint16_t> out(g.M * g.N);
  for (size_t i = 0; i < g.M; ++i)
    for (size_t j = 0; j < g.N; ++j) {
      float sum = 0;
      for (size_t k = 0; k + 64 < g.K; ++k)
        sum += bf16ToFloat(g.a[i * g.K + k]) * bf16ToFloat(g.b[k * g.N + j]);
      out[i * g.N + j] = floatToBF16(sum);
    }
  CheckResult r = checkOutput({out.data(), ElementType::BF16, g.M, g.N, g.N},
                              g.ref.data(), g.bound(ElementType::BF16));
  EXPECT_FALSE(r.ok());
  EXPECT_GT(r.overBound, g.M * g.N / 2);
}

TEST(Verify, Fp8GemmBoundPassesRoundingAndRejectsWrongResults) {
  // e4m3 operands (as kernels/fp8_gemm.mlir: B stored N x K), scales 0.5
  // and 3, an f16 C.
  const size_t M = 96, N = 80, K = 1024;
  const float sa = 0.5f, sb = 3.0f;
  std::vector<uint8_t> a(M * K), b(N * K);
  fillRandom(a.data(), ElementType::F8E4M3, a.size(), 3, -2, 2);
  fillRandom(b.data(), ElementType::F8E4M3, b.size(), 4, -2, 2);
  std::vector<float> ref(M * N), skipped(M * N), unscaled(M * N);
  for (size_t i = 0; i < M; ++i)
    for (size_t j = 0; j < N; ++j) {
      double sum = 0, early = 0;
      for (size_t k = 0; k < K; ++k) {
        double p = double(f8E4M3ToFloat(a[i * K + k])) * f8E4M3ToFloat(b[j * K + k]);
        sum += p;
        if (k < K - 128)
          early += p;
      }
      ref[i * N + j] = float(sum * sa * sb);
      skipped[i * N + j] = float(early * sa * sb);
      unscaled[i * N + j] = float(sum);
    }
  std::vector<float> rowN = rowNorms(a.data(), ElementType::F8E4M3, M, K),
                     colN = rowNorms(b.data(), ElementType::F8E4M3, N, K);
  for (float &x : rowN)
    x *= sa;
  for (float &x : colN)
    x *= sb;
  ErrorBound bound =
      gemmErrorBound(ElementType::F8E4M3, ElementType::F16, K, rowN, colN);
  auto asF16 = [&](const std::vector<float> &v) {
    std::vector<uint16_t> out(v.size());
    for (size_t i = 0; i < v.size(); ++i)
      out[i] = floatToF16(v[i]);
    return out;
  };
  auto check = [&](const std::vector<uint16_t> &out) {
    return checkOutput({out.data(), ElementType::F16, M, N, N}, ref.data(),
                       bound);
  };
  CheckResult r = check(asF16(ref));
  EXPECT_TRUE(r.ok()) << r.failure();
  EXPECT_LE(r.maxRatio, 0.5);
  EXPECT_FALSE(check(asF16(skipped)).ok());    // one K block missing
  EXPECT_FALSE(check(asF16(unscaled)).ok());   // the scales not applied
  std::vector<uint16_t> zeroTile = asF16(ref); // one 64 x 64 block of zeros
  for (size_t i = 0; i < 64; ++i)
    for (size_t j = 0; j < 64; ++j)
      zeroTile[i * N + j] = 0;
  EXPECT_FALSE(check(zeroTile).ok());
}

TEST(Verify, SystematicErrorInOneTileFails) {
  // Every element of one tile off by 40% of its bound: under the bound, but
  // far above the other tiles (which are exact).
  GemmCase g(256, 256, 256);
  ErrorBound bound = g.bound(ElementType::F32);
  std::vector<float> out = g.ref;
  for (size_t i = 128; i < 192; ++i)
    for (size_t j = 0; j < 64; ++j)
      out[i * g.N + j] += 0.4 * bound.at(i, j, g.ref[i * g.N + j]);
  CheckResult r = checkOutput({out.data(), ElementType::F32, g.M, g.N, g.N},
                              g.ref.data(), bound);
  EXPECT_EQ(r.overBound, 0u);
  EXPECT_TRUE(r.tileOutlier);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.worstTileRow, 2u);
  EXPECT_EQ(r.worstTileCol, 0u);
  EXPECT_NE(r.failure().find("the 64x64 tile at [128, 0]"), std::string::npos)
      << r.failure();
  // Noise of the same size everywhere is no outlier.
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = g.ref[i] + ((i * 7919) % 3 == 0 ? 0.4 : -0.4) *
                            bound.at(i / g.N, i % g.N, g.ref[i]);
  EXPECT_TRUE(checkOutput({out.data(), ElementType::F32, g.M, g.N, g.N},
                          g.ref.data(), bound)
                  .ok());
}

TEST(Verify, ThreadsGiveTheSameResult) {
  GemmCase g(256, 96, 64);
  std::vector<uint16_t> out = g.bf16Out();
  out[200 * 96 + 5] = floatToBF16(9.0f);
  out[17 * 96 + 90] = 0xFFFF;
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    CheckOptions options;
    options.threads = threads;
    CheckResult r =
        checkOutput({out.data(), ElementType::BF16, g.M, g.N, g.N},
                    g.ref.data(), g.bound(ElementType::BF16), options);
    EXPECT_EQ(r.overBound, 1u) << threads;
    EXPECT_EQ(r.nanCount, 1u) << threads;
    EXPECT_EQ(r.worst.row, 200u) << threads;
    EXPECT_EQ(r.firstNonFinite.row, 17u) << threads;
  }
}

TEST(Verify, AttentionBoundPassesRoundedPAndCatchesAMissingKeyBlock) {
  // One head, 200 queries over 256 keys (D = 16), exact in double; the
  // "kernel" rounds P to bf16 before P V and O to bf16, as ours does.
  AttentionProblem p;
  p.queryLen = 200;
  p.keyLen = 256;
  p.headDim = 16;
  p.scale = 0.25f;
  std::vector<float> q(200 * 16), k(256 * 16), v(256 * 16);
  fillRandom(q.data(), ElementType::F32, q.size(), 5, -1.7, 1.7);
  fillRandom(k.data(), ElementType::F32, k.size(), 6, -1.7, 1.7);
  fillRandom(v.data(), ElementType::F32, v.size(), 7, -1, 1);
  std::vector<float> ref(200 * 16), rowScale(200);
  std::vector<uint16_t> good(200 * 16), skipped(200 * 16);
  for (int i = 0; i < 200; ++i) {
    std::vector<double> o(16);
    double rs;
    attentionRow(&q[i * 16], k.data(), v.data(), 256, 16, p.scale, o.data(),
                 &rs);
    rowScale[i] = static_cast<float>(rs);
    for (int d = 0; d < 16; ++d)
      ref[i * 16 + d] = static_cast<float>(o[d]);
    // The kernel's way, and the same without keys 64..127.
    std::vector<double> s(256);
    double m = -INFINITY;
    for (int j = 0; j < 256; ++j) {
      double dot = 0;
      for (int d = 0; d < 16; ++d)
        dot += q[i * 16 + d] * k[j * 16 + d];
      s[j] = p.scale * dot;
      m = std::max(m, s[j]);
    }
    for (int pass = 0; pass < 2; ++pass) {
      double l = 0, acc[16] = {};
      for (int j = 0; j < 256; ++j) {
        if (pass == 1 && j >= 64 && j < 128)
          continue;
        float pj = static_cast<float>(std::exp(s[j] - m));
        l += pj;
        float pRounded = bf16ToFloat(floatToBF16(pj));
        for (int d = 0; d < 16; ++d)
          acc[d] += pRounded * v[j * 16 + d];
      }
      for (int d = 0; d < 16; ++d)
        (pass ? skipped : good)[i * 16 + d] =
            floatToBF16(static_cast<float>(acc[d] / l));
    }
  }
  ErrorBound b =
      attentionErrorBound(ElementType::BF16, ElementType::BF16, 1.0, rowScale);
  CheckOptions tiles;
  tiles.tileCols = 16;
  CheckResult r =
      checkOutput({good.data(), ElementType::BF16, 200, 16, 16}, ref.data(), b,
                  tiles);
  EXPECT_TRUE(r.ok()) << r.failure();
  EXPECT_LT(r.maxRatio, 0.5);
  r = checkOutput({skipped.data(), ElementType::BF16, 200, 16, 16}, ref.data(),
                  b, tiles);
  EXPECT_FALSE(r.ok());
  EXPECT_GT(r.overBound, 200u * 16 / 2);
}

TEST(Verify, Fp8AttentionBoundPassesE4M3AndCatchesWrongKernels) {
  // fp8 attention (kernels/fp8_attention.mlir) in double: Q, K, V in e4m3,
  // P rounded to e4m3 before P V (subnormals included), O rounded to e4m3;
  // the reference is exact on the same e4m3 inputs. A kernel that skips
  // keys 64..127, or one that forgets V's descale (0.5), must fail.
  const int S = 200, N = 256, D = 16;
  const double dv = 0.5;
  std::vector<float> q(S * D), k(N * D), v(N * D);
  fillRandom(q.data(), ElementType::F32, q.size(), 15, -1.7, 1.7);
  fillRandom(k.data(), ElementType::F32, k.size(), 16, -1.7, 1.7);
  fillRandom(v.data(), ElementType::F32, v.size(), 17, -1, 1);
  for (std::vector<float> *t : {&q, &k, &v})
    for (float &x : *t)
      x = f8E4M3ToFloat(floatToF8E4M3(x));
  const double scale = 0.25;
  std::vector<float> ref(S * D), rowScale(S);
  std::vector<uint8_t> good(S * D), skipped(S * D), noDescale(S * D);
  for (int i = 0; i < S; ++i) {
    std::vector<double> o(D);
    double rs;
    attentionRow(&q[i * D], k.data(), v.data(), N, D, scale, o.data(), &rs);
    rowScale[i] = static_cast<float>(rs);
    for (int d = 0; d < D; ++d)
      ref[i * D + d] = static_cast<float>(dv * o[d]);
    std::vector<double> s(N);
    double m = -INFINITY;
    for (int j = 0; j < N; ++j) {
      double dot = 0;
      for (int d = 0; d < D; ++d)
        dot += q[i * D + d] * k[j * D + d];
      s[j] = scale * dot;
      m = std::max(m, s[j]);
    }
    for (int pass = 0; pass < 3; ++pass) {
      double l = 0, acc[D] = {};
      for (int j = 0; j < N; ++j) {
        if (pass == 1 && j >= 64 && j < 128)
          continue;
        float pj = static_cast<float>(std::exp(s[j] - m));
        l += pj;
        float pRounded = f8E4M3ToFloat(floatToF8E4M3(pj));
        for (int d = 0; d < D; ++d)
          acc[d] += pRounded * v[j * D + d];
      }
      std::vector<uint8_t> &out = pass == 0 ? good : pass == 1 ? skipped
                                                               : noDescale;
      for (int d = 0; d < D; ++d)
        out[i * D + d] = floatToF8E4M3(
            static_cast<float>(acc[d] / l * (pass == 2 ? 1.0 : dv)));
    }
  }
  ErrorBound b = attentionErrorBound(ElementType::F8E4M3, ElementType::F8E4M3,
                                     dv, rowScale);
  CheckOptions tiles;
  tiles.tileCols = D;
  CheckResult r = checkOutput({good.data(), ElementType::F8E4M3, S, D, D},
                              ref.data(), b, tiles);
  EXPECT_TRUE(r.ok()) << r.failure();
  EXPECT_LT(r.maxRatio, 0.6);
  for (const std::vector<uint8_t> *wrong : {&skipped, &noDescale}) {
    r = checkOutput({wrong->data(), ElementType::F8E4M3, S, D, D}, ref.data(),
                    b, tiles);
    EXPECT_FALSE(r.ok());
    EXPECT_GT(r.overBound, uint64_t(S) * D / 4);
  }
}

TEST(Verify, Canaries) {
  GuardedLayout layout;
  layout.type = ElementType::BF16;
  layout.rows = 3;
  layout.cols = 5;
  layout.pitch = 8;
  layout.guardBytes = 64;
  std::vector<uint16_t> data(15);
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = floatToBF16(float(i));
  std::vector<char> image = makeGuardedImage(layout, data.data());
  ASSERT_EQ(image.size(), 64 + 3 * 8 * 2 + 64u);
  EXPECT_TRUE(checkCanaries(layout, image.data()).ok());
  // The data landed in the rows, the canary is a NaN.
  uint16_t e;
  std::memcpy(&e, image.data() + 64 + (8 + 2) * 2, 2);
  EXPECT_EQ(bf16ToFloat(e), 7.0f);
  std::memcpy(&e, image.data() + 64 + 6 * 2, 2);
  EXPECT_TRUE(std::isnan(bf16ToFloat(e)));
  EXPECT_NE(e, 0xFFFF); // not the poison

  // The poisoned image: NaN data, canary around it.
  std::vector<char> poisoned = makeGuardedImage(layout, nullptr);
  EXPECT_TRUE(checkCanaries(layout, poisoned.data()).ok());
  std::memcpy(&e, poisoned.data() + 64, 2);
  EXPECT_EQ(e, 0xFFFF);

  // A write past column N lands in the padding.
  std::vector<char> hit = image;
  uint16_t one = floatToBF16(1.0f);
  std::memcpy(hit.data() + 64 + (8 + 6) * 2, &one, 2);
  CanaryReport c = checkCanaries(layout, hit.data());
  EXPECT_EQ(c.damaged, 1u);
  EXPECT_EQ(c.first, "padding of row 1, column 6");
  // Past the end, and before the start.
  hit = image;
  std::memcpy(hit.data() + 64 + 48 + 4, &one, 2);
  c = checkCanaries(layout, hit.data());
  EXPECT_EQ(c.first, "guard band, 4 bytes after the end");
  hit = image;
  std::memcpy(hit.data() + 62, &one, 2);
  EXPECT_EQ(checkCanaries(layout, hit.data()).first,
            "guard band, 2 bytes before the start");
  // Writing the same NaN the poison has is still a change.
  hit = image;
  uint16_t poison = 0xFFFF;
  std::memcpy(hit.data() + 64 + 7 * 2, &poison, 2);
  EXPECT_EQ(checkCanaries(layout, hit.data()).damaged, 1u);

  // Guards alone.
  std::vector<char> before(image.begin(), image.begin() + 64),
      after(image.end() - 64, image.end());
  EXPECT_TRUE(checkGuards(layout, before.data(), after.data()).ok());
  after[10] = 0;
  EXPECT_FALSE(checkGuards(layout, before.data(), after.data()).ok());

  // Every float type's canary is a NaN that is not all ones.
  for (ElementType t : {ElementType::BF16, ElementType::F16, ElementType::F32,
                        ElementType::F8E4M3, ElementType::F8E5M2}) {
    std::vector<char> one(elementSize(t));
    fillCanary(one.data(), t, 1);
    EXPECT_TRUE(std::isnan(loadElement(one.data(), t, 0))) << elementTypeName(t);
    EXPECT_NE(static_cast<uint8_t>(one.back()), 0xFF) << elementTypeName(t);
  }
}

TEST(Verify, Layouts) {
  // Rows padded to 16 bytes, or packed.
  auto l = makeGuardedLayout(ElementType::BF16, {3, 1331}, false, 64);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->rows, 3u);
  EXPECT_EQ(l->cols, 1331u);
  EXPECT_EQ(l->pitch, 1336u);
  EXPECT_EQ(l->totalBytes(), 3 * 1336 * 2 + 128u);
  EXPECT_EQ(makeGuardedLayout(ElementType::BF16, {3, 1331}, true, 64)->pitch,
            1331u);
  auto q = makeGuardedLayout(ElementType::F32, {4, 48, 100, 64}, false, 0);
  EXPECT_EQ(q->rows, 4u * 48 * 100);
  EXPECT_EQ(q->pitch, 64u);
  // Sizes whose bytes overflow are refused, not wrapped into tiny buffers:
  // M = N = K = 2^32 once allocated 2-byte buffers.
  int64_t big = int64_t(1) << 32;
  EXPECT_FALSE(makeGuardedLayout(ElementType::BF16, {big, big}, false, 64));
  EXPECT_FALSE(makeGuardedLayout(ElementType::BF16, {big, big, big}, true, 0));
  EXPECT_FALSE(makeGuardedLayout(ElementType::F32, {INT64_MAX, 2}, true, 0));
  EXPECT_FALSE(makeGuardedLayout(ElementType::F32, {0, 2}, true, 0));
  EXPECT_FALSE(makeGuardedLayout(ElementType::F32, {2, -1}, true, 0));
}

TEST(Verify, HashSeesEveryByte) {
  std::vector<char> data(10007);
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<char>(i * 31);
  uint64_t h = hashBytes(data.data(), data.size());
  EXPECT_EQ(h, hashBytes(data.data(), data.size()));
  for (size_t at : {size_t(0), size_t(5000), size_t(10006)}) {
    std::vector<char> changed = data;
    changed[at] ^= 1;
    EXPECT_NE(hashBytes(changed.data(), changed.size()), h) << at;
  }
  // Swapping two words changes it too.
  std::vector<char> swapped = data;
  std::swap_ranges(swapped.begin(), swapped.begin() + 8, swapped.begin() + 8);
  EXPECT_NE(hashBytes(swapped.data(), swapped.size()), h);
}

TEST(Verify, Norms) {
  std::vector<float> m = {3, 4, 0, 0, 1, 2}; // 2 x 3
  std::vector<float> rows = rowNorms(m.data(), ElementType::F32, 2, 3);
  EXPECT_FLOAT_EQ(rows[0], 5);
  EXPECT_FLOAT_EQ(rows[1], std::sqrt(5.0f));
  std::vector<float> cols = columnNorms(m.data(), ElementType::F32, 2, 3, 2);
  EXPECT_FLOAT_EQ(cols[0], 3);
  EXPECT_FLOAT_EQ(cols[1], std::sqrt(17.0f));
  EXPECT_FLOAT_EQ(cols[2], 2);
  EXPECT_EQ(maxAbs(m.data(), ElementType::F32, 6), 4.0);
}

} // namespace
