// Reference kernels: simple, independent fp32 implementations that tile-run
// checks tile's kernels against. They are plain CUDA compiled by nvcc (not by
// tile's own compiler), so a bug in tile's lowering cannot hide in its
// reference. Kept deliberately straightforward: every product and sum in
// fp32 on the CUDA cores (double in the row kernels, softmax and layernorm,
// and in the GEMM epilogues), accurate expf/exp, no tensor cores, no
// approximations.
//
// The PTX that the runtime loads is generated from this file with
//   scripts/gen-reference-ptx.sh
// and committed as lib/Runtime/cuda/ReferenceKernels.ptx, so building tile
// needs no CUDA toolkit; a test regenerates it where nvcc exists and fails
// if the committed file is stale.
//
// Besides the references, the checks that tile-run runs on every output
// (tile_check_output: each element against the reference under its bound,
// as Verify.h describes; tile_count_changed: the canaries; tile_hash_words:
// that inputs stay untouched) run here too, on the device, so that checking
// a config costs milliseconds and no copy of the output to the host. The
// element arithmetic is shared with the host checker (CheckElement.h).
//
// Element types are runtime codes (the order of tile::ElementType):
// 0 bf16, 1 f16, 2 f32, 3 f8e4m3 (E4M3FN), 4 f8e5m2.

#include "tile/Runtime/CheckElement.h"
#include "tile/Runtime/EpilogueArgs.h"

#include <stdint.h>

namespace {

__device__ __forceinline__ float decodeBF16(uint16_t bits) {
  return __uint_as_float(static_cast<uint32_t>(bits) << 16);
}

__device__ __forceinline__ float decodeF16(uint16_t bits) {
  uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
  uint32_t e = (bits >> 10) & 0x1Fu, m = bits & 0x3FFu;
  if (e == 0x1F)
    return __uint_as_float(sign | 0x7F800000u | (m << 13));
  if (e == 0) {
    float v = static_cast<float>(m) * 5.9604644775390625e-8f; // 2^-24
    return sign ? -v : v;
  }
  return __uint_as_float(sign | ((e + 112) << 23) | (m << 13));
}

/// A small float format with `ebits` exponent and `mbits` mantissa bits;
/// `finiteOnly` is E4M3FN (no infinities, S.1111.111 is NaN).
__device__ __forceinline__ float decodeSmall(uint32_t bits, int ebits,
                                             int mbits, bool finiteOnly) {
  uint32_t expAllOnes = (1u << ebits) - 1;
  bool negative = (bits >> (ebits + mbits)) & 1;
  uint32_t e = (bits >> mbits) & expAllOnes;
  uint32_t m = bits & ((1u << mbits) - 1);
  int bias = (1 << (ebits - 1)) - 1;
  float v;
  if (finiteOnly && e == expAllOnes && m == (1u << mbits) - 1)
    v = __uint_as_float(0x7FC00000u);
  else if (!finiteOnly && e == expAllOnes)
    v = m ? __uint_as_float(0x7FC00000u) : __uint_as_float(0x7F800000u);
  else if (e == 0)
    v = ldexpf(static_cast<float>(m), 1 - bias - mbits);
  else
    v = ldexpf(static_cast<float>((1u << mbits) | m),
               static_cast<int>(e) - bias - mbits);
  return negative ? -v : v;
}

/// Element `i` of `data` (of type code `type`) as a float.
__device__ __forceinline__ float loadAsFloat(const void *data, long long i,
                                             int type) {
  switch (type) {
  case 0:
    return decodeBF16(static_cast<const uint16_t *>(data)[i]);
  case 1:
    return decodeF16(static_cast<const uint16_t *>(data)[i]);
  case 2:
    return static_cast<const float *>(data)[i];
  case 3:
    return decodeSmall(static_cast<const uint8_t *>(data)[i], 4, 3, true);
  default:
    return decodeSmall(static_cast<const uint8_t *>(data)[i], 5, 2, false);
  }
}

} // namespace

