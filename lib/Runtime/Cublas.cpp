//===- Cublas.cpp - cuBLAS reference GEMM, loaded at run time -------------===//

#include "tile/Runtime/Cublas.h"

#include <algorithm>
#include <cstdlib>
#include <dlfcn.h>
#include <type_traits>
#include <vector>

using namespace tile;
using namespace tile::runtime;

namespace {
// Values from cublas_api.h and library_types.h (CUDA 13).
enum : int {
  CUBLAS_STATUS_SUCCESS = 0,
  CUBLAS_STATUS_NOT_INITIALIZED = 1,
  CUBLAS_STATUS_ALLOC_FAILED = 3,
  CUBLAS_STATUS_INVALID_VALUE = 7,
  CUBLAS_STATUS_ARCH_MISMATCH = 8,
  CUBLAS_STATUS_MAPPING_ERROR = 11,
  CUBLAS_STATUS_EXECUTION_FAILED = 13,
  CUBLAS_STATUS_INTERNAL_ERROR = 14,
  CUBLAS_STATUS_NOT_SUPPORTED = 15,
  CUBLAS_STATUS_LICENSE_ERROR = 16,
};
enum : int { CUBLAS_OP_N = 0, CUBLAS_OP_T = 1 };
enum : int { CUBLAS_GEMM_DEFAULT = -1 };
enum : int { CUBLAS_COMPUTE_32F = 68 };
enum : int {
  CUDA_R_32F = 0,
  CUDA_R_16F = 2,
  CUDA_R_16BF = 14,
  CUDA_R_32I = 10,
  CUDA_R_64I = 24,
  CUDA_R_8F_E4M3 = 28,
  CUDA_R_8F_E5M2 = 29,
};

const char *fallbackStatusName(int status) {
  switch (status) {
  case CUBLAS_STATUS_SUCCESS:
    return "CUBLAS_STATUS_SUCCESS";
  case CUBLAS_STATUS_NOT_INITIALIZED:
    return "CUBLAS_STATUS_NOT_INITIALIZED";
  case CUBLAS_STATUS_ALLOC_FAILED:
    return "CUBLAS_STATUS_ALLOC_FAILED";
  case CUBLAS_STATUS_INVALID_VALUE:
    return "CUBLAS_STATUS_INVALID_VALUE";
  case CUBLAS_STATUS_ARCH_MISMATCH:
    return "CUBLAS_STATUS_ARCH_MISMATCH";
  case CUBLAS_STATUS_MAPPING_ERROR:
    return "CUBLAS_STATUS_MAPPING_ERROR";
  case CUBLAS_STATUS_EXECUTION_FAILED:
    return "CUBLAS_STATUS_EXECUTION_FAILED";
  case CUBLAS_STATUS_INTERNAL_ERROR:
    return "CUBLAS_STATUS_INTERNAL_ERROR";
  case CUBLAS_STATUS_NOT_SUPPORTED:
    return "CUBLAS_STATUS_NOT_SUPPORTED";
  case CUBLAS_STATUS_LICENSE_ERROR:
    return "CUBLAS_STATUS_LICENSE_ERROR";
  default:
    return "CUBLAS_STATUS_UNKNOWN";
  }
}

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 message.str());
}
} // namespace

int tile::runtime::cudaDataType(ElementType type) {
  switch (type) {
  case ElementType::F32:
    return CUDA_R_32F;
  case ElementType::F16:
    return CUDA_R_16F;
  case ElementType::BF16:
    return CUDA_R_16BF;
  case ElementType::F8E4M3:
    return CUDA_R_8F_E4M3;
  case ElementType::F8E5M2:
    return CUDA_R_8F_E5M2;
  case ElementType::I32:
    return CUDA_R_32I;
  case ElementType::I64:
  case ElementType::Index:
    return CUDA_R_64I;
  case ElementType::I1:
    break;
  }
  return -1;
}

llvm::Error Cublas::check(int status, llvm::StringRef call) const {
  if (status == CUBLAS_STATUS_SUCCESS)
    return llvm::Error::success();
  const char *name = cublasGetStatusName ? cublasGetStatusName(status)
                                         : fallbackStatusName(status);
  const char *text = cublasGetStatusString ? cublasGetStatusString(status) : "";
  if (status == CUBLAS_STATUS_ALLOC_FAILED)
    return llvm::make_error<OutOfMemoryError>(call.str(), status,
                                              name ? name : "", text ? text : "");
  return llvm::make_error<CudaError>(call.str(), status, name ? name : "",
                                     text ? text : "");
}

