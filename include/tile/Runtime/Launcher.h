//===- Launcher.h - launching compiled tile kernels -------------*- C++ -*-===//
//
// Turns a LaunchInfo (from the compiler) plus the user's arguments into a
// cuLaunchKernel call:
//
//  * kernel parameters, in LaunchInfo::params order: a Memref parameter
//    expands to the MLIR memref descriptor (allocated ptr, aligned ptr, i64
//    offset, i64 sizes[rank], i64 strides[rank]), each its own entry; a
//    TensorMap parameter is an 8-byte pointer to a CUtensorMap in device
//    memory (encoded with cuTensorMapEncodeTiled, cached); a Scalar is passed
//    by value with its type's size; a ProblemSize is its value as an i64;
//  * the grid, from LaunchInfo::grid evaluated over the problem sizes and the
//    bound configuration, padded to three dimensions with 1;
//  * the block (blockThreads, 1, 1) and the dynamic shared memory, opting in
//    beyond 48 KiB.
//
// The layout, the grid and the TMA descriptor parameters are computed by pure
// functions (packParams, evaluateGrid, makeTensorMapSpec) that need no GPU.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_RUNTIME_LAUNCHER_H
#define TILE_RUNTIME_LAUNCHER_H

#include "tile/Compiler/LaunchInfo.h"
#include "tile/Runtime/CudaDriver.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace tile {
namespace runtime {

/// One tile.kernel argument as the caller provides it: a device tensor or a
/// scalar.
struct ArgValue {
  enum class Kind { Tensor, Scalar };
  Kind kind = Kind::Scalar;

  // Tensor.
  CUdeviceptr ptr = 0;
  std::vector<int64_t> sizes;   // outermost first
  std::vector<int64_t> strides; // in elements, outermost first

  // Scalar: the value's bit pattern (low bytes) and its type.
  ElementType type = ElementType::I64;
  uint64_t bits = 0;

  /// A tensor; empty `strides` means contiguous row-major.
  static ArgValue tensor(CUdeviceptr ptr, std::vector<int64_t> sizes,
                         std::vector<int64_t> strides = {});
  static ArgValue scalar(ElementType type, uint64_t bits);
  static ArgValue i1(bool value);
  static ArgValue i32(int32_t value);
  static ArgValue i64(int64_t value);
  static ArgValue index(int64_t value);
  static ArgValue f32(float value);

  bool isTensor() const { return kind == Kind::Tensor; }
};

/// Row-major (C order) strides, in elements, for `sizes`.
std::vector<int64_t> rowMajorStrides(llvm::ArrayRef<int64_t> sizes);

/// The kernel-parameter list: each entry's bytes in one storage block (each
/// entry starts at a multiple of 8), and the void* array cuLaunchKernel takes.
class PackedParams {
public:
  struct Entry {
    size_t offset = 0; // into storage()
    size_t size = 0;   // bytes
    std::string what;  // e.g. "A.aligned", "A.sizes[1]", "alpha", "Q.tma"
  };

  void append(const void *data, size_t size, std::string what);

  llvm::ArrayRef<Entry> entries() const { return list; }
  size_t size() const { return list.size(); }
  llvm::ArrayRef<char> storage() const { return bytes; }
  /// Entry `i`'s bytes read as a little-endian unsigned integer (size <= 8).
  uint64_t valueAt(size_t i) const;

  /// The array of pointers to each entry, for cuLaunchKernel's kernelParams.
  /// Valid until the next append().
  void **kernelParams();

private:
  std::vector<char> bytes;
  std::vector<Entry> list;
  std::vector<void *> pointers;
};

/// All parameters of cuTensorMapEncodeTiled, in the driver's order
/// (innermost dimension first).
struct TensorMapSpec {
  CUtensorMapDataType dataType = CU_TENSOR_MAP_DATA_TYPE_UINT8;
  uint32_t rank = 0;
  CUdeviceptr globalAddress = 0;
  std::array<uint64_t, 5> globalDim{};     // elements, innermost first
  std::array<uint64_t, 4> globalStrides{}; // bytes, of dims 1..rank-1
  std::array<uint32_t, 5> boxDim{};        // elements, innermost first
  std::array<uint32_t, 5> elementStrides{};
  CUtensorMapInterleave interleave = CU_TENSOR_MAP_INTERLEAVE_NONE;
  CUtensorMapSwizzle swizzle = CU_TENSOR_MAP_SWIZZLE_NONE;
  CUtensorMapL2promotion l2Promotion = CU_TENSOR_MAP_L2_PROMOTION_L2_128B;
  CUtensorMapFloatOOBfill oobFill = CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE;

