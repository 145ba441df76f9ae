//===- DeviceTensor.cpp - tile-run's device tensors -----------------------===//

#include "DeviceTensor.h"

#include <algorithm>
#include <cstring>

using namespace tile;
using namespace tile::runtime;

llvm::Error DeviceTensor::upload(const std::vector<char> &packed) {
  size_t e = elementSize(type);
  size_t rows = rowCount(), cols = sizes.back();
  std::vector<char> padded(paddedCount() * e, 0);
  for (size_t r = 0; r < rows; ++r)
    std::memcpy(&padded[r * rowPitch() * e], &packed[r * cols * e], cols * e);
  return buffer->copyFromHost(padded.data(), padded.size());
}

llvm::Expected<std::vector<char>> DeviceTensor::download() const {
  size_t e = elementSize(type);
  std::vector<char> padded(paddedCount() * e);
  if (auto err = buffer->copyToHost(padded.data(), padded.size()))
    return std::move(err);
  size_t rows = rowCount(), cols = sizes.back();
  std::vector<char> packed(count() * e);
  for (size_t r = 0; r < rows; ++r)
    std::memcpy(&packed[r * cols * e], &padded[r * rowPitch() * e], cols * e);
  return packed;
}

llvm::Expected<DeviceTensor> tile::makeDeviceTensor(CudaDriver &drv,
                                                    const KernelArgInfo &arg,
                                                    const Bindings &sizes) {
  DeviceTensor t;
  t.type = arg.elementType;
  for (const std::string &d : arg.dimNames)
    t.sizes.push_back(sizes.lookup(d));
  int64_t e = elementSize(t.type);
  int64_t align = std::max<int64_t>(1, 16 / e);
  t.strides.assign(t.sizes.size(), 1);
  int64_t stride = 1;
  for (int i = t.sizes.size() - 1; i >= 0; --i) {
    t.strides[i] = stride;
    int64_t extent = t.sizes[i];
    if (i == (int)t.sizes.size() - 1)
      extent = (extent + align - 1) / align * align;
    stride *= extent;
  }
  auto buf = DeviceBuffer::allocate(drv, std::max<int64_t>(1, stride) * e);
  if (!buf)
    return buf.takeError();
  t.buffer.emplace(std::move(*buf));
  return t;
}
