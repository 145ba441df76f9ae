//===- CudaDriver.h - the CUDA driver API, loaded at run time ---*- C++ -*-===//
//
// tile never links against CUDA: the driver library (libcuda.so.1) is opened
// with dlopen when a tool first needs the GPU, so every tool starts, and says
// clearly what is missing, on a machine without one. The few CUDA types and
// enum values the runtime uses are declared here with the values of the CUDA
// 13 headers (cuda.h); do not include cuda.h next to this header.
//
// Every failing driver call comes back as a CudaError whose message names the
// call and the CUDA error's name and description:
//
//   cuLaunchKernel failed: CUDA_ERROR_INVALID_VALUE (invalid argument)
//
// Running out of device memory is an OutOfMemoryError (a CudaError), so a
// caller can report "OOM" for one problem shape and go on; see
// isOutOfMemory().
//
//===----------------------------------------------------------------------===//
#ifndef TILE_RUNTIME_CUDADRIVER_H
#define TILE_RUNTIME_CUDADRIVER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace tile {
namespace runtime {

//===----------------------------------------------------------------------===//
// CUDA driver types (values as in CUDA 13's cuda.h)
//===----------------------------------------------------------------------===//

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = uint64_t;

struct CUctx_st;
struct CUmod_st;
struct CUfunc_st;
struct CUstream_st;
struct CUevent_st;
using CUcontext = CUctx_st *;
using CUmodule = CUmod_st *;
using CUfunction = CUfunc_st *;
using CUstream = CUstream_st *;
using CUevent = CUevent_st *;

/// Opaque TMA descriptor: 16 quad-words, aligned as cuda.h aligns it.
struct alignas(128) CUtensorMap {
  uint64_t opaque[16];
};
static_assert(sizeof(CUtensorMap) == 128, "CUtensorMap must be 128 bytes");

enum : CUresult {
  CUDA_SUCCESS = 0,
  CUDA_ERROR_INVALID_VALUE = 1,
  CUDA_ERROR_OUT_OF_MEMORY = 2,
  CUDA_ERROR_NOT_INITIALIZED = 3,
  CUDA_ERROR_STUB_LIBRARY = 34,
  CUDA_ERROR_NO_DEVICE = 100,
  CUDA_ERROR_INVALID_PTX = 218,
  CUDA_ERROR_NOT_FOUND = 500,
  CUDA_ERROR_ILLEGAL_ADDRESS = 700,
  CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
};

enum CUdevice_attribute : int {
  CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1,
  CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X = 5,
  CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y = 6,
  CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z = 7,
  CU_DEVICE_ATTRIBUTE_CLOCK_RATE = 13,
  CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16,
  CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE = 38,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
  CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97,
};

enum CUfunction_attribute : int {
  CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 0,
  CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES = 1,
  CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES = 3,
  CU_FUNC_ATTRIBUTE_NUM_REGS = 4,
  CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8,
};

enum CUjit_option : int {
  CU_JIT_MAX_REGISTERS = 0,
  CU_JIT_INFO_LOG_BUFFER = 3,
  CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4,
  CU_JIT_ERROR_LOG_BUFFER = 5,
  CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6,
  CU_JIT_OPTIMIZATION_LEVEL = 7,
  CU_JIT_LOG_VERBOSE = 12,
};

enum CUtensorMapDataType : int {
  CU_TENSOR_MAP_DATA_TYPE_UINT8 = 0,
  CU_TENSOR_MAP_DATA_TYPE_UINT16 = 1,
  CU_TENSOR_MAP_DATA_TYPE_UINT32 = 2,
  CU_TENSOR_MAP_DATA_TYPE_INT32 = 3,
  CU_TENSOR_MAP_DATA_TYPE_UINT64 = 4,
  CU_TENSOR_MAP_DATA_TYPE_INT64 = 5,
  CU_TENSOR_MAP_DATA_TYPE_FLOAT16 = 6,
  CU_TENSOR_MAP_DATA_TYPE_FLOAT32 = 7,
  CU_TENSOR_MAP_DATA_TYPE_FLOAT64 = 8,
  CU_TENSOR_MAP_DATA_TYPE_BFLOAT16 = 9,
};

enum CUtensorMapInterleave : int {
  CU_TENSOR_MAP_INTERLEAVE_NONE = 0,
  CU_TENSOR_MAP_INTERLEAVE_16B = 1,
  CU_TENSOR_MAP_INTERLEAVE_32B = 2,
};

enum CUtensorMapSwizzle : int {
  CU_TENSOR_MAP_SWIZZLE_NONE = 0,
  CU_TENSOR_MAP_SWIZZLE_32B = 1,
  CU_TENSOR_MAP_SWIZZLE_64B = 2,
  CU_TENSOR_MAP_SWIZZLE_128B = 3,
};

enum CUtensorMapL2promotion : int {
  CU_TENSOR_MAP_L2_PROMOTION_NONE = 0,
  CU_TENSOR_MAP_L2_PROMOTION_L2_64B = 1,
  CU_TENSOR_MAP_L2_PROMOTION_L2_128B = 2,
  CU_TENSOR_MAP_L2_PROMOTION_L2_256B = 3,
};

enum CUtensorMapFloatOOBfill : int {
  CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE = 0,
  CU_TENSOR_MAP_FLOAT_OOB_FILL_NAN_REQUEST_ZERO_FMA = 1,
};

enum : unsigned {
  CU_STREAM_DEFAULT = 0x0,
  CU_STREAM_NON_BLOCKING = 0x1,
  CU_EVENT_DEFAULT = 0x0,
  CU_EVENT_BLOCKING_SYNC = 0x1,
  CU_EVENT_DISABLE_TIMING = 0x2,
};

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

/// A failed CUDA (or cuBLAS) call. Its message reads
/// "<call> failed: <error name> (<error description>)".
class CudaError : public llvm::ErrorInfo<CudaError> {
public:
  static char ID;

