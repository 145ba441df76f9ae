//===- Cublas.cpp - cuBLAS reference GEMM, loaded at run time -------------===//

#include "tile/Runtime/Cublas.h"

#include "llvm/ADT/STLFunctionalExtras.h"

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

/// dlopen's the library named by $envVar, else the first of `names` found
/// as is or under /usr/local/cuda/lib64/; sets `handle` and `library`.
llvm::Error openLibrary(const char *envVar,
                        std::initializer_list<const char *> names,
                        const char *what, void *&handle,
                        std::string &library) {
  std::vector<std::string> candidates;
  if (const char *env = std::getenv(envVar))
    if (*env)
      candidates.push_back(env);
  for (const char *name : names) {
    candidates.push_back(name);
    candidates.push_back(std::string("/usr/local/cuda/lib64/") + name);
  }
  std::string firstError;
  for (const std::string &name : candidates) {
    dlerror();
    handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle) {
      library = name;
      return llvm::Error::success();
    }
    const char *why = dlerror();
    if (firstError.empty())
      firstError = why ? why : "unknown dlopen error";
  }
  return makeError(llvm::Twine("no ") + what + ": " + *names.begin() +
                   " not found (" + firstError + ")");
}

/// Binds `slot` to `name` in `handle`, or adds the name to `missing`.
template <typename Fn>
void bindSymbol(void *handle, Fn &slot, const char *name,
                std::string &missing) {
  slot = reinterpret_cast<Fn>(dlsym(handle, name));
  if (!slot)
    missing += missing.empty() ? name : std::string(", ") + name;
}