  /// A string identifying the descriptor's contents (for caching).
  std::string key() const;
};

/// The tensor-map data type for an element type (FP8 as UINT8); an error for
/// I1.
llvm::Expected<CUtensorMapDataType> tensorMapDataType(ElementType type);

/// Checks the TMA preconditions and computes the descriptor for `param` (a
/// TensorMap parameter) over `arg` (a tensor): 16-byte aligned address,
/// innermost stride 1, other strides multiples of 16 bytes, box dims in
/// [1, 256] with the innermost box a multiple of 16 bytes (and at most 128
/// bytes with 128-byte swizzle). `argName` names the tensor in errors.
llvm::Expected<TensorMapSpec> makeTensorMapSpec(const KernelParam &param,
                                                const ArgValue &arg,
                                                llvm::StringRef argName);

/// cuTensorMapEncodeTiled.
llvm::Error encodeTensorMap(CudaDriver &driver, const TensorMapSpec &spec,
                            CUtensorMap &out);

/// Supplies the device address of an encoded tensor map.
using TensorMapProvider =
    llvm::function_ref<llvm::Expected<CUdeviceptr>(const TensorMapSpec &)>;

/// Builds the kernel-parameter list of `info` from `args` (indexed by
/// KernelParam::argIndex). ProblemSize parameters take their i64 value from
/// `problemSizes` ∪ info.config. TensorMap parameters get their 8-byte
/// device pointer from `tensorMaps`; without one, they are an error.
llvm::Expected<PackedParams> packParams(const LaunchInfo &info,
                                        llvm::ArrayRef<ArgValue> args,
                                        const Bindings &problemSizes,
                                        TensorMapProvider tensorMaps = nullptr);

/// `problemSizes` plus every problem size named in info.args[i].dimNames
/// that is not bound yet (nor in info.config), taken from the extent of
/// tensor args[i]. Conflicts are left for checkArguments to report.
Bindings inferProblemSizes(const LaunchInfo &info,
                           llvm::ArrayRef<ArgValue> args,
                           const Bindings &problemSizes);

/// Checks `args` against info.args: count, tensor or scalar, rank, static
/// extents, and extents named by a bound problem size or config symbol.
llvm::Error checkArguments(const LaunchInfo &info,
                           llvm::ArrayRef<ArgValue> args,
                           const Bindings &problemSizes);

/// problemSizes ∪ info.config; a symbol bound to different values in both is
/// an error.
llvm::Expected<Bindings> launchBindings(const LaunchInfo &info,
                                        const Bindings &problemSizes);

/// Largest grid extents (the CUDA limits for compute capability >= 3.0).
struct GridLimits {
  int64_t x = 2147483647;
  int64_t y = 65535;
  int64_t z = 65535;
};

/// Evaluates info.grid under launchBindings(info, problemSizes), padded to
/// three dimensions with 1. Errors: parse errors, unbound symbols, more than
/// three dimensions, extents <= 0 or beyond `limits`.
llvm::Expected<std::array<unsigned, 3>>
evaluateGrid(const LaunchInfo &info, const Bindings &problemSizes,
             const GridLimits &limits = GridLimits());

/// Everything cuLaunchKernel needs, computed once; enqueue() can be called
/// repeatedly (e.g. in a timing loop) without further host work.
struct PreparedLaunch {
  CUfunction function = nullptr;
  std::array<unsigned, 3> grid{{1, 1, 1}};
  std::array<unsigned, 3> block{{1, 1, 1}};
  unsigned sharedMemoryBytes = 0;
  PackedParams params;

  llvm::Error enqueue(CudaDriver &driver, CUstream stream);
};

/// Launches kernels, caching encoded tensor maps (device buffers keyed by
/// address, shape, strides, box and swizzle, kept for the launcher's
/// lifetime) and the per-function shared-memory opt-in. Thread-safe.
///
/// prepare() and launch() complete `problemSizes` from the tensors' extents
/// (inferProblemSizes), check the arguments (checkArguments), evaluate the
/// grid and pack the parameters.
class Launcher {
public:
  explicit Launcher(CudaDriver &driver) : driver(driver) {}

  llvm::Expected<PreparedLaunch> prepare(CUfunction function,
                                         const LaunchInfo &info,
                                         llvm::ArrayRef<ArgValue> args,
                                         const Bindings &problemSizes);

  llvm::Error launch(CUfunction function, const LaunchInfo &info,
                     llvm::ArrayRef<ArgValue> args,
                     const Bindings &problemSizes, CUstream stream);

  /// The device address of the tensor map for `spec` (encoded and uploaded
  /// on first use).
  llvm::Expected<CUdeviceptr> tensorMap(const TensorMapSpec &spec);

  /// Frees the cached tensor maps (e.g. before freeing the tensors).
  void clearCache();
  size_t cachedTensorMaps() const;

private:
  CudaDriver &driver;
  mutable std::mutex mutex;
  std::map<std::string, DeviceBuffer> tensorMaps;
  std::set<std::pair<CUfunction, unsigned>> sharedOptIn;
  int maxSharedOptin = -1;
};

/// Launches through a process-wide Launcher.
llvm::Error launch(CudaDriver &driver, CUfunction function,
                   const LaunchInfo &info, llvm::ArrayRef<ArgValue> args,
                   const Bindings &problemSizes, CUstream stream);

} // namespace runtime
} // namespace tile

#endif // TILE_RUNTIME_LAUNCHER_H
