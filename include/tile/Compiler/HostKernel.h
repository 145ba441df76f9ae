//===- HostKernel.h - a tile kernel compiled for the host CPU ---*- C++ -*-===//
//
// The portable path (docs/cpu.md): KernelSource::compileForHost lowers a
// kernel through linalg (pipeline tile-to-cpu) and JIT-compiles it with
// MLIR's ExecutionEngine; run() executes the programs of a launch grid on
// host threads over tensors in host memory. Programs are independent, as on
// the GPU, so threads take them in chunks in any order.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_COMPILER_HOSTKERNEL_H
#define TILE_COMPILER_HOSTKERNEL_H

#include "tile/Compiler/LaunchInfo.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace mlir {
class ExecutionEngine;
class Operation;
} // namespace mlir

namespace tile {

/// One kernel argument of a host run, in the kernel's argument order.
struct HostArg {
  bool isTensor = false;
  // Tensor: host memory, extents and strides in elements (outermost first).
  void *data = nullptr;
  std::vector<int64_t> sizes, strides;
  // Scalar: the value's bit pattern in the low bytes, of type `type`.
  ElementType type = ElementType::I64;
  uint64_t bits = 0;

  static HostArg tensor(void *data, std::vector<int64_t> sizes,
                        std::vector<int64_t> strides);
  static HostArg scalar(ElementType type, uint64_t bits);
};

class HostKernel {
public:
  /// JIT-compiles `module` (the LLVM dialect, as tile-to-cpu leaves it),
  /// whose function `entry` runs programs first .. last - 1 of a grid
  /// (convert-tile-to-linalg). `info` describes the kernel: its arguments,
  /// grid and bound config (its ptx stays empty).
  static llvm::Expected<std::unique_ptr<HostKernel>>
  create(mlir::Operation *module, LaunchInfo info, int optLevel = 2);
  ~HostKernel();

  const LaunchInfo &info() const { return launch; }

  /// Runs every program of `grid` on up to `threads` threads (0: the
  /// hardware's concurrency). The arguments must match info().args.
  llvm::Error run(llvm::ArrayRef<HostArg> args, std::array<int64_t, 3> grid,
                  unsigned threads = 0) const;

private:
  HostKernel() = default;
  LaunchInfo launch;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  void (*entry)(void **) = nullptr;
};

} // namespace tile

#endif // TILE_COMPILER_HOSTKERNEL_H
