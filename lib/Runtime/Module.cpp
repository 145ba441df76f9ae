//===- Module.cpp - PTX modules and their kernels -------------------------===//

#include "tile/Runtime/Module.h"

#include "llvm/ADT/StringExtras.h"

#include <cstdint>
#include <utility>
#include <vector>

using namespace tile;
using namespace tile::runtime;

namespace {
/// The first `size` bytes of a JIT log buffer, trimmed.
std::string logText(const std::vector<char> &buffer, uintptr_t size) {
  size_t n = std::min<size_t>(size, buffer.size());
  std::string text(buffer.data(), strnlen(buffer.data(), n));
  return llvm::StringRef(text).trim().str();
}
} // namespace

llvm::Expected<Module> Module::loadPTX(CudaDriver &driver, llvm::StringRef ptx,
                                       bool verbose) {
  // The JIT wants a NUL-terminated image.
  std::string image = ptx.str();
  constexpr size_t logBytes = 64 * 1024;
  std::vector<char> errorLog(logBytes, 0), infoLog(logBytes, 0);
  CUjit_option options[] = {
      CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
      CU_JIT_INFO_LOG_BUFFER,  CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES,
      CU_JIT_LOG_VERBOSE,
  };
  void *values[] = {
      errorLog.data(),
      reinterpret_cast<void *>(static_cast<uintptr_t>(logBytes - 1)),
      infoLog.data(),
      reinterpret_cast<void *>(static_cast<uintptr_t>(logBytes - 1)),
      reinterpret_cast<void *>(static_cast<uintptr_t>(verbose ? 1 : 0)),
  };
  Module result;
  result.driver = &driver;
  CUresult status = driver.cuModuleLoadDataEx(
      &result.module, image.c_str(), std::size(options), options, values);
  // On return the size options hold the bytes written (NUL included).
  std::string errors = logText(errorLog, reinterpret_cast<uintptr_t>(values[1]));
  result.info = logText(infoLog, reinterpret_cast<uintptr_t>(values[3]));
  if (status != CUDA_SUCCESS) {
    result.module = nullptr;
    llvm::Error err = driver.check(status, "cuModuleLoadDataEx");
    if (errors.empty() && result.info.empty())
      return std::move(err);
    std::string message = llvm::toString(std::move(err));
    message += "\nptxas log:\n";
    message += errors.empty() ? result.info : errors;
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  }
  return std::move(result);
}

Module &Module::operator=(Module &&other) noexcept {
  if (this != &other) {
    reset();
    driver = std::exchange(other.driver, nullptr);
    module = std::exchange(other.module, nullptr);
    info = std::move(other.info);
  }
  return *this;
}

void Module::reset() {
  if (driver && module)
    (void)driver->cuModuleUnload(module);
  module = nullptr;
}

llvm::Expected<CUfunction> Module::getFunction(llvm::StringRef name) const {
  if (!module)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "getFunction on a module not loaded");
  CUfunction function = nullptr;
  std::string nameZ = name.str();
  CUresult status =
      driver->cuModuleGetFunction(&function, module, nameZ.c_str());
  if (status != CUDA_SUCCESS) {
    llvm::Error err = driver->check(status, "cuModuleGetFunction");
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   llvm::toString(std::move(err)) +
                                       " for kernel '" + nameZ + "'");
  }
  return function;
}

llvm::Expected<FunctionAttributes>
tile::runtime::getFunctionAttributes(CudaDriver &driver, CUfunction function) {
  FunctionAttributes attrs;
  struct {
    CUfunction_attribute attribute;
    int *slot;
  } queries[] = {
      {CU_FUNC_ATTRIBUTE_NUM_REGS, &attrs.numRegs},
      {CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES, &attrs.localBytes},
      {CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, &attrs.staticSharedBytes},
      {CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, &attrs.maxThreadsPerBlock},
      {CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
       &attrs.maxDynamicSharedBytes},
  };
  for (auto &q : queries)
    if (auto err = driver.check(
            driver.cuFuncGetAttribute(q.slot, q.attribute, function),
            "cuFuncGetAttribute"))
      return std::move(err);
  return attrs;
}

llvm::Error tile::runtime::setMaxDynamicSharedMemory(CudaDriver &driver,
                                                     CUfunction function,
                                                     unsigned bytes) {
  return driver.check(
      driver.cuFuncSetAttribute(function,
                                CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                static_cast<int>(bytes)),
      "cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES)");
}