// The block shape (lib/Runtime/ReferenceKernels.cpp sizes the launch and the
// shared memory with the same numbers).
// Dynamic shared memory, laid out by each kernel.
extern __shared__ float4 smem4[];

enum : int {
  kRows = 64,      // query rows of a block
  kKeys = 64,      // keys per step
  kSmemPitch = 68, // floats per row of the transposed tiles (not 64: banks)
  kThreads = 256,  // 16 x 16 threads, 4 x 4 elements each
};

/// Stages 64 rows of DMAX elements in shared memory as floats times
/// `scale`: row r (of `validRows`, the rest zero) of `src` is source row
/// firstRow + r, rows `pitch` elements apart, columns past `headDim` zero;
/// element (r, d) goes to dst[d * dStride + r * rStride] (transposed or not).
template <int DMAX>
__device__ void stageRows(float *dst, int dStride, int rStride,
                          const void *src, int type, long long firstRow,
                          int validRows, int headDim, long long pitch,
                          float scale) {
  for (int i = threadIdx.x; i < 64 * DMAX; i += kThreads) {
    int r = i / DMAX, d = i % DMAX; // d fastest: coalesced rows
    float x = 0.f;
    if (r < validRows && d < headDim)
      x = loadAsFloat(src, (firstRow + r) * pitch + d, type) * scale;
    dst[d * dStride + r * rStride] = x;
  }
}

