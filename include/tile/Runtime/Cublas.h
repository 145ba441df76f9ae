//===- Cublas.h - cuBLAS reference GEMM, loaded at run time -----*- C++ -*-===//
//
// cuBLAS is opened with dlopen (libcublas.so.13, .so.12, .so, also under
// /usr/local/cuda/lib64/, or the file named by TILE_CUBLAS), so a machine
// without it still runs everything else; callers fall back to another
// reference when get() fails.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_RUNTIME_CUBLAS_H
#define TILE_RUNTIME_CUBLAS_H

#include "tile/Compiler/LaunchInfo.h"
#include "tile/Runtime/CudaDriver.h"

#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace tile {
namespace runtime {

/// The loaded cuBLAS library and one handle (on the driver's primary
/// context). Lives until the process ends.
class Cublas {
public:
  /// Loads cuBLAS and creates the handle on first use; later calls return
  /// the same object, or fail the same way.
  static llvm::Expected<Cublas &> get(CudaDriver &driver);

  /// The library file that was opened, e.g. "libcublas.so.13".
  const std::string &libraryName() const { return library; }

  /// Success, or a CudaError "<call> failed: CUBLAS_STATUS_... (...)";
  /// CUBLAS_STATUS_ALLOC_FAILED is an OutOfMemoryError.
  llvm::Error check(int status, llvm::StringRef call) const;

  // cuBLAS's types, as opaque as we need them.
  struct Context;
  using Handle = Context *;

  Handle handle = nullptr;
  int (*cublasCreate)(Handle *) = nullptr;          // cublasCreate_v2
  int (*cublasDestroy)(Handle) = nullptr;           // cublasDestroy_v2
  int (*cublasSetStream)(Handle, CUstream) = nullptr; // cublasSetStream_v2
  int (*cublasGemmEx)(Handle, int transa, int transb, int m, int n, int k,
                      const void *alpha, const void *A, int Atype, int lda,
                      const void *B, int Btype, int ldb, const void *beta,
                      void *C, int Ctype, int ldc, int computeType,
                      int algo) = nullptr;
  const char *(*cublasGetStatusName)(int) = nullptr;   // optional
  const char *(*cublasGetStatusString)(int) = nullptr; // optional

  Cublas(const Cublas &) = delete;
  Cublas &operator=(const Cublas &) = delete;

private:
  Cublas() = default;
  llvm::Error load();

  void *library_handle = nullptr;
  std::string library;
};

/// The cudaDataType value for an element type, or -1 (library_types.h).
int cudaDataType(ElementType type);

/// Row-major C[M,N] = A[M,K] * B[K,N] (or A * B^T with B[N,K] when
/// `transB`) with fp32 accumulation (CUBLAS_COMPUTE_32F), enqueued on
/// `stream`. Row pitches lda/ldb/ldc are in elements, 0 meaning packed.
/// Computed as the column-major C^T = B^T * A^T. `ab` is bf16 or f16; `c` is
/// `ab` or f32.
llvm::Error gemmRowMajor(Cublas &cublas, CUstream stream, ElementType ab,
                         ElementType c, int M, int N, int K, CUdeviceptr A,
                         CUdeviceptr B, CUdeviceptr C, int lda = 0,
                         int ldb = 0, int ldc = 0, bool transB = false);

/// cuBLASLt (libcublasLt.so.13, .so.12, .so, or TILE_CUBLASLT), opened
/// with dlopen like cuBLAS: the in-process peer of fp8 GEMMs, which
/// cublasGemmEx does not take. Lives until the process ends.
class CublasLt {
public:
  static llvm::Expected<CublasLt &> get(CudaDriver &driver);
  /// Success, or a CudaError "<call> failed: CUBLAS_STATUS_...".
  llvm::Error check(int status, llvm::StringRef call) const;

  struct Context;
  using Handle = Context *;
  struct Opaque;
  using Desc = Opaque *; // matmul descriptors, layouts, preferences
  /// cublasLtMatmulAlgo_t and cublasLtMatmulHeuristicResult_t (cublasLt.h).
  struct Algo {
    uint64_t data[8];
  };
  struct Heuristic {
    Algo algo;
    size_t workspaceSize;
    int state;
    float wavesCount;
    int reserved[4];
  };

  Handle handle = nullptr;
  int (*cublasLtCreate)(Handle *) = nullptr;
  int (*cublasLtMatmulDescCreate)(Desc *, int computeType,
                                  int scaleType) = nullptr;
  int (*cublasLtMatmulDescDestroy)(Desc) = nullptr;
  int (*cublasLtMatmulDescSetAttribute)(Desc, int attr, const void *buf,
                                        size_t size) = nullptr;
  int (*cublasLtMatrixLayoutCreate)(Desc *, int type, uint64_t rows,
                                    uint64_t cols, int64_t ld) = nullptr;
  int (*cublasLtMatrixLayoutDestroy)(Desc) = nullptr;
  int (*cublasLtMatmulPreferenceCreate)(Desc *) = nullptr;
  int (*cublasLtMatmulPreferenceDestroy)(Desc) = nullptr;
  int (*cublasLtMatmulPreferenceSetAttribute)(Desc, int attr, const void *buf,
                                              size_t size) = nullptr;
  int (*cublasLtMatmulAlgoGetHeuristic)(Handle, Desc op, Desc a, Desc b,
                                        Desc c, Desc d, Desc pref,
                                        int requested, Heuristic *results,
                                        int *returned) = nullptr;
  int (*cublasLtMatmul)(Handle, Desc op, const void *alpha, const void *A,
                        Desc a, const void *B, Desc b, const void *beta,
                        const void *C, Desc c, void *D, Desc d,
                        const Algo *algo, void *workspace,
                        size_t workspaceSize, CUstream stream) = nullptr;
  const char *(*cublasLtGetStatusName)(int) = nullptr; // optional

  CublasLt(const CublasLt &) = delete;
  CublasLt &operator=(const CublasLt &) = delete;

private:
  CublasLt() = default;
  llvm::Error load();
  void *library_handle = nullptr;
  std::string library;
};

/// A planned row-major fp8 GEMM on cuBLASLt: C[M,N] = alpha A[M,K] B[N,K]^T
/// with e4m3/e5m2 operands (B stored N x K: the "TN" layout cuBLASLt needs
/// for fp8), fp32 compute with fast accumulation (the tensor cores'
/// accumulator alone, as tile's kernels accumulate), C in f16, bf16 or
/// f32. Descriptors and the algorithm are chosen once, so run() only
/// enqueues.
class Fp8GemmPlan {
public:
  /// Pitches in elements. Errors: types cuBLASLt rejects, no algorithm.
  static llvm::Expected<std::unique_ptr<Fp8GemmPlan>>
  create(CublasLt &lt, CudaDriver &driver, ElementType ab, ElementType c,
         int64_t M, int64_t N, int64_t K, int64_t lda, int64_t ldb,
         int64_t ldc, float alpha);
  ~Fp8GemmPlan();
  llvm::Error run(CUstream stream, CUdeviceptr A, CUdeviceptr B,
                  CUdeviceptr C);

private:
  Fp8GemmPlan(CublasLt &lt) : lt(lt) {}
  CublasLt &lt;
  CublasLt::Desc op = nullptr, a = nullptr, b = nullptr, c = nullptr;
  CublasLt::Algo algo{};
  DeviceBuffer workspace;
  float alpha = 1, beta = 0;
};

} // namespace runtime
} // namespace tile

#endif // TILE_RUNTIME_CUBLAS_H