llvm::Error Cublas::load() {
  std::vector<std::string> candidates;
  if (const char *env = std::getenv("TILE_CUBLAS"))
    if (*env)
      candidates.push_back(env);
  for (const char *name :
       {"libcublas.so.13", "libcublas.so.12", "libcublas.so"}) {
    candidates.push_back(name);
    candidates.push_back(std::string("/usr/local/cuda/lib64/") + name);
  }
  std::string firstError;
  for (const std::string &name : candidates) {
    dlerror();
    library_handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library_handle) {
      library = name;
      break;
    }
    const char *why = dlerror();
    if (firstError.empty())
      firstError = why ? why : "unknown dlopen error";
  }
  if (!library_handle)
    return makeError("no cuBLAS: libcublas.so.13 not found (" + firstError +
                     ")");
  std::string missing;
  auto require = [&](auto &slot, const char *name) {
    using Fn = std::remove_reference_t<decltype(slot)>;
    slot = reinterpret_cast<Fn>(dlsym(library_handle, name));
    if (!slot)
      missing += missing.empty() ? name : std::string(", ") + name;
  };
  require(cublasCreate, "cublasCreate_v2");
  require(cublasDestroy, "cublasDestroy_v2");
  require(cublasSetStream, "cublasSetStream_v2");
  require(cublasGemmEx, "cublasGemmEx");
  cublasGetStatusName = reinterpret_cast<const char *(*)(int)>(
      dlsym(library_handle, "cublasGetStatusName"));
  cublasGetStatusString = reinterpret_cast<const char *(*)(int)>(
      dlsym(library_handle, "cublasGetStatusString"));
  if (!missing.empty())
    return makeError("cuBLAS " + library + " lacks " + missing);
  return check(cublasCreate(&handle), "cublasCreate_v2");
}

llvm::Expected<Cublas &> Cublas::get(CudaDriver &driver) {
  struct State {
    Cublas *cublas = nullptr;
    std::string error;
  };
  if (auto err = driver.makeCurrent())
    return std::move(err);
  static State state = [] {
    State s;
    auto *cublas = new Cublas();
    if (llvm::Error err = cublas->load()) {
      s.error = llvm::toString(std::move(err));
      if (cublas->library_handle)
        dlclose(cublas->library_handle);
      delete cublas;
      return s;
    }
    s.cublas = cublas;
    return s;
  }();
  if (!state.cublas)
    return makeError(state.error);
  return *state.cublas;
}

llvm::Error tile::runtime::gemmRowMajor(Cublas &cublas, CUstream stream,
                                        ElementType ab, ElementType c, int M,
                                        int N, int K, CUdeviceptr A,
                                        CUdeviceptr B, CUdeviceptr C, int lda,
                                        int ldb, int ldc, bool transB) {
  // Row pitches in elements; 0 means packed. With transB, B is N x K.
  lda = lda ? lda : std::max(K, 1);
  ldb = ldb ? ldb : (transB ? std::max(K, 1) : N);
  ldc = ldc ? ldc : N;
  if (ab != ElementType::BF16 && ab != ElementType::F16)
    return makeError(llvm::Twine("cuBLAS reference GEMM: inputs must be bf16 "
                                 "or f16, not ") +
                     elementTypeName(ab));
  if (c != ab && c != ElementType::F32)
    return makeError(llvm::Twine("cuBLAS reference GEMM: a ") +
                     elementTypeName(ab) + " product can be written as " +
                     elementTypeName(ab) + " or f32, not " +
                     elementTypeName(c));
  if (M < 0 || N < 0 || K < 0)
    return makeError("cuBLAS reference GEMM: negative size M=" +
                     llvm::Twine(M) + " N=" + llvm::Twine(N) +
                     " K=" + llvm::Twine(K));
  if (M == 0 || N == 0)
    return llvm::Error::success();
  if (auto err = cublas.check(cublas.cublasSetStream(cublas.handle, stream),
                              "cublasSetStream_v2"))
    return err;
  const float alpha = 1.0f, beta = 0.0f;
  const int abType = cudaDataType(ab), cType = cudaDataType(c);
  auto ptr = [](CUdeviceptr p) {
    return reinterpret_cast<void *>(static_cast<uintptr_t>(p));
  };
  // Row-major X[r, c] is column-major X^T with leading dimension c. So
  // C^T (N x M, ld N) = B^T (N x K, ld N) * A^T (K x M, ld K); a row-major
  // N x K B is read as column-major K x N and transposed (CUBLAS_OP_T).
  return cublas.check(
      cublas.cublasGemmEx(cublas.handle, transB ? CUBLAS_OP_T : CUBLAS_OP_N,
                          CUBLAS_OP_N, N, M, K,
                          &alpha, ptr(B), abType, ldb, ptr(A), abType, lda,
                          &beta, ptr(C), cType, ldc,
                          CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
      "cublasGemmEx");
}
