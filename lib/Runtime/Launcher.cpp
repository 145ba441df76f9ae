//===- Launcher.cpp - launching compiled tile kernels ---------------------===//

#include "tile/Runtime/Launcher.h"
#include "tile/Runtime/HostData.h"
#include "tile/Runtime/Module.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <limits>
#include <optional>

using namespace tile;
using namespace tile::runtime;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 message.str());
}

static std::string joinDims(llvm::ArrayRef<int64_t> dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i)
      s += ", ";
    s += std::to_string(dims[i]);
  }
  return s + "]";
}

//===----------------------------------------------------------------------===//
// ArgValue
//===----------------------------------------------------------------------===//

std::vector<int64_t> tile::runtime::rowMajorStrides(
    llvm::ArrayRef<int64_t> sizes) {
  std::vector<int64_t> strides(sizes.size(), 1);
  for (size_t i = sizes.size(); i-- > 1;)
    strides[i - 1] = strides[i] * std::max<int64_t>(sizes[i], 1);
  return strides;
}

ArgValue ArgValue::tensor(CUdeviceptr ptr, std::vector<int64_t> sizes,
                          std::vector<int64_t> strides) {
  ArgValue v;
  v.kind = Kind::Tensor;
  v.ptr = ptr;
  if (strides.empty())
    strides = rowMajorStrides(sizes);
  v.sizes = std::move(sizes);
  v.strides = std::move(strides);
  return v;
}

ArgValue ArgValue::scalar(ElementType type, uint64_t bits) {
  ArgValue v;
  v.kind = Kind::Scalar;
  v.type = type;
  v.bits = bits;
  return v;
}

ArgValue ArgValue::i1(bool value) {
  return scalar(ElementType::I1, value ? 1 : 0);
}
ArgValue ArgValue::i32(int32_t value) {
  return scalar(ElementType::I32, static_cast<uint32_t>(value));
}
ArgValue ArgValue::i64(int64_t value) {
  return scalar(ElementType::I64, static_cast<uint64_t>(value));
}
ArgValue ArgValue::index(int64_t value) {
  return scalar(ElementType::Index, static_cast<uint64_t>(value));
}
ArgValue ArgValue::f32(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  return scalar(ElementType::F32, bits);
}

//===----------------------------------------------------------------------===//
// PackedParams
//===----------------------------------------------------------------------===//

void PackedParams::append(const void *data, size_t size, std::string what) {
  size_t offset = (bytes.size() + 7) & ~size_t(7);
  bytes.resize(offset + size, 0);
  std::memcpy(bytes.data() + offset, data, size);
  list.push_back({offset, size, std::move(what)});
}

uint64_t PackedParams::valueAt(size_t i) const {
  const Entry &e = list[i];
  uint64_t value = 0;
  for (size_t b = 0; b < e.size && b < 8; ++b)
    value |= static_cast<uint64_t>(
                 static_cast<unsigned char>(bytes[e.offset + b]))
             << (8 * b);
  return value;
}

void **PackedParams::kernelParams() {
  pointers.clear();
  for (const Entry &e : list)
    pointers.push_back(bytes.data() + e.offset);
  return pointers.empty() ? nullptr : pointers.data();
}

//===----------------------------------------------------------------------===//
// Tensor maps
//===----------------------------------------------------------------------===//

std::string TensorMapSpec::key() const {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << dataType << ':' << rank << ':' << globalAddress << ':' << interleave
     << ':' << swizzle << ':' << l2Promotion << ':' << oobFill;
  for (uint32_t i = 0; i < rank; ++i)
    os << ":d" << globalDim[i] << ",b" << boxDim[i] << ",e"
       << elementStrides[i];
  for (uint32_t i = 0; i + 1 < rank; ++i)
    os << ":s" << globalStrides[i];
  return os.str();
}

