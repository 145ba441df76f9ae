//===- LaunchInfo.h - how to launch a compiled tile kernel ------*- C++ -*-===//
//
// What the compiler tells the runtime about one compiled kernel: its PTX, the
// entry point, how to build the kernel's parameter list from the tile.kernel's
// arguments, and how to size the launch. Plain C++ (no MLIR), so the runtime
// and tools can use it without linking the compiler.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_COMPILER_LAUNCHINFO_H
#define TILE_COMPILER_LAUNCHINFO_H

#include "tile/Support/SymbolicExpr.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tile {

/// Element types of global tensors and scalars, as the runtime knows them.
enum class ElementType { BF16, F16, F32, F8E4M3, F8E5M2, I32, I64, Index, I1 };

/// Bytes per element (Index counts as 8).
unsigned elementSize(ElementType type);
/// "bf16", "f16", "f32", "f8e4m3", ...
const char *elementTypeName(ElementType type);

/// One parameter group of the compiled kernel, in kernel-parameter order.
struct KernelParam {
  enum class Kind {
    /// A global tensor passed as an MLIR memref descriptor: allocated ptr,
    /// aligned ptr, i64 offset, i64 sizes[rank], i64 strides[rank].
    Memref,
    /// A pointer (8 bytes) to a CUtensorMap in device memory describing the
    /// global tensor, with box `boxDims` (outermost first, like the tensor's
    /// dims) and a `swizzleBytes` (32, 64 or 128) swizzle unless it is 0. Out-of-bounds
    /// elements read as zero.
    TensorMap,
    /// A scalar kernel argument passed by value.
    Scalar,
    /// The problem size called `symbol` (e.g. "K"), passed as an i64.
    ProblemSize,
  };
  Kind kind = Kind::Scalar;
  /// The tile.kernel argument this parameter is built from.
  unsigned argIndex = 0;
  /// Element type (Memref, TensorMap) or the scalar's type.
  ElementType elementType = ElementType::F32;
  /// Rank of the global tensor (Memref, TensorMap).
  unsigned rank = 0;
  /// TensorMap only.
  std::vector<int64_t> boxDims;
  /// 0 (no swizzle), 32, 64 or 128: the span of the shared-memory swizzle.
  int64_t swizzleBytes = 0;
  /// ProblemSize only.
  std::string symbol;
};

/// A tile.kernel argument, as the user provides it.
struct KernelArgInfo {
  std::string name;           // e.g. "A" or "arg0"
  bool isTensor = false;      // memref (global tensor) or scalar
  ElementType elementType = ElementType::F32;
  std::vector<std::string> dimNames; // tensors: the problem-size symbols
  std::vector<int64_t> staticDims;   // tensors: static extents, -1 if dynamic
  bool isOutput = false;             // tensors the kernel stores into
};

struct LaunchInfo {
  std::string kernelName; // entry point in the PTX
  std::string ptx;
  std::vector<KernelParam> params;
  std::vector<KernelArgInfo> args;
  /// Grid extents as expressions over problem sizes and the bound config.
  std::vector<std::string> grid;
  unsigned blockThreads = 128;
  unsigned sharedMemoryBytes = 0; // dynamic shared memory
  /// The bound configuration (parameters and any problem sizes bound).
  Bindings config;
  /// Names of the tunable parameters in declaration order (for printing).
  std::vector<std::string> paramNames;
};

/// `info` as text, everything but the PTX: a version line
/// (kLaunchInfoFormat), then one line a field, a kernel argument or a
/// parameter group, then "end". What the tuning cache keeps beside a PTX
/// and what `tile-run --export` writes (docs/api.md, "The LaunchInfo text").
/// Names (arguments, symbols, config names) must not hold spaces, '=' or
/// ','; an expression or name with a line break is an error.
llvm::Expected<std::string> launchInfoToText(const LaunchInfo &info);

/// Parses launchInfoToText's text (the PTX is left empty); an error names
/// the line it stops at. Another version line is an error.
llvm::Expected<LaunchInfo> launchInfoFromText(llvm::StringRef text);

/// The first line of launchInfoToText.
constexpr const char *kLaunchInfoFormat = "tile-launch-info 1";

} // namespace tile

#endif // TILE_COMPILER_LAUNCHINFO_H
