//===- ReferenceKernels.h - independent fp32 reference kernels --*- C++ -*-===//
//
// Plain CUDA kernels (lib/Runtime/cuda/ReferenceKernels.cu, compiled by nvcc
// into PTX that is committed and embedded here) that compute what tile's
// kernels compute, in fp32 on the CUDA cores: the independent reference that
// tile-run checks every output element against. Being compiled by nvcc, not
// by tile, a bug in tile's lowering cannot hide in them.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_RUNTIME_REFERENCEKERNELS_H
#define TILE_RUNTIME_REFERENCEKERNELS_H

#include "tile/Compiler/LaunchInfo.h"
#include "tile/Runtime/CheckElement.h"
#include "tile/Runtime/CudaDriver.h"
#include "tile/Runtime/EpilogueArgs.h"
#include "tile/Runtime/Module.h"

#include <vector>

#include "llvm/Support/Error.h"

namespace tile {
namespace runtime {

/// O = softmax(scale * Q K^T [causal]) V for `heads` = B * H heads; row r of
/// head h of Q (and O) is row h * queryLen + r, of K and V row h * keyLen + r,
/// rows `*Pitch` elements apart. `out` receives packed fp32 rows of
/// `headDim`, `rowScale` one float per row of O: sqrt(sum p^2) / sum p, the
/// 1 / sqrt(effective number of keys) that the error bound scales with.
/// Every input element is multiplied by its tensor's descale factor.
struct AttentionReferenceArgs {
  CUdeviceptr q = 0, k = 0, v = 0, out = 0, rowScale = 0;
  ElementType qType = ElementType::BF16, kType = ElementType::BF16,
              vType = ElementType::BF16;
  int64_t qPitch = 0, kPitch = 0, vPitch = 0;
  int64_t heads = 1, queryLen = 1, keyLen = 1, headDim = 1;
  float scale = 1;
  bool causal = false;
  float qScale = 1, kScale = 1, vScale = 1;
};

/// C = (A * aScale) (B * bScale) in fp32 on the CUDA cores: A is M x K (rows
/// `lda` elements apart), B K x N or, with `transB`, N x K (rows `ldb`
/// apart); `out` receives packed M x N fp32. For operand types cuBLAS does
/// not take (fp8).
struct GemmReferenceArgs {
  CUdeviceptr a = 0, b = 0, out = 0;
  ElementType aType = ElementType::BF16, bType = ElementType::BF16;
  int64_t M = 0, N = 0, K = 0, lda = 0, ldb = 0;
  bool transB = false;
  float aScale = 1, bScale = 1;
};

/// C = f(C) in place on the GPU reference's product: `out` holds packed
/// M x N fp32 (cuBLAS's or the fp32 GEMM's A B); each element becomes the
/// epilogue `steps` (GemmEpilogue.h) applied to it in double, from the fp32
/// product and the bias (step.data[col]) and residual
/// (step.data[row * pitch + col]) inputs, rounded once to fp32.
struct GemmEpilogueReferenceArgs {
  CUdeviceptr out = 0;
  int64_t M = 0, N = 0;
  EpilogueArgs steps = {};
};

/// Y = softmax(X) over each row of X (rows x cols of `xType`, rows `xPitch`
/// elements apart); `out` receives packed fp32 rows x cols. The exponentials
/// and sums in double.
struct SoftmaxReferenceArgs {
  CUdeviceptr x = 0, out = 0;
  ElementType xType = ElementType::BF16;
  int64_t rows = 0, cols = 0, xPitch = 0;
};

/// Y = (X - mean) / sqrt(var + eps) * W + B over each row of X (rows x cols
/// of `xType`, rows `xPitch` elements apart), with the row's mean and
/// biased variance, as torch.nn.functional.layer_norm; W and B hold cols
/// elements. `out` receives packed fp32 rows x cols, `rowScale` one float a
/// row: max(1, max |normalised x|), the row scale of layerNormErrorBound.
/// In double.
struct LayerNormReferenceArgs {
  CUdeviceptr x = 0, w = 0, b = 0, out = 0, rowScale = 0;
  ElementType xType = ElementType::BF16, wType = ElementType::BF16,
              bType = ElementType::BF16;
  int64_t rows = 0, cols = 0, xPitch = 0;
  float eps = 1e-5f;
};

/// An output on the device checked against its fp32 reference on the device,
/// as checkOutput() does on the host (Verify.h): rows x cols elements of
/// `outType`, rows `pitch` elements apart; `ref` packed fp32; `rowScale`
/// (rows floats) and `colScale` (cols floats) may be 0 (all ones).
struct DeviceCheckArgs {
  CUdeviceptr out = 0, ref = 0, rowScale = 0, colScale = 0;
  ElementType outType = ElementType::F32;
  size_t rows = 0, cols = 0, pitch = 0;
  double rtol = 0, atol = 0, floor = 0, scale = 1;
  size_t tileRows = 64, tileCols = 64;
};

/// The loaded reference module (on the driver's context). Lives until the
/// process ends.
class ReferenceKernels {
public:
  /// Loads the embedded PTX on first use (the driver JIT-compiles it).
  static llvm::Expected<ReferenceKernels &> get(CudaDriver &driver);