llvm::Expected<CUtensorMapDataType>
tile::runtime::tensorMapDataType(ElementType type) {
  switch (type) {
  case ElementType::BF16:
    return CU_TENSOR_MAP_DATA_TYPE_BFLOAT16;
  case ElementType::F16:
    return CU_TENSOR_MAP_DATA_TYPE_FLOAT16;
  case ElementType::F32:
    return CU_TENSOR_MAP_DATA_TYPE_FLOAT32;
  case ElementType::F8E4M3:
  case ElementType::F8E5M2:
    return CU_TENSOR_MAP_DATA_TYPE_UINT8;
  case ElementType::I32:
    return CU_TENSOR_MAP_DATA_TYPE_INT32;
  case ElementType::I64:
  case ElementType::Index:
    return CU_TENSOR_MAP_DATA_TYPE_INT64;
  case ElementType::I1:
    break;
  }
  return makeError(llvm::Twine("no TMA data type for element type ") +
                   elementTypeName(type));
}

llvm::Expected<TensorMapSpec>
tile::runtime::makeTensorMapSpec(const KernelParam &param, const ArgValue &arg,
                                 llvm::StringRef argName) {
  auto fail = [&](const llvm::Twine &why) {
    return makeError("TMA descriptor for tensor '" + argName + "': " + why);
  };
  if (!arg.isTensor())
    return fail("the argument is a scalar, not a tensor");
  unsigned rank = static_cast<unsigned>(arg.sizes.size());
  if (rank < 1 || rank > 5)
    return fail("rank " + llvm::Twine(rank) + " is not in [1, 5]");
  if (param.rank && param.rank != rank)
    return fail("the kernel expects rank " + llvm::Twine(param.rank) +
                ", the tensor has rank " + llvm::Twine(rank));
  if (arg.strides.size() != rank)
    return fail(llvm::Twine(arg.strides.size()) + " strides for rank " +
                llvm::Twine(rank));
  if (param.boxDims.size() != rank)
    return fail(llvm::Twine(param.boxDims.size()) +
                " box dimensions for rank " + llvm::Twine(rank));
  auto dataType = tensorMapDataType(param.elementType);
  if (!dataType)
    return fail(llvm::toString(dataType.takeError()));
  const uint64_t elemBytes = elementSize(param.elementType);

  TensorMapSpec spec;
  spec.dataType = *dataType;
  spec.rank = rank;
  spec.globalAddress = arg.ptr;
  switch (param.swizzleBytes) {
  case 0:
    spec.swizzle = CU_TENSOR_MAP_SWIZZLE_NONE;
    break;
  case 32:
    spec.swizzle = CU_TENSOR_MAP_SWIZZLE_32B;
    break;
  case 64:
    spec.swizzle = CU_TENSOR_MAP_SWIZZLE_64B;
    break;
  case 128:
    spec.swizzle = CU_TENSOR_MAP_SWIZZLE_128B;
    break;
  default:
    return fail("swizzle of " + llvm::Twine(param.swizzleBytes) +
                " bytes; TMA swizzles 32, 64 or 128 bytes (or none)");
  }

  if (arg.ptr % 16 != 0)
    return fail(llvm::formatv("global address {0:x} is not 16-byte aligned",
                              arg.ptr)
                    .str());
  if (arg.strides[rank - 1] != 1)
    return fail("the innermost stride is " +
                llvm::Twine(arg.strides[rank - 1]) +
                " elements; TMA needs a contiguous innermost dimension");
  for (unsigned d = 0; d < rank; ++d) {
    int64_t size = arg.sizes[d];
    if (size <= 0 || static_cast<uint64_t>(size) > (uint64_t(1) << 32))
      return fail("dimension " + llvm::Twine(d) + " has extent " +
                  llvm::Twine(size) + ", not in [1, 2^32]");
    int64_t box = param.boxDims[d];
    if (box < 1 || box > 256)
      return fail("box dimension " + llvm::Twine(d) + " is " +
                  llvm::Twine(box) + ", not in [1, 256]");
    // Driver order: innermost first.
    unsigned i = rank - 1 - d;
    spec.globalDim[i] = static_cast<uint64_t>(size);
    spec.boxDim[i] = static_cast<uint32_t>(box);
    spec.elementStrides[i] = 1;
    if (d + 1 < rank) {
      int64_t stride = arg.strides[d];
      if (stride <= 0)
        return fail("stride of dimension " + llvm::Twine(d) + " is " +
                    llvm::Twine(stride) + "; TMA needs positive strides");
      uint64_t strideBytes = static_cast<uint64_t>(stride) * elemBytes;
      if (strideBytes % 16 != 0)
        return fail("stride of dimension " + llvm::Twine(d) + " is " +
                    llvm::Twine(strideBytes) +
                    " bytes, not a multiple of 16 (TMA needs every "
                    "non-innermost stride 16-byte aligned)");
      if (strideBytes >= (uint64_t(1) << 40))
        return fail("stride of dimension " + llvm::Twine(d) + " is " +
                    llvm::Twine(strideBytes) + " bytes, not below 2^40");
      spec.globalStrides[i - 1] = strideBytes;
    }
  }
  uint64_t innerBoxBytes = spec.boxDim[0] * elemBytes;
  if (innerBoxBytes % 16 != 0)
    return fail("the innermost box dimension is " + llvm::Twine(innerBoxBytes) +
                " bytes, not a multiple of 16");
  if (param.swizzleBytes && innerBoxBytes > uint64_t(param.swizzleBytes))
    return fail("the innermost box dimension is " + llvm::Twine(innerBoxBytes) +
                " bytes; a " + llvm::Twine(param.swizzleBytes) +
                "-byte swizzle allows at most " +
                llvm::Twine(param.swizzleBytes));
  return spec;
}

