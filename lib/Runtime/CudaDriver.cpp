//===- CudaDriver.cpp - the CUDA driver API, loaded at run time -----------===//

#include "tile/Runtime/CudaDriver.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <dlfcn.h>
#include <utility>

using namespace tile;
using namespace tile::runtime;

char CudaError::ID = 0;
char OutOfMemoryError::ID = 0;

void CudaError::log(llvm::raw_ostream &os) const {
  os << call << " failed: " << errorName;
  if (!description.empty())
    os << " (" << description << ")";
}

std::error_code CudaError::convertToErrorCode() const {
  return llvm::inconvertibleErrorCode();
}

bool tile::runtime::isOutOfMemory(const llvm::Error &error) {
  return error.isA<OutOfMemoryError>();
}

//===----------------------------------------------------------------------===//
// Loading
//===----------------------------------------------------------------------===//

namespace {
template <typename Fn>
bool bindSymbol(void *handle, Fn &slot, const char *name) {
  slot = reinterpret_cast<Fn>(dlsym(handle, name));
  return slot != nullptr;
}
} // namespace

llvm::Error CudaDriver::load() {
  const char *candidates[] = {"libcuda.so.1", "libcuda.so"};
  std::string firstError;
  for (const char *name : candidates) {
    dlerror();
    handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (handle) {
      library = name;
      break;
    }
    const char *why = dlerror();
    if (firstError.empty())
      firstError = why ? why : "unknown dlopen error";
  }
  if (!handle)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "no GPU driver: libcuda.so.1 not found (" + firstError + ")");

  std::string missing;
  auto require = [&](auto &slot, const char *name) {
    if (!bindSymbol(handle, slot, name)) {
      if (!missing.empty())
        missing += ", ";
      missing += name;
    }
  };
  require(cuInit, "cuInit");
  require(cuDriverGetVersion, "cuDriverGetVersion");
  require(cuDeviceGetCount, "cuDeviceGetCount");
  require(cuDeviceGet, "cuDeviceGet");
  require(cuDeviceGetName, "cuDeviceGetName");
  require(cuDeviceGetAttribute, "cuDeviceGetAttribute");
  require(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
  require(cuCtxSetCurrent, "cuCtxSetCurrent");
  require(cuCtxSynchronize, "cuCtxSynchronize");
  require(cuMemGetInfo, "cuMemGetInfo_v2");
  require(cuMemAlloc, "cuMemAlloc_v2");
  require(cuMemFree, "cuMemFree_v2");
  require(cuMemcpyHtoD, "cuMemcpyHtoD_v2");
  require(cuMemcpyDtoH, "cuMemcpyDtoH_v2");
  require(cuMemcpyDtoD, "cuMemcpyDtoD_v2");
  require(cuMemcpyDtoDAsync, "cuMemcpyDtoDAsync_v2");
  require(cuMemsetD8, "cuMemsetD8_v2");
  require(cuMemsetD8Async, "cuMemsetD8Async");
  require(cuModuleLoadDataEx, "cuModuleLoadDataEx");
  require(cuModuleGetFunction, "cuModuleGetFunction");
  require(cuModuleUnload, "cuModuleUnload");
  require(cuFuncSetAttribute, "cuFuncSetAttribute");
  require(cuFuncGetAttribute, "cuFuncGetAttribute");
  require(cuLaunchKernel, "cuLaunchKernel");
  require(cuStreamCreate, "cuStreamCreate");
  require(cuStreamDestroy, "cuStreamDestroy_v2");
  require(cuStreamSynchronize, "cuStreamSynchronize");
  require(cuEventCreate, "cuEventCreate");
  require(cuEventRecord, "cuEventRecord");
  require(cuEventSynchronize, "cuEventSynchronize");
  require(cuEventDestroy, "cuEventDestroy_v2");
  require(cuGetErrorName, "cuGetErrorName");
  require(cuGetErrorString, "cuGetErrorString");
  // cuda.h maps cuEventElapsedTime to the _v2 symbol since 12.8; older
  // drivers have only the original.
  if (!bindSymbol(handle, cuEventElapsedTime, "cuEventElapsedTime_v2"))
    require(cuEventElapsedTime, "cuEventElapsedTime");
  // Optional: only TMA kernels need it.
  bindSymbol(handle, cuTensorMapEncodeTiled, "cuTensorMapEncodeTiled");

  if (!missing.empty())
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "GPU driver " + library + " lacks " + missing +
            " (a driver for CUDA 12 or newer is needed)");
  return llvm::Error::success();
}

