//===- DeviceTensor.h - tile-run's device tensors ---------------*- C++ -*-===//
//
// A kernel's global tensor on the device, rows padded to 16 bytes (what TMA
// needs), with copies from and to packed host data.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_TOOLS_TILE_RUN_DEVICETENSOR_H
#define TILE_TOOLS_TILE_RUN_DEVICETENSOR_H

#include "tile/Compiler/LaunchInfo.h"
#include "tile/Runtime/CudaDriver.h"
#include "tile/Runtime/Launcher.h"

#include <optional>
#include <vector>

namespace tile {

struct DeviceTensor {
  std::vector<int64_t> sizes, strides; // in elements, outermost first
  ElementType type = ElementType::F32;
  std::optional<runtime::DeviceBuffer> buffer;

  /// Elements from one row (innermost dimension) to the next.
  int64_t rowPitch() const {
    return strides.size() > 1 ? strides[strides.size() - 2] : sizes.back();
  }
  /// Rows: the product of every extent but the innermost.
  size_t rowCount() const { return count() / sizes.back(); }
  size_t count() const {
    size_t n = 1;
    for (int64_t s : sizes)
      n *= s;
    return n;
  }
  size_t paddedCount() const {
    return sizes.empty() ? 1 : strides[0] * sizes[0];
  }

  runtime::ArgValue arg() const {
    return runtime::ArgValue::tensor(buffer->ptr(), sizes, strides);
  }

  /// Copies packed host data in, row by row into the padded layout.
  llvm::Error upload(const std::vector<char> &packed);
  /// The whole tensor as packed host data.
  llvm::Expected<std::vector<char>> download() const;
};

/// Allocates the tensor of kernel argument `arg` with the extents `sizes`
/// gives its dimension names.
llvm::Expected<DeviceTensor> makeDeviceTensor(runtime::CudaDriver &drv,
                                              const KernelArgInfo &arg,
                                              const Bindings &sizes);

} // namespace tile

#endif // TILE_TOOLS_TILE_RUN_DEVICETENSOR_H
