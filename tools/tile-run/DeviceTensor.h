//===- DeviceTensor.h - tile-run's device tensors ---------------*- C++ -*-===//
//
// A kernel's global tensor on the device, inside a guarded allocation:
//
//   [guard band][row 0 | padding][row 1 | padding]...[guard band]
//
// Rows are padded to 16 bytes (what TMA needs of every stride) unless the
// tensor is laid out packed. The guard bands and the padding hold a NaN
// canary (Verify.h) that a correct kernel never touches; outputs are
// restored to poison + canary before every check, from a pristine copy on
// the device, on the kernel's stream.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_TOOLS_TILE_RUN_DEVICETENSOR_H
#define TILE_TOOLS_TILE_RUN_DEVICETENSOR_H

#include "tile/Compiler/LaunchInfo.h"
#include "tile/Runtime/CudaDriver.h"
#include "tile/Runtime/Launcher.h"
#include "tile/Runtime/ReferenceKernels.h"
#include "tile/Runtime/Verify.h"

#include <optional>
#include <vector>

namespace tile {

struct DeviceTensor {
  std::vector<int64_t> sizes, strides; // in elements, outermost first
  ElementType type = ElementType::F32;
  runtime::GuardedLayout layout;       // rows x cols in rows of `pitch`
  std::optional<runtime::DeviceBuffer> buffer;   // guards included
  std::optional<runtime::DeviceBuffer> pristine; // outputs: poison + canary
  uint64_t imageHash = 0; // inputs: hash of the uploaded image

  /// Bytes of canary before and after the data.
  static constexpr size_t kGuardBytes = 64 * 1024;

  /// The first element (past the leading guard band).
  runtime::CUdeviceptr ptr() const {
    return buffer->ptr() + layout.guardBytes;
  }
  /// Elements from one row (innermost dimension) to the next.
  int64_t rowPitch() const { return static_cast<int64_t>(layout.pitch); }
  /// Rows: the product of every extent but the innermost.
  size_t rowCount() const { return layout.rows; }
  size_t count() const { return layout.rows * layout.cols; }

  runtime::ArgValue arg() const {
    return runtime::ArgValue::tensor(ptr(), sizes, strides);
  }

  /// Uploads packed host data with the canary around it; remembers the
  /// image's hash for inputUnchanged().
  llvm::Error uploadInput(const std::vector<char> &packed);
  /// Outputs: keeps a poisoned image (canary around) on the device and
  /// writes it into the tensor.
  llvm::Error preparePoisoned(runtime::CudaDriver &drv);
  /// Outputs: restores the poisoned image, ordered on `stream`.
  llvm::Error restore(runtime::CudaDriver &drv, runtime::CUstream stream);
  /// Rows `rows` (indices over all rows, any order) as packed host data.
  llvm::Expected<std::vector<char>> downloadRows(
      const std::vector<size_t> &rows) const;
  /// Checks the canary on the device: the guard bands, and the padding of
  /// every row unless `guardsOnly`.
  llvm::Expected<runtime::CanaryReport>
  checkCanaries(runtime::ReferenceKernels &kernels, runtime::CUstream stream,
                bool guardsOnly = false) const;
  /// Inputs: whether the whole allocation still hashes to what was
  /// uploaded (hashed on the device).
  llvm::Expected<bool> inputUnchanged(runtime::ReferenceKernels &kernels,
                                      runtime::CUstream stream) const;
};

/// Allocates the tensor of kernel argument `arg` with the extents `sizes`
/// gives its dimension names: rows padded to 16 bytes, or packed when
/// `packed` (a tensor that the kernel reads or writes without TMA can be).
/// Errors: sizes whose byte count overflows 64 bits, allocation failures
/// (an OutOfMemoryError when the device is full).
llvm::Expected<DeviceTensor> makeDeviceTensor(runtime::CudaDriver &drv,
                                              const KernelArgInfo &arg,
                                              const Bindings &sizes,
                                              bool packed = false);

/// The bytes the tensor of `arg` takes on the device (guards included), or
/// nullopt when that overflows 64 bits.
std::optional<uint64_t> deviceTensorBytes(const KernelArgInfo &arg,
                                          const Bindings &sizes, bool packed);

} // namespace tile

#endif // TILE_TOOLS_TILE_RUN_DEVICETENSOR_H
