//===- DeviceTensor.cpp - tile-run's device tensors -----------------------===//

#include "DeviceTensor.h"

#include <algorithm>
#include <cstring>

using namespace tile;
using namespace tile::runtime;

namespace {

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The layout of `arg`'s tensor, or nullopt when a size overflows.
std::optional<GuardedLayout> layoutOf(const KernelArgInfo &arg,
                                      const Bindings &sizes, bool packed,
                                      std::vector<int64_t> *extents) {
  std::vector<int64_t> dims;
  for (const std::string &d : arg.dimNames)
    dims.push_back(sizes.lookup(d));
  if (extents)
    *extents = dims;
  return makeGuardedLayout(arg.elementType, dims, packed,
                           DeviceTensor::kGuardBytes);
}

} // namespace

std::optional<uint64_t> tile::deviceTensorBytes(const KernelArgInfo &arg,
                                                const Bindings &sizes,
                                                bool packed) {
  auto layout = layoutOf(arg, sizes, packed, nullptr);
  if (!layout)
    return std::nullopt;
  return layout->totalBytes();
}

llvm::Expected<DeviceTensor> tile::makeDeviceTensor(CudaDriver &drv,
                                                    const KernelArgInfo &arg,
                                                    const Bindings &sizes,
                                                    bool packed) {
  DeviceTensor t;
  t.type = arg.elementType;
  auto layout = layoutOf(arg, sizes, packed, &t.sizes);
  if (!layout) {
    std::string shape;
    for (const std::string &d : arg.dimNames)
      shape += (shape.empty() ? "" : " x ") + d + "=" +
               std::to_string(sizes.lookup(d));
    return makeError("tensor " + arg.name + " (" + shape +
                     ") is too large: its size in bytes overflows");
  }
  t.layout = *layout;
  t.strides.assign(t.sizes.size(), 1);
  int64_t stride = 1;
  for (int i = static_cast<int>(t.sizes.size()) - 1; i >= 0; --i) {
    t.strides[i] = stride;
    stride *= i + 1 == static_cast<int>(t.sizes.size())
                  ? static_cast<int64_t>(t.layout.pitch)
                  : t.sizes[i];
  }
  auto buf = DeviceBuffer::allocate(drv, t.layout.totalBytes());
  if (!buf)
    return buf.takeError();
  t.buffer.emplace(std::move(*buf));
  return t;
}

llvm::Error DeviceTensor::uploadInput(const std::vector<char> &packed) {
  std::vector<char> image = makeGuardedImage(layout, packed.data());
  imageHash = hashBytes(image.data(), image.size());
  return buffer->copyFromHost(image.data(), image.size());
}

llvm::Error DeviceTensor::preparePoisoned(CudaDriver &drv) {
  std::vector<char> image = makeGuardedImage(layout, nullptr);
  auto copy = DeviceBuffer::allocate(drv, image.size());
  if (!copy)
    return copy.takeError();
  pristine.emplace(std::move(*copy));
  if (auto err = pristine->copyFromHost(image.data(), image.size()))
    return err;
  return buffer->copyFromHost(image.data(), image.size());
}

llvm::Error DeviceTensor::restore(CudaDriver &drv, CUstream stream) {
  if (!pristine)
    return makeError("restoring an output that has no poisoned image");
  return drv.check(drv.cuMemcpyDtoDAsync(buffer->ptr(), pristine->ptr(),
                                         buffer->size(), stream),
                   "cuMemcpyDtoDAsync");
}

llvm::Expected<std::vector<char>>
DeviceTensor::downloadRows(const std::vector<size_t> &rows) const {
  size_t e = elementSize(type), rowBytes = layout.cols * e;
  std::vector<char> packed(rows.size() * rowBytes);
  for (size_t i = 0; i < rows.size(); ++i)
    if (auto err = buffer->copyToHost(&packed[i * rowBytes], rowBytes,
                                      layout.guardBytes +
                                          rows[i] * layout.pitch * e))
      return std::move(err);
  return packed;
}

llvm::Expected<CanaryReport>
DeviceTensor::checkCanaries(ReferenceKernels &kernels, CUstream stream,
                            bool guardsOnly) const {
  CanaryReport report;
  size_t e = elementSize(type);
  uint64_t pattern = canaryPattern(type);
  auto note = [&](std::pair<uint64_t, uint64_t> found, std::string where) {
    if (!found.first)
      return;
    if (!report.damaged)
      report.first = std::move(where);
    report.damaged += found.first;
  };
  // Padding first: it names a row and a column.
  if (!guardsOnly && layout.pitch > layout.cols) {
    auto found = kernels.countChanged(ptr(), layout.rows, layout.pitch * e,
                                      layout.cols * e, layout.pitch * e, e,
                                      pattern, stream);
    if (!found)
      return found.takeError();
    uint64_t at = found->second;
    note(*found, "padding of row " + std::to_string(at / (layout.pitch * e)) +
                     ", column " +
                     std::to_string(at % (layout.pitch * e) / e));
  }
  auto before = kernels.countChanged(buffer->ptr(), 1, layout.guardBytes, 0,
                                     layout.guardBytes, e, pattern, stream);
  if (!before)
    return before.takeError();
  note(*before, "guard band before the start");
  CUdeviceptr afterBase = ptr() + layout.dataBytes();
  auto after = kernels.countChanged(afterBase, 1, layout.guardBytes, 0,
                                    layout.guardBytes, e, pattern, stream);
  if (!after)
    return after.takeError();
  note(*after, "guard band, " + std::to_string(after->second) +
                   " bytes after the end");
  return report;
}

llvm::Expected<bool> DeviceTensor::inputUnchanged(ReferenceKernels &kernels,
                                                  CUstream stream) const {
  size_t bytes = buffer->size(), words = bytes / 8;
  auto sum = kernels.hashWords(buffer->ptr(), words, stream);
  if (!sum)
    return sum.takeError();
  char tail[8] = {};
  if (bytes % 8)
    if (auto err = buffer->copyToHost(tail, bytes % 8, words * 8))
      return std::move(err);
  return finishHash(*sum, tail, bytes) == imageHash;
}