llvm::Error CudaDriver::initialize() {
  if (auto err = check(cuInit(0), "cuInit"))
    return err;
  int count = 0;
  if (auto err = check(cuDeviceGetCount(&count), "cuDeviceGetCount"))
    return err;
  if (count <= 0)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no GPU: the driver reports no device");
  int ordinal = 0;
  if (const char *env = std::getenv("TILE_DEVICE")) {
    char *end = nullptr;
    long value = std::strtol(env, &end, 10);
    if (!*env || *end || value < 0 || value >= count)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          llvm::formatv("TILE_DEVICE='{0}' is not a device ordinal in [0, {1})",
                        env, count)
              .str());
    ordinal = static_cast<int>(value);
  }
  if (auto err = check(cuDeviceGet(&dev, ordinal), "cuDeviceGet"))
    return err;
  if (auto err = check(cuDevicePrimaryCtxRetain(&ctx, dev),
                       "cuDevicePrimaryCtxRetain"))
    return err;
  return makeCurrent();
}

llvm::Expected<CudaDriver &> CudaDriver::get() {
  struct State {
    CudaDriver *driver = nullptr;
    std::string error;
  };
  // Initialized once, thread-safely. The driver is never destroyed: buffers
  // and modules freed from static destructors may still need it.
  static State state = [] {
    State s;
    auto *driver = new CudaDriver();
    llvm::Error err = driver->load();
    if (!err)
      err = driver->initialize();
    if (err) {
      s.error = llvm::toString(std::move(err));
      // Keep the library open (and the object alive) only when usable.
      if (driver->handle)
        dlclose(driver->handle);
      delete driver;
      return s;
    }
    s.driver = driver;
    return s;
  }();
  if (!state.driver)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   state.error);
  if (auto err = state.driver->makeCurrent())
    return std::move(err);
  return *state.driver;
}

//===----------------------------------------------------------------------===//
// Errors and queries
//===----------------------------------------------------------------------===//

std::string CudaDriver::errorName(CUresult result) const {
  const char *text = nullptr;
  if (cuGetErrorName && cuGetErrorName(result, &text) == CUDA_SUCCESS && text)
    return text;
  return "CUDA error " + std::to_string(result);
}

std::string CudaDriver::errorString(CUresult result) const {
  const char *text = nullptr;
  if (cuGetErrorString && cuGetErrorString(result, &text) == CUDA_SUCCESS &&
      text)
    return text;
  return "unknown error";
}

llvm::Error CudaDriver::check(CUresult result, llvm::StringRef call) const {
  if (result == CUDA_SUCCESS)
    return llvm::Error::success();
  if (result == CUDA_ERROR_OUT_OF_MEMORY)
    return llvm::make_error<OutOfMemoryError>(
        call.str(), result, errorName(result), errorString(result));
  return llvm::make_error<CudaError>(call.str(), result, errorName(result),
                                     errorString(result));
}

llvm::Error CudaDriver::makeCurrent() const {
  return check(cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
}

llvm::Error CudaDriver::synchronize() const {
  return check(cuCtxSynchronize(), "cuCtxSynchronize");
}

llvm::Expected<int>
CudaDriver::deviceAttribute(CUdevice_attribute attribute) const {
  int value = 0;
  if (auto err = check(cuDeviceGetAttribute(&value, attribute, dev),
                       "cuDeviceGetAttribute"))
    return std::move(err);
  return value;
}

llvm::Error CudaDriver::memoryInfo(size_t &freeBytes,
                                   size_t &totalBytes) const {
  return check(cuMemGetInfo(&freeBytes, &totalBytes), "cuMemGetInfo_v2");
}

llvm::Expected<DeviceInfo> CudaDriver::deviceInfo() const {
  DeviceInfo info;
  info.ordinal = dev;
  char name[256] = {0};
  if (auto err = check(cuDeviceGetName(name, sizeof(name) - 1, dev),
                       "cuDeviceGetName"))
    return std::move(err);
  info.name = name;
  if (auto err =
          check(cuDriverGetVersion(&info.driverVersion), "cuDriverGetVersion"))
    return std::move(err);
  struct {
    CUdevice_attribute attribute;
    int *slot;
  } attributes[] = {
      {CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, &info.smCount},
      {CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, &info.ccMajor},
      {CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, &info.ccMinor},
      {CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN,
       &info.maxSharedMemoryPerBlockOptin},
      {CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, &info.maxThreadsPerBlock},
      {CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X, &info.maxGridDim[0]},
      {CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y, &info.maxGridDim[1]},
      {CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z, &info.maxGridDim[2]},
      {CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE, &info.l2CacheBytes},
      {CU_DEVICE_ATTRIBUTE_CLOCK_RATE, &info.clockRateKHz},
  };
  for (auto &a : attributes) {
    auto value = deviceAttribute(a.attribute);
    if (!value)
      return value.takeError();
    *a.slot = *value;
  }
  if (auto err = memoryInfo(info.freeMemory, info.totalMemory))
    return std::move(err);
  return info;
}

//===----------------------------------------------------------------------===//
// DeviceBuffer
//===----------------------------------------------------------------------===//

llvm::Expected<DeviceBuffer> DeviceBuffer::allocate(CudaDriver &driver,
                                                    size_t bytes) {
  DeviceBuffer buffer;
  buffer.driver = &driver;
  if (bytes == 0)
    return std::move(buffer);
  CUdeviceptr ptr = 0;
  if (auto err = driver.check(driver.cuMemAlloc(&ptr, bytes), "cuMemAlloc_v2"))
    return std::move(err);
  buffer.devicePtr = ptr;
  buffer.bytes = bytes;
  return std::move(buffer);
}

DeviceBuffer &DeviceBuffer::operator=(DeviceBuffer &&other) noexcept {
  if (this != &other) {
    reset();
    driver = std::exchange(other.driver, nullptr);
    devicePtr = std::exchange(other.devicePtr, 0);
    bytes = std::exchange(other.bytes, 0);
  }
  return *this;
}

void DeviceBuffer::reset() {
  if (driver && devicePtr)
    (void)driver->cuMemFree(devicePtr);
  devicePtr = 0;
  bytes = 0;
}

static llvm::Error checkRange(const char *what, size_t offset, size_t count,
                              size_t size) {
  if (offset > size || count > size - offset)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        llvm::formatv("{0}: bytes [{1}, {1}+{2}) lie outside the {3}-byte "
                      "device buffer",
                      what, offset, count, size)
            .str());
  return llvm::Error::success();
}