  /// Enqueues the attention reference on `stream`. Errors: a head dim over
  /// 256, more than 65535 heads, sizes beyond int, an unknown element type.
  llvm::Error attention(const AttentionReferenceArgs &args, CUstream stream);

  /// Enqueues the GEMM reference on `stream`. Errors: M or N over what a
  /// grid covers, an unknown element type.
  llvm::Error gemm(const GemmReferenceArgs &args, CUstream stream);

  /// Enqueues the GEMM epilogue reference on `stream`. Errors: M or N below
  /// 1, more than kMaxEpilogueSteps steps, an unknown step or element
  /// type, a step that needs an operand without one.
  llvm::Error gemmEpilogue(const GemmEpilogueReferenceArgs &args,
                           CUstream stream);

  /// Enqueues the softmax reference on `stream`. Errors: rows or cols
  /// below 1, an unknown element type.
  llvm::Error softmax(const SoftmaxReferenceArgs &args, CUstream stream);

  /// Enqueues the layernorm reference on `stream`. Errors: rows or cols
  /// below 1, an unknown element type.
  llvm::Error layerNorm(const LayerNormReferenceArgs &args, CUstream stream);

  /// The statistics of each tile of the output (tile (tr, tc) at
  /// tr * ceil(cols / tileCols) + tc), for summarizeTiles(). Synchronizes
  /// `stream`.
  llvm::Expected<std::vector<TileStats>> checkTiles(const DeviceCheckArgs &args,
                                                    CUstream stream);

  /// Elements (`elemBytes` each) of bytes [begin, end) of `rows` rows,
  /// `stride` bytes apart from `base`, that differ from `pattern` (little-
  /// endian): {count, byte offset of the first from base (UINT64_MAX when
  /// none)}. Synchronizes `stream`.
  llvm::Expected<std::pair<uint64_t, uint64_t>>
  countChanged(CUdeviceptr base, size_t rows, size_t stride, size_t begin,
               size_t end, unsigned elemBytes, uint64_t pattern,
               CUstream stream);

  /// The sum of the hash terms of `words` 64-bit words at `base` (for
  /// finishHash in Verify.h). Synchronizes `stream`.
  llvm::Expected<uint64_t> hashWords(CUdeviceptr base, size_t words,
                                     CUstream stream);

  /// The PTX as embedded (for tests).
  static llvm::StringRef ptx();

private:
  explicit ReferenceKernels(CudaDriver &driver) : driver(driver) {}
  CudaDriver &driver;
  Module module;
};

} // namespace runtime
} // namespace tile

#endif // TILE_RUNTIME_REFERENCEKERNELS_H