/// O = softmax(scale * Q K^T [causal]) V for one (batch*head, 64-row block)
/// per CUDA block, with FlashAttention's online softmax in fp32.
///
/// Q, K, V: rows of `headDim` elements (type codes qType/kType/vType) at row
/// pitches qRowPitch/kRowPitch/vRowPitch (elements); row r of head bh is row
/// bh * queryLen + r (Q) or bh * keyLen + r (K, V). Each element is
/// multiplied by its tensor's descale factor. O: packed fp32 rows of
/// headDim. rowScale[row] = sqrt(sum_j p_j^2) / sum_j p_j, the inverse square
/// root of the row's effective number of keys (the error bound uses it).
/// causal masks key j > query i (top-left aligned). headDim <= DMAX.
template <int DMAX>
__device__ void attention(const void *Q, const void *K, const void *V, float *O,
                          float *rowScale, int qType, int kType, int vType,
                          long long qRowPitch, long long kRowPitch,
                          long long vRowPitch, int queryLen, int keyLen,
                          int headDim, float scale, int causal, float qScale,
                          float kScale, float vScale) {
  // K and then V of a step share one buffer (V is loaded once the scores
  // are done), so that two blocks fit on an SM at DMAX = 128.
  float *smem = reinterpret_cast<float *>(smem4);
  float *qT = smem;                   // [DMAX][kSmemPitch]: qT[d][r]
  float *kT = qT + DMAX * kSmemPitch; // [DMAX][kSmemPitch]: kT[d][c]
  float *vS = kT;                     // [kKeys][DMAX], after the scores
  float *pT = kT + DMAX * kSmemPitch; // [kKeys][kSmemPitch]: pT[c][r]

  const int t = threadIdx.x;
  const int tr = t / 16, tc = t % 16;
  const int r0 = tr * 4, c0 = tc * 4;
  const long long bh = blockIdx.y;
  const int q0 = blockIdx.x * kRows;

  // Q block, transposed, scaled by the descale factor; zero past the ends.
  stageRows<DMAX>(qT, kSmemPitch, 1, Q, qType, bh * queryLen + q0,
                  queryLen - q0, headDim, qRowPitch, qScale);

  float m[4], l[4], l2[4];
  float o[4][DMAX / 16];
  for (int i = 0; i < 4; ++i) {
    m[i] = -INFINITY;
    l[i] = 0.f;
    l2[i] = 0.f;
    for (int k = 0; k < DMAX / 16; ++k)
      o[i][k] = 0.f;
  }

  int keyEnd = keyLen;
  if (causal)
    keyEnd = min(keyLen, q0 + kRows);
  for (int n0 = 0; n0 < keyEnd; n0 += kKeys) {
    __syncthreads(); // the previous step is done with vS and pT
    stageRows<DMAX>(kT, kSmemPitch, 1, K, kType, bh * keyLen + n0,
                    keyLen - n0, headDim, kRowPitch, kScale);
    __syncthreads();

    // Scores of rows r0..r0+3 and keys c0..c0+3.
    // Over DMAX, not headDim: the rows past headDim are zero, and a
    // compile-time trip count lets the loads run ahead of the FMAs.
    float s[4][4] = {};
#pragma unroll 16
    for (int d = 0; d < DMAX; ++d) {
      float4 qv = *reinterpret_cast<const float4 *>(&qT[d * kSmemPitch + r0]);
      float4 kv = *reinterpret_cast<const float4 *>(&kT[d * kSmemPitch + c0]);
      float qa[4] = {qv.x, qv.y, qv.z, qv.w};
      float ka[4] = {kv.x, kv.y, kv.z, kv.w};
      for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j)
          s[i][j] = fmaf(qa[i], ka[j], s[i][j]);
    }

    // Mask, then the online softmax; a row's 64 scores live in the 16
    // threads of one half-warp, combined with xor shuffles.
    float alpha[4];
    for (int i = 0; i < 4; ++i) {
      int q = q0 + r0 + i;
      float rowMax = -INFINITY;
      for (int j = 0; j < 4; ++j) {
        int key = n0 + c0 + j;
        bool visible = key < keyLen && (!causal || key <= q);
        s[i][j] = visible ? s[i][j] * scale : -INFINITY;
        rowMax = fmaxf(rowMax, s[i][j]);
      }
      for (int off = 1; off < 16; off <<= 1)
        rowMax = fmaxf(rowMax, __shfl_xor_sync(0xFFFFFFFFu, rowMax, off));
      float mNew = fmaxf(m[i], rowMax);
      // No visible key yet: nothing to rescale, every p is 0.
      alpha[i] = mNew == -INFINITY ? 1.f : expf(m[i] - mNew);
      float sum = 0.f, sum2 = 0.f;
      for (int j = 0; j < 4; ++j) {
        float p = s[i][j] == -INFINITY ? 0.f : expf(s[i][j] - mNew);
        s[i][j] = p;
        sum += p;
        sum2 += p * p;
      }
      for (int off = 1; off < 16; off <<= 1) {
        sum += __shfl_xor_sync(0xFFFFFFFFu, sum, off);
        sum2 += __shfl_xor_sync(0xFFFFFFFFu, sum2, off);
      }
      m[i] = mNew;
      l[i] = l[i] * alpha[i] + sum;
      l2[i] = l2[i] * alpha[i] * alpha[i] + sum2;
    }
    for (int j = 0; j < 4; ++j)
      *reinterpret_cast<float4 *>(&pT[(c0 + j) * kSmemPitch + r0]) =
          make_float4(s[0][j], s[1][j], s[2][j], s[3][j]);
    __syncthreads(); // everyone is done with kT: V goes there

    stageRows<DMAX>(vS, 1, DMAX, V, vType, bh * keyLen + n0, keyLen - n0,
                    headDim, vRowPitch, vScale);
    __syncthreads();

    // o = o * alpha + P V: rows r0..r0+3, columns 4 tc + 64 k + (0..3).
    for (int i = 0; i < 4; ++i)
      for (int k = 0; k < DMAX / 16; ++k)
        o[i][k] *= alpha[i];
    for (int j = 0; j < kKeys; ++j) {
      float4 pv = *reinterpret_cast<const float4 *>(&pT[j * kSmemPitch + r0]);
      float pa[4] = {pv.x, pv.y, pv.z, pv.w};
      for (int k = 0; k < DMAX / 64; ++k) {
        float4 vv =
            *reinterpret_cast<const float4 *>(&vS[j * DMAX + 64 * k + c0]);
        float va[4] = {vv.x, vv.y, vv.z, vv.w};
        for (int i = 0; i < 4; ++i)
          for (int e = 0; e < 4; ++e)
            o[i][4 * k + e] = fmaf(pa[i], va[e], o[i][4 * k + e]);
      }
    }
  }

  for (int i = 0; i < 4; ++i) {
    int q = q0 + r0 + i;
    if (q >= queryLen)
      continue;
    long long row = bh * queryLen + q;
    for (int k = 0; k < DMAX / 64; ++k)
      for (int e = 0; e < 4; ++e) {
        int d = 64 * k + c0 + e;
        if (d < headDim)
          O[row * headDim + d] = o[i][4 * k + e] / l[i];
      }
    if (tc == 0)
      rowScale[row] = sqrtf(l2[i]) / l[i];
  }
}