llvm::Error tile::runtime::encodeTensorMap(CudaDriver &driver,
                                           const TensorMapSpec &spec,
                                           CUtensorMap &out) {
  if (!driver.hasTensorMaps())
    return makeError("the GPU driver has no cuTensorMapEncodeTiled (TMA needs "
                     "a CUDA 12 driver and a compute capability 9.0 GPU)");
  std::memset(&out, 0, sizeof(out));
  CUresult status = driver.cuTensorMapEncodeTiled(
      &out, spec.dataType, spec.rank,
      reinterpret_cast<void *>(static_cast<uintptr_t>(spec.globalAddress)),
      spec.globalDim.data(), spec.globalStrides.data(), spec.boxDim.data(),
      spec.elementStrides.data(), spec.interleave, spec.swizzle,
      spec.l2Promotion, spec.oobFill);
  if (status == CUDA_SUCCESS)
    return llvm::Error::success();
  std::string detail;
  llvm::raw_string_ostream os(detail);
  os << " [dims";
  for (uint32_t i = 0; i < spec.rank; ++i)
    os << ' ' << spec.globalDim[i];
  os << ", byte strides";
  for (uint32_t i = 0; i + 1 < spec.rank; ++i)
    os << ' ' << spec.globalStrides[i];
  os << ", box";
  for (uint32_t i = 0; i < spec.rank; ++i)
    os << ' ' << spec.boxDim[i];
  os << ", innermost first]";
  return makeError(
      llvm::toString(driver.check(status, "cuTensorMapEncodeTiled")) +
      os.str());
}

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

static std::string argName(const LaunchInfo &info, unsigned index) {
  if (index < info.args.size() && !info.args[index].name.empty())
    return info.args[index].name;
  return "arg" + std::to_string(index);
}

static bool isIntegerType(ElementType type) {
  return type == ElementType::I1 || type == ElementType::I32 ||
         type == ElementType::I64 || type == ElementType::Index;
}

/// The scalar's value as a signed integer, per its type.
static int64_t scalarAsInt(const ArgValue &arg) {
  switch (arg.type) {
  case ElementType::I1:
    return arg.bits & 1;
  case ElementType::I32:
    return static_cast<int32_t>(static_cast<uint32_t>(arg.bits));
  default:
    return static_cast<int64_t>(arg.bits);
  }
}