llvm::Error DeviceBuffer::copyFromHost(const void *src, size_t count,
                                       size_t offset) {
  if (auto err = checkRange("copy to device", offset, count, bytes))
    return err;
  if (count == 0)
    return llvm::Error::success();
  return driver->check(driver->cuMemcpyHtoD(devicePtr + offset, src, count),
                       "cuMemcpyHtoD_v2");
}

llvm::Error DeviceBuffer::copyToHost(void *dst, size_t count,
                                     size_t offset) const {
  if (auto err = checkRange("copy to host", offset, count, bytes))
    return err;
  if (count == 0)
    return llvm::Error::success();
  return driver->check(driver->cuMemcpyDtoH(dst, devicePtr + offset, count),
                       "cuMemcpyDtoH_v2");
}

llvm::Error DeviceBuffer::fill(uint8_t value) {
  if (bytes == 0)
    return llvm::Error::success();
  return driver->check(driver->cuMemsetD8(devicePtr, value, bytes),
                       "cuMemsetD8_v2");
}

llvm::Error DeviceBuffer::fillAsync(uint8_t value, CUstream stream) {
  if (bytes == 0)
    return llvm::Error::success();
  return driver->check(driver->cuMemsetD8Async(devicePtr, value, bytes, stream),
                       "cuMemsetD8Async");
}

//===----------------------------------------------------------------------===//
// Stream and Event
//===----------------------------------------------------------------------===//

llvm::Expected<Stream> Stream::create(CudaDriver &driver, unsigned flags) {
  Stream s;
  s.driver = &driver;
  if (auto err = driver.check(driver.cuStreamCreate(&s.stream, flags),
                              "cuStreamCreate"))
    return std::move(err);
  return std::move(s);
}

Stream &Stream::operator=(Stream &&other) noexcept {
  if (this != &other) {
    reset();
    driver = std::exchange(other.driver, nullptr);
    stream = std::exchange(other.stream, nullptr);
  }
  return *this;
}

static llvm::Error emptyHandle(const char *what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 llvm::Twine("use of an empty ") + what);
}

llvm::Error Stream::synchronize() const {
  if (!driver)
    return emptyHandle("Stream");
  return driver->check(driver->cuStreamSynchronize(stream),
                       "cuStreamSynchronize");
}

void Stream::reset() {
  if (driver && stream)
    (void)driver->cuStreamDestroy(stream);
  stream = nullptr;
}

llvm::Expected<Event> Event::create(CudaDriver &driver, unsigned flags) {
  Event e;
  e.driver = &driver;
  if (auto err =
          driver.check(driver.cuEventCreate(&e.event, flags), "cuEventCreate"))
    return std::move(err);
  return std::move(e);
}

Event &Event::operator=(Event &&other) noexcept {
  if (this != &other) {
    reset();
    driver = std::exchange(other.driver, nullptr);
    event = std::exchange(other.event, nullptr);
  }
  return *this;
}

llvm::Error Event::record(CUstream stream) const {
  if (!driver)
    return emptyHandle("Event");
  return driver->check(driver->cuEventRecord(event, stream), "cuEventRecord");
}

llvm::Error Event::synchronize() const {
  if (!driver)
    return emptyHandle("Event");
  return driver->check(driver->cuEventSynchronize(event),
                       "cuEventSynchronize");
}

llvm::Expected<float> Event::elapsedSince(const Event &start) const {
  float ms = 0;
  if (!driver || !start.driver)
    return emptyHandle("Event");
  if (auto err = driver->check(
          driver->cuEventElapsedTime(&ms, start.event, event),
          "cuEventElapsedTime"))
    return std::move(err);
  return ms;
}

void Event::reset() {
  if (driver && event)
    (void)driver->cuEventDestroy(event);
  event = nullptr;
}