  CudaError(std::string call, CUresult result, std::string errorName,
            std::string description)
      : call(std::move(call)), result(result),
        errorName(std::move(errorName)), description(std::move(description)) {}

  void log(llvm::raw_ostream &os) const override;
  std::error_code convertToErrorCode() const override;

  /// The driver call that failed, e.g. "cuLaunchKernel".
  const std::string &getCall() const { return call; }
  /// The CUresult (for cuBLAS errors: the cublasStatus_t).
  CUresult getResult() const { return result; }
  /// E.g. "CUDA_ERROR_INVALID_VALUE".
  const std::string &getErrorName() const { return errorName; }

protected:
  std::string call;
  CUresult result;
  std::string errorName;
  std::string description;
};

/// Device memory ran out (CUDA_ERROR_OUT_OF_MEMORY from any driver call, or
/// CUBLAS_STATUS_ALLOC_FAILED).
class OutOfMemoryError : public llvm::ErrorInfo<OutOfMemoryError, CudaError> {
public:
  static char ID;
  using ErrorInfo::ErrorInfo;
};

/// Whether `error` (not consumed) is an OutOfMemoryError.
bool isOutOfMemory(const llvm::Error &error);

//===----------------------------------------------------------------------===//
// The driver
//===----------------------------------------------------------------------===//

/// What the runtime reports about the GPU it uses.
struct DeviceInfo {
  std::string name;
  int ordinal = 0;
  int driverVersion = 0; // e.g. 13000 for CUDA 13.0
  int smCount = 0;
  int ccMajor = 0;
  int ccMinor = 0;
  int maxSharedMemoryPerBlockOptin = 0; // bytes
  int maxThreadsPerBlock = 0;
  int maxGridDim[3] = {0, 0, 0};
  int l2CacheBytes = 0;
  int clockRateKHz = 0;
  size_t freeMemory = 0;  // bytes, when queried
  size_t totalMemory = 0; // bytes
};

/// The loaded driver library, initialized on device 0 (or the ordinal in the
/// environment variable TILE_DEVICE) with that device's primary context, which
/// cuBLAS and the CUDA runtime share. Lives until the process ends.
///
/// The function-pointer members are the driver entry points, bound to the
/// versioned symbols that CUDA 13's cuda.h maps the plain names to
/// (cuMemAlloc -> cuMemAlloc_v2, ...). Call them through check() to get an
/// llvm::Error:
///
///   if (auto err = drv.check(drv.cuCtxSynchronize(), "cuCtxSynchronize"))
///     return err;
class CudaDriver {
public:
  /// Loads and initializes the driver on first use and makes its context
  /// current on the calling thread. Fails, without crashing, when there is no
  /// driver ("no GPU driver: libcuda.so.1 not found (...)") or no device. The
  /// first failure is remembered: later calls fail the same way.
  static llvm::Expected<CudaDriver &> get();