#define TILE_REF_ATTENTION(DMAX)                                               \
  extern "C" __global__ void __launch_bounds__(kThreads)                       \
      tile_ref_attention_d##DMAX(                                              \
          const void *Q, const void *K, const void *V, float *O,               \
          float *rowScale, int qType, int kType, int vType,                    \
          long long qRowPitch, long long kRowPitch, long long vRowPitch,       \
          int queryLen, int keyLen, int headDim, float scale, int causal,      \
          float qScale, float kScale, float vScale) {                          \
    attention<DMAX>(Q, K, V, O, rowScale, qType, kType, vType, qRowPitch,      \
                    kRowPitch, vRowPitch, queryLen, keyLen, headDim, scale,    \
                    causal, qScale, kScale, vScale);                           \
  }

TILE_REF_ATTENTION(64)
TILE_REF_ATTENTION(128)
TILE_REF_ATTENTION(256)

//===----------------------------------------------------------------------===//
// GEMM
//===----------------------------------------------------------------------===//

enum : int {
  kGemmTile = 64,      // C block of a CUDA block
  kGemmK = 32,         // K step staged in shared memory
  kGemmPitch = 68,     // floats per staged row (16-byte aligned, fewer bank
                       // conflicts than 64)
};

/// C = (A * scaleA) (B * scaleB) in fp32 (CUDA cores, fma in K order), C
/// packed M x N fp32. A is M x K (rows lda elements apart); B is K x N
/// (rows ldb apart), or N x K when transB. A 64 x 64 block of C per CUDA
/// block, 4 x 4 elements per thread; any M, N, K.
extern "C" __global__ void __launch_bounds__(kThreads)
    tile_ref_gemm(const void *A, const void *B, float *C, int aType,
                  int bType, long long M, long long N, long long K,
                  long long lda, long long ldb, int transB, float scaleA,
                  float scaleB) {
  float *aT = reinterpret_cast<float *>(smem4); // [kGemmK][kGemmPitch]
  float *bS = aT + kGemmK * kGemmPitch;         // [kGemmK][kGemmPitch]
  const int t = threadIdx.x;
  const int ty = t / 16, tx = t % 16;
  const long long m0 = (long long)blockIdx.y * kGemmTile;
  const long long n0 = (long long)blockIdx.x * kGemmTile;
  float acc[4][4] = {};
  for (long long k0 = 0; k0 < K; k0 += kGemmK) {
    __syncthreads(); // the previous step is done with aT and bS
    for (int i = t; i < kGemmTile * kGemmK; i += kThreads) {
      int r = i / kGemmK, k = i % kGemmK; // K fastest: coalesced rows
      float a = 0.f, b = 0.f;
      if (m0 + r < M && k0 + k < K)
        a = loadAsFloat(A, (m0 + r) * lda + k0 + k, aType) * scaleA;
      if (transB && n0 + r < N && k0 + k < K)
        b = loadAsFloat(B, (n0 + r) * ldb + k0 + k, bType) * scaleB;
      aT[k * kGemmPitch + r] = a;
      if (transB)
        bS[k * kGemmPitch + r] = b;
    }
    if (!transB)
      for (int i = t; i < kGemmTile * kGemmK; i += kThreads) {
        int k = i / kGemmTile, c = i % kGemmTile; // N fastest
        float b = 0.f;
        if (k0 + k < K && n0 + c < N)
          b = loadAsFloat(B, (k0 + k) * ldb + n0 + c, bType) * scaleB;
        bS[k * kGemmPitch + c] = b;
      }
    __syncthreads();
#pragma unroll 8
    for (int k = 0; k < kGemmK; ++k) {
      float4 av = *reinterpret_cast<const float4 *>(&aT[k * kGemmPitch + 4 * ty]);
      float4 bv = *reinterpret_cast<const float4 *>(&bS[k * kGemmPitch + 4 * tx]);
      float a4[4] = {av.x, av.y, av.z, av.w};
      float b4[4] = {bv.x, bv.y, bv.z, bv.w};
      for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j)
          acc[i][j] = fmaf(a4[i], b4[j], acc[i][j]);
    }
  }
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      long long m = m0 + 4 * ty + i, n = n0 + 4 * tx + j;
      if (m < M && n < N)
        C[m * N + n] = acc[i][j];
    }
}