/// The object `make` returned on the first call for T, or its first error
/// again: the libraries are loaded once a process.
template <typename T>
llvm::Expected<T &> loadedOnce(llvm::function_ref<llvm::Expected<T *>()> make) {
  static const std::pair<T *, std::string> state = [&] {
    auto made = make();
    if (!made)
      return std::pair<T *, std::string>(nullptr,
                                         llvm::toString(made.takeError()));
    return std::pair<T *, std::string>(*made, "");
  }();
  if (!state.first)
    return makeError(state.second);
  return *state.first;
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
  if (auto err = openLibrary("TILE_CUBLAS",
                             {"libcublas.so.13", "libcublas.so.12",
                              "libcublas.so"},
                             "cuBLAS", library_handle, library))
    return err;
  std::string missing;
  auto require = [&](auto &slot, const char *name) {
    bindSymbol(library_handle, slot, name, missing);
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
  if (auto err = driver.makeCurrent())
    return std::move(err);
  return loadedOnce<Cublas>([]() -> llvm::Expected<Cublas *> {
    auto *cublas = new Cublas();
    if (llvm::Error err = cublas->load()) {
      if (cublas->library_handle)
        dlclose(cublas->library_handle);
      delete cublas;
      return std::move(err);
    }
    return cublas;
  });
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

//===----------------------------------------------------------------------===//
// cuBLASLt
//===----------------------------------------------------------------------===//

namespace {
// Values from cublasLt.h (CUDA 13).
enum : int {
  CUBLASLT_MATMUL_DESC_TRANSA = 3,
  CUBLASLT_MATMUL_DESC_TRANSB = 4,
  CUBLASLT_MATMUL_DESC_FAST_ACCUM = 25,
  CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES = 1,
};
constexpr size_t kLtWorkspaceBytes = size_t(32) << 20;
} // namespace

llvm::Error CublasLt::check(int status, llvm::StringRef call) const {
  if (status == CUBLAS_STATUS_SUCCESS)
    return llvm::Error::success();
  const char *name = cublasLtGetStatusName ? cublasLtGetStatusName(status)
                                           : fallbackStatusName(status);
  if (status == CUBLAS_STATUS_ALLOC_FAILED)
    return llvm::make_error<OutOfMemoryError>(call.str(), status,
                                              name ? name : "", "");
  return llvm::make_error<CudaError>(call.str(), status, name ? name : "",
                                     "");
}

llvm::Error CublasLt::load() {
  if (auto err = openLibrary("TILE_CUBLASLT",
                             {"libcublasLt.so.13", "libcublasLt.so.12",
                              "libcublasLt.so"},
                             "cuBLASLt", library_handle, library))
    return err;
  std::string missing;
  auto require = [&](auto &slot, const char *name) {
    bindSymbol(library_handle, slot, name, missing);
  };
  require(cublasLtCreate, "cublasLtCreate");
  require(cublasLtMatmulDescCreate, "cublasLtMatmulDescCreate");
  require(cublasLtMatmulDescDestroy, "cublasLtMatmulDescDestroy");
  require(cublasLtMatmulDescSetAttribute, "cublasLtMatmulDescSetAttribute");
  require(cublasLtMatrixLayoutCreate, "cublasLtMatrixLayoutCreate");
  require(cublasLtMatrixLayoutDestroy, "cublasLtMatrixLayoutDestroy");
  require(cublasLtMatmulPreferenceCreate, "cublasLtMatmulPreferenceCreate");
  require(cublasLtMatmulPreferenceDestroy, "cublasLtMatmulPreferenceDestroy");
  require(cublasLtMatmulPreferenceSetAttribute,
          "cublasLtMatmulPreferenceSetAttribute");
  require(cublasLtMatmulAlgoGetHeuristic, "cublasLtMatmulAlgoGetHeuristic");
  require(cublasLtMatmul, "cublasLtMatmul");
  cublasLtGetStatusName = reinterpret_cast<const char *(*)(int)>(
      dlsym(library_handle, "cublasLtGetStatusName"));
  if (!missing.empty())
    return makeError("cuBLASLt " + library + " lacks " + missing);
  return check(cublasLtCreate(&handle), "cublasLtCreate");
}

llvm::Expected<CublasLt &> CublasLt::get(CudaDriver &driver) {
  if (auto err = driver.makeCurrent())
    return std::move(err);
  return loadedOnce<CublasLt>([]() -> llvm::Expected<CublasLt *> {
    auto *lt = new CublasLt();
    if (llvm::Error err = lt->load()) {
      if (lt->library_handle)
        dlclose(lt->library_handle);
      delete lt;
      return std::move(err);
    }
    return lt;
  });
}

llvm::Expected<std::unique_ptr<Fp8GemmPlan>>
Fp8GemmPlan::create(CublasLt &lt, CudaDriver &driver, ElementType ab,
                    ElementType c, int64_t M, int64_t N, int64_t K,
                    int64_t lda, int64_t ldb, int64_t ldc, float alpha) {
  if (ab != ElementType::F8E4M3 && ab != ElementType::F8E5M2)
    return makeError(llvm::Twine("cuBLASLt fp8 GEMM: operands must be "
                                 "f8e4m3 or f8e5m2, not ") +
                     elementTypeName(ab));
  if (c != ElementType::F16 && c != ElementType::BF16 &&
      c != ElementType::F32)
    return makeError(llvm::Twine("cuBLASLt fp8 GEMM: C must be f16, bf16 or "
                                 "f32, not ") +
                     elementTypeName(c));
  std::unique_ptr<Fp8GemmPlan> plan(new Fp8GemmPlan(lt));
  plan->alpha = alpha;
  auto ws = DeviceBuffer::allocate(driver, kLtWorkspaceBytes);
  if (!ws)
    return ws.takeError();
  plan->workspace = std::move(*ws);
  int abType = cudaDataType(ab), cType = cudaDataType(c);
  // Row-major C = A B^T is column-major C^T (N x M, ld ldc) = B^T' A^T:
  // the first operand is B read transposed (stored as K x N column-major,
  // ld ldb), the second A (K x M column-major, ld lda): "TN".
  if (auto err = lt.check(lt.cublasLtMatmulDescCreate(&plan->op,
                                                      CUBLAS_COMPUTE_32F,
                                                      CUDA_R_32F),
                          "cublasLtMatmulDescCreate"))
    return std::move(err);
  int32_t opT = CUBLAS_OP_T, opN = CUBLAS_OP_N;
  int8_t fast = 1;
  for (auto [attr, buf, size] :
       {std::tuple<int, const void *, size_t>{CUBLASLT_MATMUL_DESC_TRANSA,
                                              &opT, sizeof(opT)},
        {CUBLASLT_MATMUL_DESC_TRANSB, &opN, sizeof(opN)},
        {CUBLASLT_MATMUL_DESC_FAST_ACCUM, &fast, sizeof(fast)}})
    if (auto err = lt.check(
            lt.cublasLtMatmulDescSetAttribute(plan->op, attr, buf, size),
            "cublasLtMatmulDescSetAttribute"))
      return std::move(err);
  if (auto err = lt.check(lt.cublasLtMatrixLayoutCreate(&plan->a, abType, K,
                                                        N, ldb),
                          "cublasLtMatrixLayoutCreate (B)"))
    return std::move(err);
  if (auto err = lt.check(lt.cublasLtMatrixLayoutCreate(&plan->b, abType, K,
                                                        M, lda),
                          "cublasLtMatrixLayoutCreate (A)"))
    return std::move(err);
  if (auto err = lt.check(lt.cublasLtMatrixLayoutCreate(&plan->c, cType, N,
                                                        M, ldc),
                          "cublasLtMatrixLayoutCreate (C)"))
    return std::move(err);
  CublasLt::Desc pref = nullptr;
  if (auto err = lt.check(lt.cublasLtMatmulPreferenceCreate(&pref),
                          "cublasLtMatmulPreferenceCreate"))
    return std::move(err);
  uint64_t wsBytes = kLtWorkspaceBytes;
  llvm::Error err = lt.check(
      lt.cublasLtMatmulPreferenceSetAttribute(
          pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &wsBytes,
          sizeof(wsBytes)),
      "cublasLtMatmulPreferenceSetAttribute");
  CublasLt::Heuristic result{};
  int returned = 0;
  if (!err)
    err = lt.check(lt.cublasLtMatmulAlgoGetHeuristic(
                       lt.handle, plan->op, plan->a, plan->b, plan->c,
                       plan->c, pref, 1, &result, &returned),
                   "cublasLtMatmulAlgoGetHeuristic");
  lt.cublasLtMatmulPreferenceDestroy(pref);
  if (err)
    return std::move(err);
  if (returned < 1)
    return makeError("cuBLASLt has no fp8 GEMM algorithm for M=" +
                     llvm::Twine(M) + " N=" + llvm::Twine(N) +
                     " K=" + llvm::Twine(K));
  plan->algo = result.algo;
  return std::move(plan);
}

Fp8GemmPlan::~Fp8GemmPlan() {
  if (op)
    lt.cublasLtMatmulDescDestroy(op);
  for (CublasLt::Desc d : {a, b, c})
    if (d)
      lt.cublasLtMatrixLayoutDestroy(d);
}

llvm::Error Fp8GemmPlan::run(CUstream stream, CUdeviceptr A, CUdeviceptr B,
                             CUdeviceptr C) {
  auto ptr = [](CUdeviceptr p) {
    return reinterpret_cast<void *>(static_cast<uintptr_t>(p));
  };
  return lt.check(lt.cublasLtMatmul(lt.handle, op, &alpha, ptr(B), a, ptr(A),
                                    b, &beta, ptr(C), c, ptr(C), c, &algo,
                                    ptr(workspace.ptr()), workspace.size(),
                                    stream),
                  "cublasLtMatmul");
}