  /// Success for CUDA_SUCCESS; else a CudaError (OutOfMemoryError for
  /// CUDA_ERROR_OUT_OF_MEMORY) naming `call`.
  llvm::Error check(CUresult result, llvm::StringRef call) const;

  /// "CUDA_ERROR_INVALID_VALUE" / "invalid argument", from the driver.
  std::string errorName(CUresult result) const;
  std::string errorString(CUresult result) const;

  /// Makes the primary context current on the calling thread (get() does
  /// this too).
  llvm::Error makeCurrent() const;

  CUdevice device() const { return dev; }
  CUcontext context() const { return ctx; }

  /// Name, SM count, compute capability, limits, free/total memory.
  llvm::Expected<DeviceInfo> deviceInfo() const;
  /// Free and total device memory in bytes (cuMemGetInfo_v2).
  llvm::Error memoryInfo(size_t &freeBytes, size_t &totalBytes) const;
  llvm::Expected<int> deviceAttribute(CUdevice_attribute attribute) const;

  /// cuCtxSynchronize.
  llvm::Error synchronize() const;

  /// Whether cuTensorMapEncodeTiled was found (CUDA 12+ drivers).
  bool hasTensorMaps() const { return cuTensorMapEncodeTiled != nullptr; }

  // Entry points (never null after get() succeeded, except where noted).
  CUresult (*cuInit)(unsigned) = nullptr;
  CUresult (*cuDriverGetVersion)(int *) = nullptr;
  CUresult (*cuDeviceGetCount)(int *) = nullptr;
  CUresult (*cuDeviceGet)(CUdevice *, int) = nullptr;
  CUresult (*cuDeviceGetName)(char *, int, CUdevice) = nullptr;
  CUresult (*cuDeviceGetAttribute)(int *, CUdevice_attribute,
                                   CUdevice) = nullptr;
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice) = nullptr;
  CUresult (*cuCtxSetCurrent)(CUcontext) = nullptr;
  CUresult (*cuCtxSynchronize)() = nullptr;
  CUresult (*cuMemGetInfo)(size_t *, size_t *) = nullptr;   // _v2
  CUresult (*cuMemAlloc)(CUdeviceptr *, size_t) = nullptr;  // _v2
  CUresult (*cuMemFree)(CUdeviceptr) = nullptr;             // _v2
  CUresult (*cuMemcpyHtoD)(CUdeviceptr, const void *, size_t) = nullptr; // _v2
  CUresult (*cuMemcpyDtoH)(void *, CUdeviceptr, size_t) = nullptr;       // _v2
  CUresult (*cuMemcpyDtoD)(CUdeviceptr, CUdeviceptr, size_t) = nullptr;  // _v2
  CUresult (*cuMemcpyDtoDAsync)(CUdeviceptr, CUdeviceptr, size_t,
                                CUstream) = nullptr; // _v2
  CUresult (*cuMemsetD8)(CUdeviceptr, unsigned char, size_t) = nullptr;  // _v2
  CUresult (*cuMemsetD8Async)(CUdeviceptr, unsigned char, size_t,
                              CUstream) = nullptr;
  CUresult (*cuModuleLoadDataEx)(CUmodule *, const void *, unsigned,
                                 CUjit_option *, void **) = nullptr;
  CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule,
                                  const char *) = nullptr;
  CUresult (*cuModuleUnload)(CUmodule) = nullptr;
  CUresult (*cuFuncSetAttribute)(CUfunction, CUfunction_attribute,
                                 int) = nullptr;
  CUresult (*cuFuncGetAttribute)(int *, CUfunction_attribute,
                                 CUfunction) = nullptr;
  CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned,
                             unsigned, unsigned, unsigned, unsigned, CUstream,
                             void **, void **) = nullptr;
  CUresult (*cuStreamCreate)(CUstream *, unsigned) = nullptr;
  CUresult (*cuStreamDestroy)(CUstream) = nullptr; // _v2
  CUresult (*cuStreamSynchronize)(CUstream) = nullptr;
  CUresult (*cuEventCreate)(CUevent *, unsigned) = nullptr;
  CUresult (*cuEventRecord)(CUevent, CUstream) = nullptr;
  CUresult (*cuEventSynchronize)(CUevent) = nullptr;
  /// cuEventElapsedTime_v2 where the driver has it (12.8+), else the
  /// original cuEventElapsedTime.
  CUresult (*cuEventElapsedTime)(float *, CUevent, CUevent) = nullptr;
  CUresult (*cuEventDestroy)(CUevent) = nullptr; // _v2
  CUresult (*cuGetErrorName)(CUresult, const char **) = nullptr;
  CUresult (*cuGetErrorString)(CUresult, const char **) = nullptr;
  /// Null on drivers without TMA support; see hasTensorMaps().
  CUresult (*cuTensorMapEncodeTiled)(
      CUtensorMap *, CUtensorMapDataType, uint32_t, void *, const uint64_t *,
      const uint64_t *, const uint32_t *, const uint32_t *,
      CUtensorMapInterleave, CUtensorMapSwizzle, CUtensorMapL2promotion,
      CUtensorMapFloatOOBfill) = nullptr;

  /// The library that was opened, e.g. "libcuda.so.1".
  const std::string &libraryName() const { return library; }

  CudaDriver(const CudaDriver &) = delete;
  CudaDriver &operator=(const CudaDriver &) = delete;