/// The bytes (little-endian, `elementSize(type)` of them) of scalar `arg`
/// passed as a parameter of `type`.
static llvm::Expected<uint64_t> scalarBits(const ArgValue &arg,
                                           ElementType type,
                                           llvm::StringRef name) {
  if (arg.type == type)
    return arg.bits;
  if (isIntegerType(type) && isIntegerType(arg.type)) {
    int64_t v = scalarAsInt(arg);
    int64_t lo = std::numeric_limits<int64_t>::min();
    int64_t hi = std::numeric_limits<int64_t>::max();
    if (type == ElementType::I32) {
      lo = std::numeric_limits<int32_t>::min();
      hi = std::numeric_limits<int32_t>::max();
    } else if (type == ElementType::I1) {
      lo = 0;
      hi = 1;
    }
    if (v < lo || v > hi)
      return makeError("scalar '" + name + "': value " + llvm::Twine(v) +
                       " does not fit " + elementTypeName(type));
    return static_cast<uint64_t>(v);
  }
  if (isFloatType(type) && arg.type == ElementType::F32) {
    float f;
    uint32_t b = static_cast<uint32_t>(arg.bits);
    std::memcpy(&f, &b, 4);
    switch (type) {
    case ElementType::BF16:
      return floatToBF16(f);
    case ElementType::F16:
      return floatToF16(f);
    case ElementType::F8E4M3:
      return floatToF8E4M3(f);
    case ElementType::F8E5M2:
      return floatToF8E5M2(f);
    default:
      break;
    }
  }
  return makeError(llvm::Twine("scalar '") + name + "': the kernel expects " +
                   elementTypeName(type) + ", the argument is " +
                   elementTypeName(arg.type));
}

llvm::Expected<PackedParams>
tile::runtime::packParams(const LaunchInfo &info, llvm::ArrayRef<ArgValue> args,
                          const Bindings &problemSizes,
                          TensorMapProvider tensorMaps) {
  PackedParams packed;
  for (size_t p = 0; p < info.params.size(); ++p) {
    const KernelParam &param = info.params[p];
    if (param.kind == KernelParam::Kind::ProblemSize) {
      std::optional<int64_t> bound;
      if (auto it = problemSizes.find(param.symbol); it != problemSizes.end())
        bound = it->second;
      else if (auto it = info.config.find(param.symbol);
               it != info.config.end())
        bound = it->second;
      if (!bound)
        return makeError("kernel parameter #" + llvm::Twine(p) +
                         " is the problem size '" + param.symbol +
                         "', which is not bound");
      int64_t value = *bound;
      packed.append(&value, 8, param.symbol);
      continue;
    }
    if (param.argIndex >= args.size())
      return makeError("kernel parameter #" + llvm::Twine(p) +
                       " is built from argument #" +
                       llvm::Twine(param.argIndex) + ", but only " +
                       llvm::Twine(args.size()) + " arguments were given");
    const ArgValue &arg = args[param.argIndex];
    std::string name = argName(info, param.argIndex);
    switch (param.kind) {
    case KernelParam::Kind::Memref: {
      if (!arg.isTensor())
        return makeError("argument '" + name +
                         "' must be a tensor (the kernel takes a memref)");
      if (arg.sizes.size() != param.rank || arg.strides.size() != param.rank)
        return makeError("tensor '" + name + "' has " +
                         llvm::Twine(arg.sizes.size()) + " sizes and " +
                         llvm::Twine(arg.strides.size()) +
                         " strides; the kernel expects rank " +
                         llvm::Twine(param.rank));
      uint64_t ptr = arg.ptr;
      int64_t offset = 0;
      packed.append(&ptr, 8, name + ".allocated");
      packed.append(&ptr, 8, name + ".aligned");
      packed.append(&offset, 8, name + ".offset");
      for (unsigned d = 0; d < param.rank; ++d)
        packed.append(&arg.sizes[d], 8,
                      name + ".sizes[" + std::to_string(d) + "]");
      for (unsigned d = 0; d < param.rank; ++d)
        packed.append(&arg.strides[d], 8,
                      name + ".strides[" + std::to_string(d) + "]");
      break;
    }
    case KernelParam::Kind::TensorMap: {
      auto spec = makeTensorMapSpec(param, arg, name);
      if (!spec)
        return spec.takeError();
      if (!tensorMaps)
        return makeError("tensor '" + name +
                         "' needs a TMA descriptor, and none can be made "
                         "here (no GPU)");
      auto devicePtr = tensorMaps(*spec);
      if (!devicePtr)
        return devicePtr.takeError();
      uint64_t ptr = *devicePtr;
      packed.append(&ptr, 8, name + ".tma");
      break;
    }
    case KernelParam::Kind::Scalar: {
      if (arg.isTensor())
        return makeError("argument '" + name +
                         "' must be a scalar, not a tensor");
      auto bits = scalarBits(arg, param.elementType, name);
      if (!bits)
        return bits.takeError();
      uint64_t value = *bits; // little-endian: low bytes first
      packed.append(&value, elementSize(param.elementType), name);
      break;
    }
    case KernelParam::Kind::ProblemSize:
      break; // handled above
    }
  }
  return std::move(packed);
}

