//===- HostTensors.cpp - a kernel's tensors in host memory ----------------===//

#include "HostTensors.h"

#include "tile/Runtime/HostData.h"

#include "llvm/Support/FormatVariadic.h"

using namespace tile;
using namespace tile::runtime;

namespace {

std::optional<GuardedLayout> layoutOf(const KernelArgInfo &a,
                                      const Bindings &sizes) {
  std::vector<int64_t> dims;
  for (const std::string &d : a.dimNames)
    dims.push_back(sizes.lookup(d));
  return makeGuardedLayout(a.elementType, dims, /*packed=*/false,
                           HostTensors::kGuardBytes);
}

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

} // namespace

std::optional<uint64_t> HostTensors::bytes(const KernelSource &src,
                                           const Bindings &sizes) {
  uint64_t total = 0;
  for (const KernelArgInfo &a : src.args()) {
    if (!a.isTensor)
      continue;
    auto layout = layoutOf(a, sizes);
    if (!layout)
      return std::nullopt;
    total += layout->totalBytes();
  }
  return total;
}

llvm::Expected<HostTensors>
HostTensors::create(const KernelSource &src, const Bindings &sizes,
                    llvm::ArrayRef<std::vector<char>> packedInputs,
                    llvm::ArrayRef<ArgValue> scalars, unsigned outIndex) {
  HostTensors t;
  t.out = outIndex;
  size_t n = src.args().size();
  t.layouts.resize(n);
  t.images.resize(n);
  t.hashes.assign(n, 0);
  for (auto [i, a] : llvm::enumerate(src.args())) {
    if (!a.isTensor) {
      if (i >= scalars.size())
        return makeError("no value for scalar argument " + a.name);
      t.args.push_back(HostArg::scalar(scalars[i].type, scalars[i].bits));
      continue;
    }
    t.layouts[i] = layoutOf(a, sizes);
    if (!t.layouts[i])
      return makeError("tensor " + a.name +
                       " has an extent that is not positive or a size that "
                       "overflows");
    const GuardedLayout &layout = *t.layouts[i];
    if (i == outIndex) {
      t.images[i] = makeGuardedImage(layout, nullptr);
      t.poisoned = t.images[i];
    } else {
      size_t bytes = layout.rows * layout.cols * elementSize(a.elementType);
      if (i >= packedInputs.size() || packedInputs[i].size() != bytes)
        return makeError("no data of the right size for input " + a.name);
      t.images[i] = makeGuardedImage(layout, packedInputs[i].data());
      t.hashes[i] = hashBytes(t.images[i].data(), t.images[i].size());
    }
    std::vector<int64_t> extents, strides(a.dimNames.size(), 1);
    for (const std::string &d : a.dimNames)
      extents.push_back(sizes.lookup(d));
    int64_t stride = static_cast<int64_t>(layout.pitch);
    for (int d = static_cast<int>(extents.size()) - 2; d >= 0; --d) {
      strides[d] = stride;
      stride *= extents[d];
    }
    t.args.push_back(
        HostArg::tensor(t.images[i].data() + kGuardBytes, extents, strides));
  }
  return t;
}

llvm::Error HostTensors::run(const HostKernel &kernel, const Bindings &sizes,
                             unsigned threads) {
  images[out] = poisoned;
  args[out].data = images[out].data() + kGuardBytes;
  auto grid = evaluateGrid(kernel.info(), sizes);
  if (!grid)
    return grid.takeError();
  return kernel.run(args, {(*grid)[0], (*grid)[1], (*grid)[2]}, threads);
}

OutputView HostTensors::output() const {
  const GuardedLayout &layout = *layouts[out];
  OutputView view;
  view.data = images[out].data() + kGuardBytes;
  view.type = layout.type;
  view.rows = layout.rows;
  view.cols = layout.cols;
  view.pitch = layout.pitch;
  return view;
}

std::vector<float> HostTensors::outputFloats() const {
  OutputView view = output();
  std::vector<float> values(view.rows * view.cols);
  size_t e = elementSize(view.type);
  for (size_t r = 0; r < view.rows; ++r)
    convertElements(static_cast<const char *>(view.data) + r * view.pitch * e,
                    view.type, &values[r * view.cols], ElementType::F32,
                    view.cols);
  return values;
}

std::string HostTensors::damage(const KernelSource &src) const {
  std::string found;
  CanaryReport canary = checkCanaries(*layouts[out], images[out].data());
  if (!canary.ok())
    found = llvm::formatv("wrote outside {0}: {1} canary element(s) changed, "
                          "first in the {2}",
                          src.args()[out].name, canary.damaged, canary.first)
                .str();
  for (auto [i, image] : llvm::enumerate(images))
    if (i != out && !image.empty() &&
        hashBytes(image.data(), image.size()) != hashes[i])
      found += (found.empty() ? "" : "; ") + std::string("wrote into ") +
               src.args()[i].name + " (an input) or its guard bands";
  return found;
}
