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

} // namespace runtime
} // namespace tile

#endif // TILE_RUNTIME_CUBLAS_H