//===----------------------------------------------------------------------===//
// GEMM epilogues
//===----------------------------------------------------------------------===//

/// C = f(C) in place: C is the packed M x N fp32 product of the GEMM
/// reference; each element becomes the epilogue's steps (EpilogueArgs.h)
/// applied in order, in double, from the fp32 product and the bias
/// (data[col]) and residual (data[row * pitch + col]) inputs: + bias, +
/// residual, GELU's tanh form 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715
/// x^3))), SiLU x / (1 + exp(-x)). Rounded to fp32 once. A thread an
/// element, blocks striding over C.
extern "C" __global__ void __launch_bounds__(kThreads)
    tile_ref_gemm_epilogue(float *C, long long M, long long N,
                           tile::runtime::EpilogueArgs steps) {
  const double k0 = 0.79788456080286535588; // sqrt(2 / pi)
  const double k1 = 0.044715;
  const long long total = M * N;
  for (long long i = (long long)blockIdx.x * kThreads + threadIdx.x; i < total;
       i += (long long)gridDim.x * kThreads) {
    const long long row = i / N, col = i % N;
    double y = C[i];
    for (int s = 0; s < steps.count; ++s) {
      const tile::runtime::EpilogueStepArgs &step = steps.step[s];
      const void *data = reinterpret_cast<const void *>(step.data);
      switch (step.op) {
      case tile::runtime::kEpilogueBias:
        y += loadAsFloat(data, col, step.type);
        break;
      case tile::runtime::kEpilogueResidual:
        y += loadAsFloat(data, row * step.pitch + col, step.type);
        break;
      case tile::runtime::kEpilogueGelu:
        y = 0.5 * y * (1.0 + tanh(k0 * (y + k1 * y * y * y)));
        break;
      default: // kEpilogueSilu
        y = y / (1.0 + exp(-y));
        break;
      }
    }
    C[i] = static_cast<float>(y);
  }
}

//===----------------------------------------------------------------------===//
// Row softmax and layernorm
//===----------------------------------------------------------------------===//

// A warp per row, kRowsPerBlock rows a block, blocks striding over the rows
// (so any number of rows fits a grid); each lane takes every 32nd element of
// its row. Sums in double, so that the reference's only rounding that
// matters is the last one, to fp32; each row is read once per pass (two for
// softmax, three for layernorm), and written once.
enum : int { kRowsPerBlock = kThreads / 32 };

/// The sum over the 32 lanes of a warp, in every lane (the xor butterfly
/// adds the same pairs in every lane: the lanes agree bit for bit).
__device__ __forceinline__ double warpSum(double v) {
  for (int off = 16; off > 0; off >>= 1)
    v += __shfl_xor_sync(0xFFFFFFFFu, v, off);
  return v;
}

/// The maximum over the 32 lanes of a warp, in every lane.
__device__ __forceinline__ float warpMax(float v) {
  for (int off = 16; off > 0; off >>= 1)
    v = fmaxf(v, __shfl_xor_sync(0xFFFFFFFFu, v, off));
  return v;
}