private:
  CudaDriver() = default;
  llvm::Error load();
  llvm::Error initialize();

  void *handle = nullptr;
  std::string library;
  CUdevice dev = 0;
  CUcontext ctx = nullptr;
};

//===----------------------------------------------------------------------===//
// RAII wrappers
//===----------------------------------------------------------------------===//

/// Device memory from cuMemAlloc, freed on destruction. A zero-byte buffer
/// holds no allocation (ptr() == 0). Allocation failure for lack of memory is
/// an OutOfMemoryError.
class DeviceBuffer {
public:
  DeviceBuffer() = default;
  static llvm::Expected<DeviceBuffer> allocate(CudaDriver &driver,
                                               size_t bytes);
  ~DeviceBuffer() { reset(); }
  DeviceBuffer(DeviceBuffer &&other) noexcept { *this = std::move(other); }
  DeviceBuffer &operator=(DeviceBuffer &&other) noexcept;
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;

  CUdeviceptr ptr() const { return devicePtr; }
  size_t size() const { return bytes; }

  /// Synchronous copies of `count` bytes at byte `offset` of the buffer; a
  /// range beyond the buffer is an error.
  llvm::Error copyFromHost(const void *src, size_t count,
                           size_t offset = 0);
  llvm::Error copyToHost(void *dst, size_t count, size_t offset = 0) const;
  /// Sets every byte (cuMemsetD8 / cuMemsetD8Async).
  llvm::Error fill(uint8_t value);
  llvm::Error fillAsync(uint8_t value, CUstream stream);

  /// Frees the memory now (errors are ignored: the context may be gone).
  void reset();

private:
  CudaDriver *driver = nullptr;
  CUdeviceptr devicePtr = 0;
  size_t bytes = 0;
};

/// A stream from cuStreamCreate, destroyed on destruction.
class Stream {
public:
  Stream() = default;
  static llvm::Expected<Stream> create(CudaDriver &driver,
                                       unsigned flags = CU_STREAM_NON_BLOCKING);
  ~Stream() { reset(); }
  Stream(Stream &&other) noexcept { *this = std::move(other); }
  Stream &operator=(Stream &&other) noexcept;
  Stream(const Stream &) = delete;
  Stream &operator=(const Stream &) = delete;

  CUstream get() const { return stream; }
  llvm::Error synchronize() const;
  void reset();

private:
  CudaDriver *driver = nullptr;
  CUstream stream = nullptr;
};

/// An event from cuEventCreate, destroyed on destruction.
class Event {
public:
  Event() = default;
  static llvm::Expected<Event> create(CudaDriver &driver,
                                      unsigned flags = CU_EVENT_DEFAULT);
  ~Event() { reset(); }
  Event(Event &&other) noexcept { *this = std::move(other); }
  Event &operator=(Event &&other) noexcept;
  Event(const Event &) = delete;
  Event &operator=(const Event &) = delete;

  CUevent get() const { return event; }
  llvm::Error record(CUstream stream) const;
  llvm::Error synchronize() const;
  /// Milliseconds from `start` to this event (both recorded and complete).
  llvm::Expected<float> elapsedSince(const Event &start) const;
  void reset();

private:
  CudaDriver *driver = nullptr;
  CUevent event = nullptr;
};

} // namespace runtime
} // namespace tile

#endif // TILE_RUNTIME_CUDADRIVER_H