Bindings tile::runtime::inferProblemSizes(const LaunchInfo &info,
                                          llvm::ArrayRef<ArgValue> args,
                                          const Bindings &problemSizes) {
  Bindings sizes = problemSizes;
  for (size_t i = 0; i < info.args.size() && i < args.size(); ++i) {
    if (!info.args[i].isTensor || !args[i].isTensor())
      continue;
    const auto &names = info.args[i].dimNames;
    for (size_t d = 0; d < names.size() && d < args[i].sizes.size(); ++d)
      if (!names[d].empty() && !info.config.count(names[d]))
        sizes.try_emplace(names[d], args[i].sizes[d]);
  }
  return sizes;
}

llvm::Error tile::runtime::checkArguments(const LaunchInfo &info,
                                          llvm::ArrayRef<ArgValue> args,
                                          const Bindings &problemSizes) {
  if (!info.args.empty() && args.size() != info.args.size())
    return makeError("kernel '" + info.kernelName + "' takes " +
                     llvm::Twine(info.args.size()) + " arguments, " +
                     llvm::Twine(args.size()) + " given");
  auto bound = [&](const std::string &symbol) -> std::optional<int64_t> {
    auto it = problemSizes.find(symbol);
    if (it != problemSizes.end())
      return it->second;
    it = info.config.find(symbol);
    if (it != info.config.end())
      return it->second;
    return std::nullopt;
  };
  for (size_t i = 0; i < info.args.size() && i < args.size(); ++i) {
    const KernelArgInfo &expected = info.args[i];
    const ArgValue &arg = args[i];
    std::string name = argName(info, static_cast<unsigned>(i));
    if (expected.isTensor != arg.isTensor())
      return makeError("argument '" + name + "' must be a " +
                       (expected.isTensor ? "tensor" : "scalar"));
    if (!arg.isTensor())
      continue;
    if (arg.strides.size() != arg.sizes.size())
      return makeError("tensor '" + name + "' has " +
                       llvm::Twine(arg.sizes.size()) + " sizes and " +
                       llvm::Twine(arg.strides.size()) + " strides");
    size_t rank = std::max(expected.staticDims.size(), expected.dimNames.size());
    if (rank && arg.sizes.size() != rank)
      return makeError("tensor '" + name + "' has rank " +
                       llvm::Twine(arg.sizes.size()) + ", the kernel expects " +
                       llvm::Twine(rank));
    for (size_t d = 0; d < arg.sizes.size(); ++d) {
      if (arg.sizes[d] < 0)
        return makeError("tensor '" + name + "' has a negative extent " +
                         joinDims(arg.sizes));
      if (d < expected.staticDims.size() && expected.staticDims[d] >= 0 &&
          expected.staticDims[d] != arg.sizes[d])
        return makeError("tensor '" + name + "' dimension " + llvm::Twine(d) +
                         " is " + llvm::Twine(arg.sizes[d]) +
                         ", the kernel was compiled for " +
                         llvm::Twine(expected.staticDims[d]));
      if (d < expected.dimNames.size() && !expected.dimNames[d].empty())
        if (auto value = bound(expected.dimNames[d]); value &&
                                                      *value != arg.sizes[d])
          return makeError("tensor '" + name + "' dimension " +
                           llvm::Twine(d) + " is " +
                           llvm::Twine(arg.sizes[d]) + ", but " +
                           expected.dimNames[d] + " = " +
                           llvm::Twine(*value));
    }
  }
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Grid
//===----------------------------------------------------------------------===//

llvm::Expected<Bindings>
tile::runtime::launchBindings(const LaunchInfo &info,
                              const Bindings &problemSizes) {
  Bindings all = problemSizes;
  for (const auto &entry : info.config) {
    auto [it, inserted] = all.try_emplace(entry.getKey(), entry.getValue());
    if (!inserted && it->second != entry.getValue())
      return makeError("'" + entry.getKey() + "' is " +
                       llvm::Twine(it->second) +
                       " in the problem sizes but the kernel was compiled "
                       "with " +
                       entry.getKey() + "=" + llvm::Twine(entry.getValue()));
  }
  return std::move(all);
}

llvm::Expected<std::array<unsigned, 3>>
tile::runtime::evaluateGrid(const LaunchInfo &info,
                            const Bindings &problemSizes,
                            const GridLimits &limits) {
  if (info.grid.size() > 3)
    return makeError("the grid has " + llvm::Twine(info.grid.size()) +
                     " dimensions; at most 3 are supported");
  auto bindings = launchBindings(info, problemSizes);
  if (!bindings)
    return bindings.takeError();
  std::array<unsigned, 3> grid{{1, 1, 1}};
  const int64_t limit[3] = {limits.x, limits.y, limits.z};
  const char *axis = "xyz";
  for (size_t i = 0; i < info.grid.size(); ++i) {
    auto expr = SymbolicExpr::parse(info.grid[i]);
    if (!expr)
      return makeError("grid " + llvm::Twine(axis[i]) + " '" + info.grid[i] +
                       "': " + llvm::toString(expr.takeError()));
    auto value = expr->evaluate(*bindings);
    if (!value)
      return makeError("grid " + llvm::Twine(axis[i]) + " '" + info.grid[i] +
                       "': " + llvm::toString(value.takeError()));
    if (*value <= 0 || *value > limit[i])
      return makeError("grid " + llvm::Twine(axis[i]) + " '" + info.grid[i] +
                       "' = " + llvm::Twine(*value) + " is not in [1, " +
                       llvm::Twine(limit[i]) + "]");
    grid[i] = static_cast<unsigned>(*value);
  }
  return grid;
}

//===----------------------------------------------------------------------===//
// Launching
//===----------------------------------------------------------------------===//

llvm::Error PreparedLaunch::enqueue(CudaDriver &driver, CUstream stream) {
  return driver.check(
      driver.cuLaunchKernel(function, grid[0], grid[1], grid[2], block[0],
                            block[1], block[2], sharedMemoryBytes, stream,
                            params.kernelParams(), nullptr),
      "cuLaunchKernel");
}

llvm::Expected<CUdeviceptr> Launcher::tensorMap(const TensorMapSpec &spec) {
  std::string key = spec.key();
  std::lock_guard<std::mutex> lock(mutex);
  auto it = tensorMaps.find(key);
  if (it != tensorMaps.end())
    return it->second.ptr();
  CUtensorMap map;
  if (auto err = encodeTensorMap(driver, spec, map))
    return std::move(err);
  auto buffer = DeviceBuffer::allocate(driver, sizeof(CUtensorMap));
  if (!buffer)
    return buffer.takeError();
  if (auto err = buffer->copyFromHost(&map, sizeof(map)))
    return std::move(err);
  CUdeviceptr ptr = buffer->ptr();
  tensorMaps.emplace(std::move(key), std::move(*buffer));
  return ptr;
}

void Launcher::clearCache() {
  std::lock_guard<std::mutex> lock(mutex);
  tensorMaps.clear();
}

size_t Launcher::cachedTensorMaps() const {
  std::lock_guard<std::mutex> lock(mutex);
  return tensorMaps.size();
}

llvm::Expected<PreparedLaunch>
Launcher::prepare(CUfunction function, const LaunchInfo &info,
                  llvm::ArrayRef<ArgValue> args, const Bindings &problemSizes) {
  if (!function)
    return makeError("launch of '" + info.kernelName + "' without a function");
  if (info.blockThreads < 1 || info.blockThreads > 1024)
    return makeError("kernel '" + info.kernelName + "' has " +
                     llvm::Twine(info.blockThreads) +
                     " threads per block, not in [1, 1024]");
  Bindings sizes = inferProblemSizes(info, args, problemSizes);
  if (auto err = checkArguments(info, args, sizes))
    return std::move(err);
  auto grid = evaluateGrid(info, sizes);
  if (!grid)
    return grid.takeError();
  auto params =
      packParams(info, args, sizes, [this](const TensorMapSpec &spec) {
        return tensorMap(spec);
      });
  if (!params)
    return params.takeError();

  constexpr unsigned defaultSharedLimit = 48 * 1024;
  if (info.sharedMemoryBytes > defaultSharedLimit) {
    std::lock_guard<std::mutex> lock(mutex);
    if (maxSharedOptin < 0) {
      auto value =
          driver.deviceAttribute(CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
      if (!value)
        return value.takeError();
      maxSharedOptin = *value;
    }
    if (info.sharedMemoryBytes > static_cast<unsigned>(maxSharedOptin))
      return makeError("kernel '" + info.kernelName + "' needs " +
                       llvm::Twine(info.sharedMemoryBytes) +
                       " bytes of dynamic shared memory; the device allows " +
                       llvm::Twine(maxSharedOptin) + " per block");
    auto key = std::make_pair(function, info.sharedMemoryBytes);
    if (!sharedOptIn.count(key)) {
      if (auto err =
              setMaxDynamicSharedMemory(driver, function, info.sharedMemoryBytes))
        return std::move(err);
      sharedOptIn.insert(key);
    }
  }

  PreparedLaunch prepared;
  prepared.function = function;
  prepared.grid = *grid;
  prepared.block = {{info.blockThreads, 1, 1}};
  prepared.sharedMemoryBytes = info.sharedMemoryBytes;
  prepared.params = std::move(*params);
  return std::move(prepared);
}

llvm::Error Launcher::launch(CUfunction function, const LaunchInfo &info,
                             llvm::ArrayRef<ArgValue> args,
                             const Bindings &problemSizes, CUstream stream) {
  auto prepared = prepare(function, info, args, problemSizes);
  if (!prepared)
    return prepared.takeError();
  return prepared->enqueue(driver, stream);
}

llvm::Error tile::runtime::launch(CudaDriver &driver, CUfunction function,
                                  const LaunchInfo &info,
                                  llvm::ArrayRef<ArgValue> args,
                                  const Bindings &problemSizes,
                                  CUstream stream) {
  // One driver per process, so one launcher; never destroyed (its device
  // buffers must not be freed after the driver is torn down at exit).
  static Launcher *launcher = new Launcher(driver);
  return launcher->launch(function, info, args, problemSizes, stream);
}