/// Y = softmax(X) over each row: X is rows x cols (type code xType), rows
/// xPitch elements apart; Y packed fp32 rows x cols. exp and the sum in
/// double.
extern "C" __global__ void __launch_bounds__(kThreads)
    tile_ref_softmax(const void *X, int xType, long long rows, long long cols,
                     long long xPitch, float *Y) {
  const int lane = threadIdx.x % 32;
  // Every warp of a block runs the same number of iterations, with or
  // without a row, so that the shuffles are in uniform control flow.
  for (long long r0 = (long long)blockIdx.x * kRowsPerBlock; r0 < rows;
       r0 += (long long)gridDim.x * kRowsPerBlock) {
    const long long r = r0 + threadIdx.x / 32;
    const long long n = r < rows ? cols : 0;
    const long long in = r * xPitch;
    float m = -INFINITY;
    for (long long c = lane; c < n; c += 32)
      m = fmaxf(m, loadAsFloat(X, in + c, xType));
    m = warpMax(m);
    double sum = 0;
    for (long long c = lane; c < n; c += 32)
      sum += exp(static_cast<double>(loadAsFloat(X, in + c, xType)) - m);
    sum = warpSum(sum);
    for (long long c = lane; c < n; c += 32)
      Y[r * cols + c] = static_cast<float>(
          exp(static_cast<double>(loadAsFloat(X, in + c, xType)) - m) / sum);
  }
}

/// Y = (X - mean) / sqrt(var + eps) * W + B over each row (the mean and the
/// biased variance of the row, as torch's layer_norm): X is rows x cols
/// (xType), rows xPitch elements apart; W and B are cols elements (wType,
/// bType); Y packed fp32 rows x cols; rowScale[r] = max(1, max_c |n_rc|)
/// with n = (x - mean) / sqrt(var + eps), the row scale of the error bound.
/// Everything in double; the variance in a second pass around the mean.
extern "C" __global__ void __launch_bounds__(kThreads)
    tile_ref_layernorm(const void *X, int xType, long long rows,
                       long long cols, long long xPitch, const void *W,
                       int wType, const void *B, int bType, float eps,
                       float *Y, float *rowScale) {
  const int lane = threadIdx.x % 32;
  for (long long r0 = (long long)blockIdx.x * kRowsPerBlock; r0 < rows;
       r0 += (long long)gridDim.x * kRowsPerBlock) {
    const long long r = r0 + threadIdx.x / 32;
    const long long n = r < rows ? cols : 0;
    const long long in = r * xPitch;
    double sum = 0;
    for (long long c = lane; c < n; c += 32)
      sum += loadAsFloat(X, in + c, xType);
    const double mean = warpSum(sum) / static_cast<double>(cols);
    double squares = 0;
    for (long long c = lane; c < n; c += 32) {
      double d = loadAsFloat(X, in + c, xType) - mean;
      squares += d * d;
    }
    const double rstd =
        1.0 / sqrt(warpSum(squares) / static_cast<double>(cols) +
                   static_cast<double>(eps));
    float scale = 1.f;
    for (long long c = lane; c < n; c += 32) {
      double v = (loadAsFloat(X, in + c, xType) - mean) * rstd;
      scale = fmaxf(scale, static_cast<float>(v < 0 ? -v : v));
      Y[r * cols + c] = static_cast<float>(
          v * static_cast<double>(loadAsFloat(W, c, wType)) +
          static_cast<double>(loadAsFloat(B, c, bType)));
    }
    scale = warpMax(scale);
    if (lane == 0 && r < rows)
      rowScale[r] = scale;
  }
}

//===----------------------------------------------------------------------===//
// Checks
//===----------------------------------------------------------------------===//

/// Per-tile statistics of an output against its fp32 reference: a block
/// per tile (grid-stride over tiles), a thread per element (stride 256),
/// then a tree merge in shared memory (256 TileStats, dynamic). The bound of
/// element (r, c) is elementBound(rtol, atol, floor, scale, rowScale[r],
/// colScale[c], ref) (a null scale is 1). `out` rows are `pitch` elements
/// apart, `ref` is packed.
extern "C" __global__ void __launch_bounds__(kThreads) tile_check_output(
    const void *out, int outType, long long rows, long long cols,
    long long pitch, const float *ref, const float *rowScale,
    const float *colScale, double rtol, double atol, double floor,
    double scale, long long tileRows, long long tileCols,
    long long tileColsCount, long long tileCount,
    tile::runtime::TileStats *tiles) {
  using tile::runtime::TileStats;
  TileStats *part = reinterpret_cast<TileStats *>(smem4);
  const int t = threadIdx.x;
  for (long long tile = blockIdx.x; tile < tileCount; tile += gridDim.x) {
    long long r0 = tile / tileColsCount * tileRows;
    long long c0 = tile % tileColsCount * tileCols;
    long long nr = rows - r0 < tileRows ? rows - r0 : tileRows;
    long long nc = cols - c0 < tileCols ? cols - c0 : tileCols;
    TileStats s;
    tile::runtime::tileStatsInit(s);
    for (long long i = t; i < nr * nc; i += kThreads) {
      long long r = r0 + i / nc, c = c0 + i % nc;
      float x = ref[r * cols + c];
      float o = loadAsFloat(out, r * pitch + c, outType);
      double b = tile::runtime::elementBound(
          rtol, atol, floor, scale, rowScale ? rowScale[r] : 1.0f,
          colScale ? colScale[c] : 1.0f, x);
      tile::runtime::tileStatsAdd(s, o, x, b, r * cols + c);
    }
    part[t] = s;
    __syncthreads();
    for (int half = kThreads / 2; half > 0; half /= 2) {
      if (t < half)
        tile::runtime::tileStatsMerge(part[t], part[t + half]);
      __syncthreads();
    }
    if (t == 0)
      tiles[tile] = part[0];
    __syncthreads();
  }
}

/// Counts the elements (`elemBytes` each) of bytes [begin, end) of each of
/// `rows` rows (`stride` bytes apart, from `base`) that differ from
/// `pattern` (little-endian); result[0] += the count, result[1] = min(its
/// own value, the byte offset from base of the first changed element).
extern "C" __global__ void __launch_bounds__(kThreads)
    tile_count_changed(const unsigned char *base, long long rows,
                       long long stride, long long begin, long long end,
                       int elemBytes, unsigned long long pattern,
                       unsigned long long *result) {
  long long perRow = (end - begin) / elemBytes;
  long long total = rows * perRow;
  for (long long i = (long long)blockIdx.x * kThreads + threadIdx.x; i < total;
       i += (long long)gridDim.x * kThreads) {
    long long offset = i / perRow * stride + begin + i % perRow * elemBytes;
    bool changed = false;
    for (int b = 0; b < elemBytes; ++b)
      changed |= base[offset + b] != ((pattern >> (8 * b)) & 0xFF);
    if (changed) {
      atomicAdd(&result[0], 1ull);
      atomicMin(&result[1], (unsigned long long)offset);
    }
  }
}

/// sum += the hash terms (CheckElement.h) of `count` 64-bit words.
extern "C" __global__ void __launch_bounds__(kThreads)
    tile_hash_words(const unsigned long long *words, long long count,
                    unsigned long long *sum) {
  unsigned long long *part = reinterpret_cast<unsigned long long *>(smem4);
  unsigned long long h = 0;
  for (long long i = (long long)blockIdx.x * kThreads + threadIdx.x; i < count;
       i += (long long)gridDim.x * kThreads)
    h += tile::runtime::hashWordTerm(words[i], (unsigned long long)i);
  part[threadIdx.x] = h;
  __syncthreads();
  for (int half = kThreads / 2; half > 0; half /= 2) {
    if (static_cast<int>(threadIdx.x) < half)
      part[threadIdx.x] += part[threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x == 0)
    atomicAdd(sum, part[0]);
}
